"""Roll-out through the plant: a manager publishes a signed pack with a product to the plant's object store; other
stations list the offer and install it with the checks of `station pack import`. What is refused: an offer whose
bytes in the store were changed, an offer signed by a key a station does not trust."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pytest

from station import config as config_mod
from station.cli import main

from conftest import PW as STATION_PW

PW = "manager-password"


def join_plant(data, name: str, plant) -> None:
    cfg = config_mod.load(data)
    cfg.plant.station, cfg.plant.database_url, cfg.plant.objects = name, plant[0], str(plant[1])
    config_mod.save(cfg, data)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def published(tmp_path, monkeypatch, capsys, onboarded):
    """Station a (a copy of the onboarded one) signs its product, exports a pack with the plant key and offers it."""
    plant = (f"sqlite:///{tmp_path / 'plant.db'}", tmp_path / "plant-objects")
    plant[1].mkdir()
    a = tmp_path / "a"
    shutil.copytree(onboarded[0] / "data", a)
    monkeypatch.setenv("STATION_DATA_DIR", str(a))
    monkeypatch.setenv("STATION_PASSWORD", STATION_PW)
    key = tmp_path / "keys" / "plant.key"
    code, out, _ = run(capsys, "pack", "keygen", "--out", str(key))
    fingerprint = re.search(r"fingerprint: ([0-9a-f]{64})", out)[1]
    assert run(capsys, "--user", "boss", "keys", "trust", str(key.with_suffix(".pub")), "--name", "Plant A")[0] == 0
    assert run(capsys, "--user", "boss", "product", "accept", "nut")[0] == 0
    pack = tmp_path / "nut.stationpack"
    assert run(capsys, "--user", "boss", "pack", "export", str(pack), "--sign-key", str(key))[0] == 0
    join_plant(a, "line-a", plant)
    code, out, err = run(capsys, "--user", "rita", "rollout", "publish", str(pack))
    assert code == 2 and "manager" in err  # a reviewer may not offer packs
    code, out, _ = run(capsys, "--user", "boss", "rollout", "publish", str(pack))
    assert code == 0 and "nut v1" in out and "offered to the plant's stations" in out
    assert "offered already" in run(capsys, "--user", "boss", "rollout", "publish", str(pack))[1]
    return plant, key.with_suffix(".pub"), fingerprint


def new_station(tmp_path, monkeypatch, capsys, name: str, plant):
    data = tmp_path / name
    monkeypatch.setenv("STATION_DATA_DIR", str(data))
    monkeypatch.setenv("STATION_NEW_PASSWORD", PW)
    monkeypatch.setenv("STATION_PASSWORD", PW)
    assert run(capsys, "users", "add", "mia", "--role", "manager")[0] == 0
    join_plant(data, name, plant)
    return data


def offers(capsys) -> list[dict]:
    code, out, err = run(capsys, "rollout", "list", "--json")
    assert code == 0, err
    return json.loads(out)


def test_a_station_installs_what_the_plant_offers_and_signs_it_itself(tmp_path, monkeypatch, capsys, published):
    plant, pub, _ = published
    new_station(tmp_path, monkeypatch, capsys, "line-b", plant)
    assert run(capsys, "--user", "mia", "keys", "trust", str(pub), "--name", "Plant A")[0] == 0
    [offer] = offers(capsys)
    assert ([p["name"] for p in offer["products"]], offer["trusted"], offer["suits"], offer["here"]) == (
        ["nut"], True, True, False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(capsys, "--user", "mia", "rollout", "install", "nut")  # no terminal to ask on, no --yes
    assert code == 2 and "--yes" in err and not list((tmp_path / "line-b").glob("rollout-*"))
    code, out, _ = run(capsys, "--user", "mia", "rollout", "install", "nut", "--yes")
    assert code == 0 and "nut v1 installed from the plant" in out
    [line] = json.loads(run(capsys, "--user", "mia", "product", "list", "--json")[1])
    assert (line["name"], line["accepted"], line["live"]) == ("nut", False, False)  # a manager here signs it
    assert offers(capsys)[0]["here"] is True
    assert config_mod.load(tmp_path / "line-b").plant.station == "line-b"  # its own plant wiring kept, not the pack's
    assert not list((tmp_path / "line-b").glob("rollout-*"))  # the fetched copy is not left behind


def test_a_changed_offer_and_an_untrusted_signer_are_refused(tmp_path, monkeypatch, capsys, published):
    plant, pub, _ = published
    new_station(tmp_path, monkeypatch, capsys, "line-c", plant)
    [offer] = offers(capsys)
    assert offer["trusted"] is False  # this station never trusted the plant key
    code, _, err = run(capsys, "--user", "mia", "rollout", "install", offer["pack"][:12], "--yes")
    assert code == 2 and "station keys trust" in err, err
    assert run(capsys, "--user", "mia", "keys", "trust", str(pub), "--name", "Plant A")[0] == 0
    stored = next(p for p in plant[1].rglob("*") if p.is_file())
    stored.chmod(0o644)
    stored.write_bytes(stored.read_bytes()[:-10] + b"0123456789")  # changed in the store
    code, _, err = run(capsys, "--user", "mia", "rollout", "install", offer["pack"][:12], "--yes")
    assert code == 2 and "does not hash to its name" in err
    assert json.loads(run(capsys, "--user", "mia", "product", "list", "--json")[1]) == []


def test_at_a_changeover_a_station_following_the_plant_takes_its_newer_version_unsigned(tmp_path, monkeypatch, capsys,
                                                                                       published):
    """[plant] install_at_changeover: station b judges with nut v1; station a offers nut v2. When b changes over to
    nut (in the window, as a PLC's changeover does), it takes v2 in the background: the product alone (b's settings
    stay its own), unsigned and not live, under the plant's roll-out account, while v1 goes on judging. A second
    changeover finds nothing newer; with the plant out of reach `product use` still switches and says why nothing
    was taken."""
    from station.runtime import Station
    from station.service.plant import start_forwarding
    from station.service.products import change_over, products_on_disk
    from station.errors import InvalidInput
    from station.events import ProductArrived
    from station.storage.models import AuditEvent

    plant, pub, _ = published
    key = pub.with_suffix(".key")
    a, b = tmp_path / "a", tmp_path / "line-b"
    new_station(tmp_path, monkeypatch, capsys, "line-b", plant)
    assert run(capsys, "--user", "mia", "keys", "trust", str(pub), "--name", "Plant A")[0] == 0
    assert run(capsys, "--user", "mia", "rollout", "install", "nut", "--yes")[0] == 0
    assert run(capsys, "--user", "mia", "product", "accept", "nut")[0] == 0
    assert run(capsys, "--user", "mia", "product", "use", "nut")[0] == 0  # the setting is off: nothing asked of the plant
    # station a: nut v2 (its own pack taken back makes a new version), signed, with other settings, offered
    monkeypatch.setenv("STATION_DATA_DIR", str(a))
    monkeypatch.setenv("STATION_PASSWORD", STATION_PW)
    assert run(capsys, "--user", "boss", "pack", "import", str(tmp_path / "nut.stationpack"), "--yes")[0] == 0
    assert run(capsys, "--user", "boss", "product", "accept", "nut")[0] == 0
    cfg = config_mod.load(a)
    cfg.thresholds.conf_a = 0.77
    config_mod.save(cfg, a)
    assert run(capsys, "--user", "boss", "pack", "export", str(tmp_path / "nut2.stationpack"), "--sign-key", str(key))[0] == 0
    assert run(capsys, "--user", "boss", "rollout", "publish", str(tmp_path / "nut2.stationpack"))[0] == 0

    cfg = config_mod.load(b)
    cfg.plant.install_at_changeover = True
    config_mod.save(cfg, b)
    conf_a = cfg.thresholds.conf_a
    station = Station.open(b)
    services = start_forwarding(station)
    arrived = []
    station.events.subscribe(arrived.append, ProductArrived)  # what the window's Products page says
    try:
        assert services.installs is not None
        change_over(station, station_user(station, "mia"), None)  # to the settings' classes, and back
        assert change_over(station, station_user(station, "mia"), "nut") == "nut v1"
        services.installs.wait()
        assert station.product.label == "nut v1"  # the line was not kept waiting, nor switched to an unsigned version
        lines = {p.label: p for p in products_on_disk(station)}
        assert set(lines) == {"nut v1", "nut v2"}
        assert (lines["nut v2"].accepted, lines["nut v2"].live) == (False, False)
        assert [(e.product, e.taken, e.problem) for e in arrived] == [("nut", ("nut v2",), "")]
        assert services.installs.said == [
            "nut v2 taken from the plant at the changeover; a manager here reads its report and signs it "
            "(station product accept nut) before it may go live"]
        with station.db.session() as s:
            imported = [e for e in s.query(AuditEvent).filter_by(action="product.imported")]
        assert imported[-1].actor == "plant-rollout" and imported[-1].detail["version"] == 2
        assert config_mod.load(b).thresholds.conf_a == conf_a  # products only: not the pack's 0.77
        change_over(station, station_user(station, "mia"), None)
        change_over(station, station_user(station, "mia"), "nut", 1)  # v2 is newer, but not signed here
        services.installs.wait()
        assert len(services.installs.said) == 1 and len(products_on_disk(station)) == 2  # nothing newer offered
        # rows are any station's to write: one claiming a version that is not the pack's, one not as `publish`
        # writes them, and an older signed pack replayed
        import sqlite3

        with sqlite3.connect(plant[0].removeprefix("sqlite:///")) as con:
            pack2, products2 = con.execute("SELECT pack_sha256, products FROM plant_offer ORDER BY published_at DESC"
                                           ).fetchone()
            lying = json.loads(products2)
            lying[0]["sha256"] = "f" * 64
            con.execute("UPDATE plant_offer SET products = ? WHERE pack_sha256 = ?", (json.dumps(lying), pack2))
            columns = "signer, signer_name, foundation_sha256, sequence, published_by, published_at, size"
            for products in ('[{"version": 9}]', "[{"):
                con.execute(f"INSERT INTO plant_offer (pack_sha256, products, {columns}) SELECT ? , ?, {columns} "
                            "FROM plant_offer WHERE pack_sha256 = ?", (hashlib.sha256(products.encode()).hexdigest(),
                                                                       products, pack2))
        for _ in range(2):  # what the signed pack holds is here already: nothing twice, however often asked
            change_over(station, station_user(station, "mia"), None)
            change_over(station, station_user(station, "mia"), "nut", 1)
            services.installs.wait()
        assert len(products_on_disk(station)) == 2
        from station.auth import rollout_account
        from station.models.identity import foundation_sha256
        from station.pack.errors import PackError
        from station.pack.importer import import_products_only

        with station.db.transaction() as s:
            account = rollout_account(s)
            s.expunge(account)
        with pytest.raises(PackError, match="is not newer than"):  # the first pack again, after the second
            import_products_only(station.db, b, station.config, tmp_path / "nut.stationpack", account,
                                 foundation_sha256(station.config, b))
        from station.auth import PermissionDenied
        from station.products import store

        for act in (store.accept, store.make_live):  # it records versions; it never signs or switches one
            with pytest.raises(PermissionDenied), station.db.transaction() as s:
                act(s, "nut", 2, account)

        from station.auth import set_active

        with station.db.transaction() as s:  # a manager turns these installs off by deactivating the account
            set_active(s, "plant-rollout", False, station_user(station, "mia"))
        change_over(station, station_user(station, "mia"), None)
        change_over(station, station_user(station, "mia"), "nut", 1)
        services.installs.wait()
        assert "'plant-rollout' is deactivated here" in services.installs.said[-1]

        with pytest.raises(InvalidInput, match="last active manager"), station.db.transaction() as s:
            set_active(s, "mia", False, station_user(station, "mia"))  # the roll-out account is no one to manage it
    finally:
        services.stop()
        station.close()
    cfg.plant.database_url = "postgresql+psycopg://station@127.0.0.1:9/plant"  # nobody answers there
    config_mod.save(cfg, b)
    monkeypatch.setenv("STATION_DATA_DIR", str(b))
    monkeypatch.setenv("STATION_PASSWORD", PW)
    code, out, _ = run(capsys, "--user", "mia", "product", "use", "nut", "--version", "1")
    assert code == 0 and "nut v1 is the live product" in out and "was not taken at the changeover" in out, out


def station_user(station, name: str):
    from sqlalchemy import select

    from station.storage.models import User

    with station.db.session() as s:
        user = s.scalar(select(User).where(User.username == name))
        s.expunge(user)
    return user
