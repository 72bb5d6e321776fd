"""The service layer the GUI and the CLI share: no SQLAlchemy in ui/, one job at a time, settings that say
what needs a restart, and one event stream the line publishes on."""

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from station.auth import PermissionDenied
from station.synth.camera import SyntheticSource
from station.errors import Cancelled, StationError
from station.events import AlarmChanged, DecisionMade, EventStream, SelftestProgress
from station.jobs import StationBusy
from station.pipeline import Pipeline
from station.progress import Callbacks
from station.selftest import reference as refs
from station.selftest.prm_runner import PrmRunSettings
from station.service import selftests
from station.service.settings import apply_settings

UI = Path(__file__).resolve().parents[1] / "ui"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_gui_holds_no_sqlalchemy_and_no_storage_models():
    found = {str(p.relative_to(UI)): sorted(n for n in _imports(p) if n.split(".")[0] == "sqlalchemy"
                                            or n.startswith(("station.storage", "station.audit")))
             for p in UI.rglob("*.py")}
    assert {k: v for k, v in found.items() if v} == {}
    assert len(found) > 10  # the pages were read


def test_one_long_job_at_a_time_is_the_station_s_rule_not_the_gui_s(station):
    from station.service.inspection import claim_line

    line = claim_line(station)  # the window's live page holds the slot while its line runs
    with pytest.raises(StationBusy, match="live inspection"):
        selftests.run_prm(station, station.boss, refs.generated(station, 2, size=64),
                          PrmRunSettings(eps=(8 / 255,), iterations=1))
    with pytest.raises(StationBusy):  # and a second line too
        claim_line(station)
    line.release()
    assert station.jobs.current is None
    assert isinstance(StationBusy("x"), StationError)


def test_self_tests_check_the_permission_themselves_and_publish_their_progress(station):
    with pytest.raises(PermissionDenied):
        selftests.run_prm(station, station.otto, [], PrmRunSettings())
    seen = []
    station.events.subscribe(seen.append, SelftestProgress)
    run_id = selftests.run_prm(station, station.boss, refs.generated(station, 2, size=64),
                               PrmRunSettings(eps=(8 / 255,), iterations=2))
    assert seen and seen[-1].kind == "prm" and seen[-1].done == seen[-1].total
    run = selftests.history(station.db)[0]
    assert run.id == run_id and run.status.value in ("done", "attack ineffective")
    assert station.jobs.current is None  # released for the next job


def test_cancelling_a_self_test_raises_nothing_and_records_the_run_as_cancelled(station):
    run_id = selftests.run_prm(station, station.boss, refs.generated(station, 2, size=64),
                               PrmRunSettings(eps=(8 / 255,), iterations=50), progress=Callbacks(should_stop=lambda: True))
    assert selftests.history(station.db)[0].id == run_id
    assert selftests.history(station.db)[0].status.value == "cancelled"
    assert issubclass(Cancelled, Exception) and not issubclass(Cancelled, StationError)


def test_applied_settings_say_which_changes_wait_for_a_restart(station):
    cfg = station.config
    new = replace(cfg, thresholds=replace(cfg.thresholds, conf_a=0.6), model=replace(cfg.model, device="cpu"))
    applied = apply_settings(station, station.boss, new)
    assert set(applied.changed) == {"thresholds.conf_a", "model.device"}
    assert applied.restart_needed == ["model.device"]
    assert station.config.thresholds.conf_a == 0.6  # the live part applies at once
    with pytest.raises(PermissionDenied):
        apply_settings(station, station.otto, new)
    # the language sits in a live section but is read once, before the window opens
    applied = apply_settings(station, station.boss, replace(station.config, ui=replace(station.config.ui, language="ja")))
    assert applied.restart_needed == ["ui.language"]


def test_the_line_publishes_every_decision_and_the_alarm_on_one_stream(station):
    station.config.thresholds.conf_a = 1.0  # every frame to review: the fail-safe trips
    station.config.failsafe.window = station.config.failsafe.min_frames = 10
    decisions, alarms = [], []
    station.events.subscribe(decisions.append, DecisionMade)
    station.events.subscribe(alarms.append, AlarmChanged)
    station.events.subscribe(lambda e: 1 / 0)  # a broken subscriber does not stop the line
    pipe = Pipeline(station, operator=station.otto)
    results = []
    pipe.run(SyntheticSource(seed=4, size=64), max_frames=12, on_result=results.append)
    assert [d.inspection_id for d in decisions] == [r.inspection_id for r in results]
    assert decisions[-1].counts == {"REVIEW": 12} and decisions[-1].manual_mode
    assert [a.raised for a in alarms] == [True]
    pipe.reset_failsafe(station.boss)
    assert [a.raised for a in alarms] == [True, False]


def test_a_subscription_ends_when_closed():
    stream, seen = EventStream(), []
    sub = stream.subscribe(seen.append)
    stream.publish(SelftestProgress("prm", 1, 2))
    sub.close()
    stream.publish(SelftestProgress("prm", 2, 2))
    assert [e.done for e in seen] == [1]


def test_the_audit_trail_follows_the_plc_links_state(station):
    from station import audit
    from station.events import LinkStatus

    for state in ("listening", "listening", "failed"):
        station.events.publish(LinkStatus("modbus", state, "port 5020"))
    with station.db.session() as s:
        actions = [(e.action, e.detail.get("link")) for e in audit.page(s, limit=5)]
    assert actions[:2] == [("link.failed", "modbus"), ("link.listening", "modbus")]  # a repeat is not recorded
