"""The station's main job, end to end on the demo models: frames in, verdicts and records out."""

import hashlib

import pytest
from sqlalchemy import func, select

from station import audit, config
from station.auth import PermissionDenied, acting, set_active
from station.capture import Frame, FolderSource
from station.synth.camera import SyntheticSource
from station.pipeline import Pipeline
from station.review import ReviewError, decide, pending_count, queue_page, settings_answers
from station.runtime import Station
from station.storage.models import Alarm, Inspection, ModelRecord, Review
from station.synth.samples import draw_sample


@pytest.fixture
def people(station):
    return {"manager": station.boss, "operator": station.otto, "reviewer": station.rita}


def test_frames_are_decided_and_recorded_with_their_images(station):
    pipeline = Pipeline(station, operator=station.otto, source_name="simulated")
    results = []
    done = pipeline.run(SyntheticSource(seed=3, defect_rate=0.5, family="washer", size=128), max_frames=40,
                        on_result=results.append)
    assert done == 40 == len(results)
    with station.db.session() as s:
        rows = list(s.scalars(select(Inspection).order_by(Inspection.id)))
        assert len(rows) == 40
        for row in rows:
            data = station.images.path_of(row.image_path).read_bytes()
            assert hashlib.sha256(data).hexdigest() == row.image_sha256
            assert row.verdict in ("PASS", "FAIL", "REVIEW") and row.latency_ms > 0
            assert (row.verdict == "REVIEW") == bool(row.reason)
        assert s.scalar(select(func.count()).select_from(ModelRecord)) == 2
    # automatic verdicts on the demo models are right, and most frames are decided automatically
    auto = [r for r in results if r.verdict != "REVIEW"]
    right = sum((r.verdict == "PASS") == r.frame.truth.endswith("/good") for r in auto)
    assert len(auto) >= 25 and right / len(auto) >= 0.9


def test_unreadable_file_is_skipped_and_nothing_is_lost(station, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(3):
        img = SyntheticSource(seed=i, size=96, frames=1).read().image
        import cv2

        cv2.imwrite(str(folder / f"{i}.png"), img[..., ::-1])
    (folder / "1b_corrupt.png").write_bytes(b"\x89PNG garbage")
    source = FolderSource(folder)
    assert Pipeline(station, operator=station.otto, source_name="folder").run(source) == 3
    assert source.skipped == 1
    with station.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Inspection)) == 3


def test_failsafe_trips_survives_restart_and_needs_a_manager(tmp_path, station, people):
    station.close()  # one station process per data folder: this test opens and restarts its own
    data = tmp_path / "data"
    cfg = config.load(data)
    cfg.thresholds.conf_a = 1.0  # nothing is ever confident enough: every frame goes to review
    cfg.failsafe.window, cfg.failsafe.min_frames, cfg.failsafe.max_review_share = 10, 10, 0.5
    config.save(cfg, data)
    st = Station.open(data)
    pipe = Pipeline(st, operator=people["operator"])
    results = []
    pipe.run(SyntheticSource(seed=1, size=64), max_frames=15, on_result=results.append)
    assert [r.alarm_raised for r in results].index(True) == 9
    assert all(r.manual_mode for r in results[10:])
    st.close()

    st = Station.open(data)  # after a restart the station is still in manual mode
    pipe = Pipeline(st)
    assert pipe.manual_mode
    for role in ("operator", "reviewer"):
        with pytest.raises(PermissionDenied, match="needs a manager"):
            pipe.reset_failsafe(people[role])
    assert pipe.reset_failsafe(people["manager"], note="lens cleaned") == 1
    assert not pipe.manual_mode
    with st.db.session() as s:
        assert s.scalar(select(Alarm)).reset_by == people["manager"].id
        actions = [e.action for e in reversed(audit.page(s))]  # record seals left out
        assert actions[-2:] == ["failsafe.trip", "failsafe.reset"]
        assert audit.verify(s).ok
    st.close()


def test_the_failsafe_counts_frames_across_runs_until_a_manager_resets_it(tmp_path, station, people):
    """Three short `station inspect` runs, each shorter than the fail-safe's minimum: the third trips it, since
    each run takes up the verdicts the last ones recorded. After a manager's reset the count starts afresh."""
    station.close()
    data = tmp_path / "data"
    cfg = config.load(data)
    cfg.thresholds.conf_a = 1.0  # every frame goes to review
    cfg.failsafe.window, cfg.failsafe.min_frames, cfg.failsafe.max_review_share = 10, 10, 0.5
    config.save(cfg, data)
    st = Station.open(data)
    try:
        raised = []
        for run in range(3):
            results = []
            Pipeline(st, operator=people["operator"]).run(SyntheticSource(seed=run, size=64), max_frames=4,
                                                          on_result=results.append)
            raised.append([r.alarm_raised for r in results])
        assert raised == [[False] * 4, [False] * 4, [False, True, False, False]]
        pipe = Pipeline(st, operator=people["operator"])
        assert pipe.manual_mode and pipe.reset_failsafe(people["manager"]) == 1
        results = []
        Pipeline(st, operator=people["operator"]).run(SyntheticSource(seed=9, size=64), max_frames=9,
                                                      on_result=results.append)
        assert not any(r.alarm_raised or r.manual_mode for r in results)  # 9 frames since the reset: under 10
    finally:
        st.close()


