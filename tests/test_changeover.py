"""Changeover while the station runs: frames are judged by the product live when they were captured, by a
manager's switch or a PLC's recipe number (Modbus and OPC UA), and a product that cannot load is refused."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import timezone

import pytest
from asyncua import Client
from pymodbus.client import ModbusTcpClient
from sqlalchemy import select

from conftest import copy_data
from plc import GUARD_S, HOST, free_port, wait_until
from station.capture.folder import FolderSource
from station.config_schema import LinksSpec
from station.events import ProductChanged
from station.links.line_state import RECIPE_DONE, RECIPE_REFUSED, LineState
from station.links.modbus_server import ModbusLink
from station.links.opcua_server import NAMESPACE_URI, OpcUaLink
from station.links.recipes import RecipeRequests
from station.pipeline import Pipeline
from station.products import store
from station.runtime import Station
from station.service.products import accept_product, change_over, set_product_recipe, use_product
from station.storage.models import AuditEvent, Inspection



@pytest.fixture
def signed(onboarded, tmp_path):
    """A station on the settings' classes holding the signed product "nut", recipe number 7."""
    root, photos, boss, otto, row = onboarded
    copy_data(root / "data", tmp_path / "data")
    station = Station.open(tmp_path / "data")
    accept_product(station, boss, "nut")
    set_product_recipe(station, boss, "nut", 7)
    yield station, photos, boss, otto, row
    station.close()


def _rows(station, results) -> list[Inspection]:
    ids = [r.inspection_id for r in results]
    with station.db.session() as s:
        rows = {r.id: r for r in s.scalars(select(Inspection).where(Inspection.id.in_(ids)))}
        s.expunge_all()
    return [rows[i] for i in ids]


def test_frames_taken_before_a_switch_are_judged_by_the_product_before_it(signed):
    station, photos, boss, otto, row = signed
    washer = {c.key for c in station.own_config.classes}  # the settings' own classes
    changes = []
    station.events.subscribe(changes.append, ProductChanged)
    pipeline = Pipeline(station, otto, "folder")
    source = FolderSource(photos / "good")
    taken_before = [source.read() for _ in range(3)]  # captured, still queued when the manager switches
    time.sleep(0.01)  # the switch's record is later than their capture, as on a line
    use_product(station, boss, "nut")
    taken_after = [replace(source.read(), timestamp=time.time() + 1) for _ in range(3)]
    results = pipeline.inspect(taken_before + taken_after)  # one batch across the changeover
    rows = _rows(station, results)
    assert [r.product_id for r in rows] == [None] * 3 + [row.id] * 3
    assert {r.label_b for r in rows[:3]} <= washer and {r.label_a for r in rows[:3]} <= washer
    assert {r.label_b for r in rows[3:]} <= {"good", "scratch", "crack"}
    assert rows[3].check_b_model_id != rows[0].check_b_model_id
    assert station.product.label == "nut v1" and changes == [ProductChanged("nut v1", 7, "", changes[0].timestamp)]
    # the next batch: every frame after the switch, no product before it left in play for them
    later = _rows(station, pipeline.inspect([source.read()]))
    assert later[0].product_id == row.id
    # and back to the settings' classes, the same way
    from station.service.products import use_no_product

    use_no_product(station, boss)
    back = _rows(station, pipeline.inspect([replace(source.read(), timestamp=time.time() + 1)]))
    assert back[0].product_id is None and back[0].label_b in washer

    # two changeovers while frames wait in the queue: each frame still goes with what was live when it was taken;
    # a self-test's pinned pipeline keeps the product it started with throughout
    pinned = Pipeline(station, pinned=True)
    under_settings = [source.read()]
    time.sleep(0.01)
    change_over(station, boss, "nut")
    under_nut = [replace(source.read(), timestamp=time.time() + 0.001)]
    time.sleep(0.01)
    change_over(station, boss, None)
    under_settings_again = [replace(source.read(), timestamp=time.time() + 0.001)]
    rows = _rows(station, pipeline.inspect(under_settings + under_nut + under_settings_again))
    assert [r.product_id for r in rows] == [None, row.id, None]
    assert pinned.judge([under_nut[0].image])[0].b.label in washer and pinned.pinned.product is None


