"""The plant's roles (station plant roles): on the PostgreSQL CI starts, a station's role writes its own rows and
no other station's, a station cannot write a desk decision, a desk can; forwarding and the desk work under them."""

from __future__ import annotations

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, insert, make_url, select, text, update

from station.desk_decisions import signed_decision
from station.forwarding import Forwarder
from station.pipeline import Pipeline
from station.signing import public_pem
from station.storage.db import DatabaseError
from station.storage.objects import FolderObjects
from station.storage.plant import PlantDatabase, plant_desk_decision, plant_inspection, upgrade_plant
from station.storage.plant_desk import PlantDesk
from station.storage.plant_roles import roles_sql
from station.synth.camera import SyntheticSource
from station.trusted_keys import trust_key


@pytest.fixture
def plant_with_roles(postgres_url):
    """A plant upgraded by its owner, and the roles of two stations and a desk, named afresh for this test."""
    tag = uuid.uuid4().hex[:8]
    one, two, desk = f"line-{tag}-1", f"line-{tag}-2", f"desk-{tag}"
    owner = create_engine(postgres_url)
    upgrade_plant(owner)
    with owner.begin() as c:
        c.exec_driver_sql(roles_sql([one, two], [desk]))

    def as_role(role: str) -> str:
        return make_url(postgres_url).set(username=role).render_as_string(hide_password=False)
    yield {name: as_role(name) for name in (one, two, desk)}, (one, two, desk)
    with owner.begin() as c:  # the roles go with the test (they live in the whole server, not in its database)
        for role in (one, two, desk):
            c.execute(text(f'DROP OWNED BY "{role}"'))
            c.execute(text(f'DROP ROLE "{role}"'))
    owner.dispose()


def test_a_station_writes_only_its_own_rows_and_only_a_desk_decides(station, plant_with_roles, tmp_path):
    urls, (one, two, desk_role) = plant_with_roles
    station.config.thresholds.conf_a = 1.0
    Pipeline(station, operator=station.otto, source_name="roles").run(SyntheticSource(seed=2, family="washer"),
                                                                       max_frames=2)
    mine = PlantDatabase(urls[one])
    forwarder = Forwarder(station, mine, FolderObjects(tmp_path / "objects"), one)
    assert forwarder.forward_all(wait_s=0.01).done  # frames, reviews, trail, alarms, runs: all under its own role
    row = dict(mine.rows(one)[0])
    with pytest.raises(DatabaseError, match="row-level security"):
        mine.add([{**row, "station": two, "sequence": 99}])  # another station's frame, written by this one
    with mine.connected(begin=True) as c:  # another station's rows are not this one's to change: none match
        changed = c.execute(update(plant_inspection).where(plant_inspection.c.station == one)
                            .values(verdict="PASS")).rowcount
        assert changed == 2  # its own, yes
    other = PlantDatabase(urls[two])
    with other.connected(begin=True) as c:
        assert c.execute(update(plant_inspection).where(plant_inspection.c.station == one)
                         .values(verdict="FAIL")).rowcount == 0
    key = Ed25519PrivateKey.generate()  # the desk's
    signed = signed_decision(key, one, row["sequence"], row["image_sha256"], "washer/good", True, "", "rob")
    forged = dict(station=one, inspection=row["sequence"], label="washer/good", good=True, note="", reviewer="rob",
                  decided_at=row["created_at"], outcome="", image_sha256=row["image_sha256"], **signed)
    with pytest.raises(DatabaseError, match="permission denied"):
        with other.connected(begin=True) as c:  # a station writing a desk decision
            c.execute(insert(plant_desk_decision).values(**forged))
    desk = PlantDesk(PlantDatabase(urls[desk_role]), "rob")
    assert desk.claim((one, row["sequence"]))
    desk.decide((one, row["sequence"]), "washer/good", True, "", signed)
    with station.db.transaction() as s:
        trust_key(s, public_pem(key.public_key()), "Review desk", station.boss)
    assert forwarder.forward_all(wait_s=0.01).desk_decisions == 1  # its answer written under its own role
    with mine.connected() as c:
        assert c.scalar(select(plant_desk_decision.c.outcome)) == "recorded"