def test_the_failsafe_take_up_follows_the_order_of_the_records_not_a_clock(tmp_path, station, people):
    """A manager's reset whose time came from a clock an hour ahead (another host, or a clock stepped back since):
    the short runs after it still add up and trip, since the reset marks its place by inspection, not by time."""
    from datetime import timedelta

    station.close()
    data = tmp_path / "data"
    cfg = config.load(data)
    cfg.thresholds.conf_a = 1.0
    cfg.failsafe.window, cfg.failsafe.min_frames, cfg.failsafe.max_review_share = 10, 10, 0.5
    config.save(cfg, data)
    st = Station.open(data)
    try:
        Pipeline(st, operator=people["operator"]).run(SyntheticSource(seed=1, size=64), max_frames=12)  # trips
        assert Pipeline(st).reset_failsafe(people["manager"]) == 1
        with st.db.transaction() as s:
            s.scalar(select(Alarm)).reset_at += timedelta(hours=1)
        raised = []
        for run in range(3):
            results = []
            Pipeline(st, operator=people["operator"]).run(SyntheticSource(seed=20 + run, size=64), max_frames=4,
                                                          on_result=results.append)
            raised += [r.alarm_raised for r in results]
        assert raised.index(True) == 9  # the tenth frame since the reset
    finally:
        st.close()


def test_review_queue_flow(station, people):
    cfg = station.config
    cfg.thresholds.conf_a = 0.999  # most frames to review
    pipe = Pipeline(station, operator=people["operator"])
    pipe.run(SyntheticSource(seed=9, size=64), max_frames=12)
    classes = settings_answers(station)
    with station.db.session() as s:
        waiting = pending_count(s)
        first_page = queue_page(s, limit=5)
        second_page = queue_page(s, after_id=first_page[-1].id, limit=5)
    assert waiting >= 6 and len(first_page) == 5
    assert first_page[-1].id < second_page[0].id
    target = first_page[0].id
    with pytest.raises(PermissionDenied):
        with station.db.transaction() as s:
            decide(s, target, "washer/good", classes, people["operator"])
    with station.db.transaction() as s:
        decide(s, target, "washer/crack", classes, people["reviewer"], note="hairline crack at 3 o'clock")
    with pytest.raises(ReviewError, match="reviewed already"):
        with station.db.transaction() as s:
            decide(s, target, "washer/good", classes, people["reviewer"])
    with pytest.raises(ReviewError, match="unknown class"):
        with station.db.transaction() as s:
            decide(s, first_page[1].id, "bolt/good", classes, people["reviewer"])
    with station.db.session() as s:
        assert pending_count(s) == waiting - 1
        review = s.scalar(select(Review))
        assert (review.label, review.good, review.reviewer_id) == ("washer/crack", False, people["reviewer"].id)


def test_missing_model_is_reported_and_nothing_is_written(tmp_path):
    from station.models.files import ModelFileError

    data = tmp_path / "data"
    cfg = config.load(data)
    cfg.model.clip = str(tmp_path / "no-such-model")
    cfg.model.clip_arch = "ViT-B-32"
    config.save(cfg, data)
    with pytest.raises(ModelFileError, match="not found"):
        Station.open(data)


def test_station_on_other_family(tmp_path):
    data = tmp_path / "data"
    config.save(config.default_config("pcb_tile"), data)
    st = Station.open(data)
    res = []
    Pipeline(st).run(SyntheticSource(seed=2, family="pcb_tile", size=64), max_frames=6, on_result=res.append)
    assert {r.decision.a.label.split("/")[0] for r in res} == {"pcb_tile"}
    st.close()


def test_the_pipeline_itself_refuses_to_record_frames_for_someone_who_may_not_inspect(station, people):
    """Not only the CLI checks: a pipeline without an operator, or with one deactivated mid-shift, records nothing."""
    with pytest.raises(PermissionDenied, match="sign in first"):
        Pipeline(station).run(SyntheticSource(seed=3, size=64), max_frames=2)
    pipe = Pipeline(station, operator=people["operator"])
    assert pipe.run(SyntheticSource(seed=3, size=64), max_frames=2) == 2
    with station.db.transaction() as s:
        set_active(s, "otto", False, acting(s, people["manager"]))
    frames = [Frame(draw_sample(3, i, 64).image, i, "test") for i in range(2)]
    with pytest.raises(PermissionDenied, match="deactivated"):
        pipe.inspect(frames)
    with station.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Inspection)) == 2