class Plc:
    """Both links on one station, with recipe selection on, and a client for each."""

    def __init__(self, station):
        self.line = LineState.of_station(station)
        self.recipes = RecipeRequests(station, self.line)
        self.modbus_port, opc_port = free_port(), free_port()
        spec = LinksSpec(modbus_enabled=True, modbus_host=HOST, modbus_port=self.modbus_port, opcua_enabled=True,
                         opcua_anonymous=True, opcua_endpoint=f"opc.tcp://{HOST}:{opc_port}/station/",
                         recipe_select=True)
        self.url = spec.opcua_endpoint
        self.links = [ModbusLink(station.events, spec, self.line, recipes=self.recipes),
                      OpcUaLink(station.events, spec, self.line, recipes=self.recipes)]
        assert all(link.start() for link in self.links), [link.detail for link in self.links]

    def modbus(self) -> ModbusTcpClient:
        client = ModbusTcpClient(HOST, port=self.modbus_port, timeout=GUARD_S)
        assert client.connect()
        return client

    def stop(self) -> None:
        for link in self.links:
            link.stop()
        self.recipes.close()
        self.line.close()


def _recipe_registers(client) -> tuple[int, int, int]:
    reply = client.read_holding_registers(8, count=3)
    assert not reply.isError(), reply
    return tuple(reply.registers)


def test_a_plc_selects_the_product_by_recipe_number_over_modbus(signed):
    station, photos, boss, otto, row = signed
    plc = Plc(station)
    client = plc.modbus()
    try:
        assert _recipe_registers(client) == (0, 0, RECIPE_DONE)
        # a number no product has: refused, the line stays on what it has
        assert not client.write_register(8, 99).isError()
        assert wait_until(lambda: _recipe_registers(client)[2] == RECIPE_REFUSED, "the refusal")
        assert station.product is None and plc.line.snapshot().recipe_refused == "no product has recipe number 99"
        # recipe 7: the product is live and loaded when the PLC reads its number back
        assert not client.write_register(8, 7).isError()
        wait_until(lambda: _recipe_registers(client) == (7, 7, RECIPE_DONE), "recipe 7 live")
        assert station.product.label == "nut v1" and plc.line.snapshot().product == "nut v1"
        assert not client.write_register(8, 7).isError()  # a PLC repeating its number changes nothing
        wait_until(lambda: _recipe_registers(client) == (7, 7, RECIPE_DONE), "recipe 7 again")
        results = Pipeline(station, otto, "folder").inspect([FolderSource(photos / "good").read()])
        assert _rows(station, results)[0].product_id == row.id
        # 0: the settings' classes again
        assert not client.write_register(8, 0).isError()
        wait_until(lambda: _recipe_registers(client) == (0, 0, RECIPE_DONE), "recipe 0")
        assert station.product is None
        with station.db.session() as s:
            actors = [(e.actor, e.detail.get("recipe")) for e in s.scalars(
                select(AuditEvent).where(AuditEvent.action == store.LIVE_ACTION).order_by(AuditEvent.id))]
        assert actors == [("plc:modbus", 7), ("plc:modbus", 0)]
    finally:
        client.close()
        plc.stop()


def test_a_plc_selects_over_opc_ua_and_a_product_that_cannot_load_is_refused(signed):
    station, photos, boss, otto, row = signed
    plc = Plc(station)

    async def select_recipe(number: int) -> dict:
        async with Client(plc.url, timeout=GUARD_S) as client:
            idx = await client.get_namespace_index(NAMESPACE_URI)
            node = client.get_node(f"ns={idx};s=Station.RecipeRequest")
            await node.write_value(_u16(number))
            deadline = time.monotonic() + GUARD_S
            # as a PLC does: RecipeState until it is no longer switching, then what it says (read after it)
            while (state := await client.get_node(f"ns={idx};s=Station.RecipeState").read_value()) == 1 \
                    and time.monotonic() < deadline:  # a hang guard: still switching then fails the checks below
                await asyncio.sleep(0.05)
            return {"RecipeState": state} | {n: await client.get_node(f"ns={idx};s=Station.{n}").read_value()
                                             for n in ("RecipeLive", "ProductLive", "RecipeRefused")}

    try:
        values = asyncio.run(select_recipe(7))
        assert values == {"RecipeLive": 7, "ProductLive": "nut v1", "RecipeState": RECIPE_DONE, "RecipeRefused": ""}
        assert station.product.label == "nut v1"
        asyncio.run(select_recipe(0))
        assert station.product is None
        # a file of the product changed on disk: the switch is refused, named, audited, and nothing changes
        (station.data_dir / row.path / "check_b" / "anomaly.safetensors").write_bytes(b"changed")
        values = asyncio.run(select_recipe(7))
        assert values["RecipeState"] == RECIPE_REFUSED and "anomaly.safetensors" in values["RecipeRefused"]
        assert values["RecipeLive"] == 0 and station.product is None
        with station.db.session() as s:
            assert store.live(s) is None  # the records say what judges: not the product that failed to load
            last = s.scalar(select(AuditEvent).where(AuditEvent.action == store.LIVE_ACTION)
                            .order_by(AuditEvent.id.desc()).limit(1))
        assert last.actor == "system" and "anomaly.safetensors" in last.detail["refused"]
    finally:
        plc.stop()


def _u16(number: int):
    from asyncua import ua

    return ua.DataValue(ua.Variant(number, ua.VariantType.UInt16))


class _Stamped:
    """A camera whose frames say when they were taken, slow enough that a switch lands mid-run."""

    def __init__(self, frames, taken: dict):
        self.frames, self.taken, self.i = frames, taken, 0

    def read(self):
        if self.i >= len(self.frames):
            return None
        time.sleep(0.05)
        frame = replace(self.frames[self.i], index=self.i, origin=f"cam#{self.i}", timestamp=time.time())
        self.taken[frame.origin] = frame.timestamp
        self.i += 1
        return frame

    def stop(self):
        pass


def test_on_a_running_line_every_frame_is_judged_by_the_product_live_when_it_was_taken(signed):
    import threading

    from station.products.store import live_since

    station, photos, boss, otto, row = signed
    good = FolderSource(photos / "good")
    frames = [good.read() for _ in range(24)]
    taken: dict[str, float] = {}
    pipeline = Pipeline(station, otto, "camera")
    done = []
    line = threading.Thread(target=lambda: done.append(pipeline.run(_Stamped(frames, taken), max_batch=4)))
    line.start()
    wait_until(lambda: len(taken) >= 8, "the line running")
    use_product(station, boss, "nut")  # the manager switches while parts keep coming
    line.join(GUARD_S)
    assert done == [24]
    with station.db.session() as s:
        switched = live_since(s)  # the switch's record (SQLite gives it back without its zone: UTC)
        rows = {r.origin: r.product_id for r in s.scalars(select(Inspection).where(Inspection.source == "camera"))}
    switch = (switched if switched.tzinfo else switched.replace(tzinfo=timezone.utc)).timestamp()
    expected = {origin: (None if at < switch else row.id) for origin, at in taken.items()}
    assert rows == expected
    assert None in rows.values() and row.id in rows.values()  # the switch really landed mid-run


def test_a_frame_is_reviewed_with_the_classes_of_the_product_that_judged_it(signed, monkeypatch, capsys):
    """After a switch back to the settings' classes, a frame the product judged still waits with the product's
    classes, a defect kind too rare to learn included (answering it is how its photos are gathered); a class of
    another product is refused, naming those that fit; what a command shows names the version."""
    from station.service import review_queue
    from station.service.products import use_no_product
    from station.storage.models import Alarm

    station, photos, boss, otto, row = signed
    with station.db.transaction() as s:
        s.add(Alarm(kind="failsafe", detail={"review_share": 0.9}))  # manual mode: every frame waits for a person
    pipeline = Pipeline(station, otto, "folder")
    use_product(station, boss, "nut")
    taken = [replace(FolderSource(photos / kind).read(), timestamp=time.time() + 1) for kind in ("chipped", "good")]
    chipped, good = [r.inspection_id for r in pipeline.inspect(taken)]
    use_no_product(station, boss)
    [washer] = [r.inspection_id for r in pipeline.inspect([replace(FolderSource(photos / "good").read(),
                                                                   timestamp=time.time() + 2)])]

    waiting = {f.id: f for f in review_queue.queue_page(station)[0]}
    nut_classes = {"good", "scratch", "crack", "chipped"}
    assert {a.key for a in waiting[chipped].answers} == nut_classes  # "chipped" was held out whole: not learned
    assert {a.key for a in waiting[washer].answers} == {c.key for c in station.config.classes}
    with pytest.raises(review_queue.ReviewError, match=r"unknown class 'washer/good'; choose one of .*chipped"):
        review_queue.decide(station, boss, chipped, "washer/good")
    assert review_queue.decide(station, boss, chipped, "chipped") is False
    assert review_queue.decide(station, boss, good, "good") is True
    assert review_queue.decide(station, boss, washer, "washer/good") is True
    line, _, answers = review_queue.inspection(station, chipped)
    assert (line.product, line.review_label, {a.key for a in answers}) == ("nut v1", "chipped", nut_classes)
    assert review_queue.inspection(station, washer)[0].as_dict()["product"] is None
    # a changeover leaves manual mode as it is, and the command says so with the way out
    from conftest import PW
    from station.cli import main

    monkeypatch.setenv("STATION_PASSWORD", PW)
    assert main(["--data-dir", str(station.data_dir), "--user", "boss", "product", "use", "nut"]) == 0
    assert "still in manual mode" in capsys.readouterr().out
    assert main(["--data-dir", str(station.data_dir), "--user", "boss", "product", "use", "--none"]) == 0
    assert "failsafe reset" in capsys.readouterr().out


def test_a_version_recorded_before_its_row_kept_names_is_named_from_its_folder_learned_classes_first(station,
                                                                                                   tmp_path):
    """The review buttons of a version whose record has only keys (recorded by an earlier release) carry the
    names its own product.json gives, in both languages; a class too rare to learn comes after the learned ones,
    so the learned classes keep their number keys."""
    import json

    from station import review
    from station.storage.models import Product

    folder = tmp_path / "products" / "bracket" / "v1"
    folder.mkdir(parents=True)
    (folder / "product.json").write_text(json.dumps({"classes": [
        {"key": "a_hole", "name": "missing hole", "name_ja": "穴なし"},
        {"key": "good", "name": "good bracket", "name_ja": "良品"},
        {"key": "scratch", "name": "scratched bracket", "name_ja": "傷"}]}))
    with station.db.transaction() as s:
        version = Product(name="bracket", version=1, path="products/bracket/v1", sha256="0" * 64,
                          base_model_sha256="0" * 64, acceptance={}, spec={"classes": [
                              {"key": "a_hole", "good": False, "learned": False},
                              {"key": "good", "good": True, "learned": True},
                              {"key": "scratch", "good": False, "learned": True}]})
        s.add(version)
        s.flush()
        product_id = version.id
    with station.db.session() as s:
        answers = review.Answers(s, review.settings_answers(station), tmp_path)(Inspection(product_id=product_id))
    assert [(a.key, a.name, a.name_ja, a.good) for a in answers] == [
        ("good", "good bracket", "良品", True), ("scratch", "scratched bracket", "傷", False),
        ("a_hole", "missing hole", "穴なし", False)]
