"""No value from a file stops the line: a poisoned prompt set, a second check that answers NaN or raises, a gate
that raises, a damaged reference bank. Each is refused where it is loaded, and where one gets past, every frame is
still recorded (as REVIEW, with the reason named) and a run of failures raises an alarm (manual mode)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch
from sqlalchemy import select

from station.capture import Frame
from station.decision import Reason
from station.gate.bank import ReferenceBank, load_bank
from station.models.files import ModelFileError
from station.pipeline import MAX_FAILED_FRAMES, Pipeline
from station.prompts.files import PROMPT_VALUE_LIMIT, PromptSetMeta, load_prompt_set, save_prompt_set
from station.runtime import Station
from station.storage.models import Alarm, Inspection, utcnow
from station.synth.samples import draw_sample

FRAMES = MAX_FAILED_FRAMES + 4


@pytest.fixture(scope="module")
def opened(module_station):
    return module_station


@pytest.fixture
def station(opened):
    """The module's station with its alarms reset (as a manager would: the fail-safe counts afresh from there) and
    its own checks back after each test."""
    check_a_prompts, probs, gate = opened.check_a.encoder.prompts, opened.check_b.probabilities, opened.gate
    with opened.db.transaction() as s:
        s.add(Alarm(kind="test", detail={}, reset_at=utcnow()))  # a reset point even when the last test left none
        for alarm in s.scalars(select(Alarm).where(Alarm.reset_at.is_(None))):
            alarm.reset_at = utcnow()
    yield opened
    opened.check_a.encoder.prompts, opened.check_b.probabilities, opened.gate = check_a_prompts, probs, gate


def frames(n: int = FRAMES) -> list[Frame]:
    return [Frame(draw_sample(13, i, 256).image, i, f"poison#{i}") for i in range(n)]


def run_line(station: Station) -> list:
    """The line as it runs: frames in batches through the real pipeline; returns the recorded rows."""
    with station.db.session() as s:
        before = s.scalar(select(Inspection.id).order_by(Inspection.id.desc()).limit(1)) or 0
    pipeline = Pipeline(station, source_name="poison test")
    shown, line = [], frames()
    for i in range(0, FRAMES, 4):
        shown += pipeline.inspect(line[i:i + 4])
    with station.db.session() as s:
        rows = list(s.scalars(select(Inspection).where(Inspection.id > before).order_by(Inspection.id)))
    assert [r.id for r in rows] == [r.inspection_id for r in shown]  # every frame recorded, none lost
    assert all(station.images.path_of(r.image_path).is_file() for r in rows)
    return rows


def open_alarms(station) -> list[Alarm]:
    with station.db.session() as s:
        return list(s.scalars(select(Alarm).where(Alarm.reset_at.is_(None))))


def test_prompts_that_overflow_the_encoder_give_review_not_a_stopped_line(station):
    depth, width = station.check_a.encoder.depth, station.check_a.encoder.width
    station.check_a.encoder.prompts = torch.full((depth - 3, 4, width), 1e38)  # got past every check
    rows = run_line(station)
    assert all(r.verdict == "REVIEW" for r in rows)
    assert all(Reason.INVALID_A.value in r.reason for r in rows[:MAX_FAILED_FRAMES])
    assert all(r.conf_a == 0.0 for r in rows)  # stored as no confidence, never NULL
    assert [a.kind for a in open_alarms(station)] == ["errors"]
    assert all(r.manual_mode for r in rows[MAX_FAILED_FRAMES:])


def test_a_second_check_answering_nan_gives_review(station):
    station.check_b.probabilities = lambda x: torch.full((x.shape[0], len(station.config.classes)), math.nan)
    rows = run_line(station)
    assert all(r.verdict == "REVIEW" and Reason.INVALID_B.value in r.reason for r in rows[:MAX_FAILED_FRAMES])
    assert all(r.conf_b == 0.0 for r in rows)


@pytest.mark.parametrize("broken", ["check_b", "gate"])
def test_a_check_that_raises_is_that_frame_s_review_with_the_error_named(station, broken):
    def fail(*_a, **_k):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied (poisoned weights)")

    if broken == "check_b":
        station.check_b.probabilities = fail
    else:
        station.gate = type("BrokenGate", (), {"check": staticmethod(fail),
                                               "record_sha256": station.gate.record_sha256})()
    rows = run_line(station)
    assert all(r.verdict == "REVIEW" for r in rows)
    assert rows[0].reason.startswith("inspection error: RuntimeError: mat1 and mat2 shapes")
    assert [a.kind for a in open_alarms(station)] == ["errors"]
    assert open_alarms(station)[0].detail["failed_frames"] == MAX_FAILED_FRAMES


def test_a_good_frame_ends_a_run_of_failures(station):
    pipeline = Pipeline(station, source_name="poison test")
    good = station.check_b.probabilities
    station.check_b.probabilities = lambda x: torch.full((x.shape[0], len(station.config.classes)), math.nan)
    pipeline.inspect(frames(MAX_FAILED_FRAMES - 1))
    station.check_b.probabilities = good
    pipeline.inspect(frames(1))
    assert pipeline.failed_in_a_row == 0 and open_alarms(station) == []


def test_prompt_sets_beyond_sane_values_are_refused_when_read(station, tmp_path):
    depth, width = station.check_a.encoder.depth, station.check_a.encoder.width
    meta = PromptSetMeta(base_model_sha256=station.clip.sha256, classes=[], first_prompted_block=3, tokens_per_block=4)
    for value in (1e38, PROMPT_VALUE_LIMIT * 2):
        path = tmp_path / f"p{value:g}.safetensors"
        save_prompt_set(path, torch.full((depth - 3, 4, width), value), meta)
        with pytest.raises(ModelFileError, match="beyond"):
            load_prompt_set(path)
    with pytest.raises(ValueError, match="no valid probabilities"):  # the forward pass on reference frames
        station.check_a.try_prompts(torch.full((depth - 3, 4, width), 3e38), 3)
    station.check_a.try_prompts(torch.zeros((depth - 3, 4, width)), 3)  # a harmless set passes


@pytest.mark.parametrize("damage", ["scaled", "nan_threshold"])
def test_a_damaged_reference_bank_is_refused_when_read(station, tmp_path, damage):
    bank = station.gate.bank
    if damage == "scaled":
        bad = ReferenceBank(bank.embeddings * 1e6, bank.layouts, bank.meta, bank.path)
    else:
        bad = ReferenceBank(bank.embeddings, bank.layouts, replace(bank.meta, thresholds={"appearance": math.inf,
                                                                                           "layout": 0.1}), bank.path)
    bad.save(tmp_path / "bank.safetensors")
    with pytest.raises(ModelFileError, match="unit vectors|cosine distances"):
        load_bank(tmp_path / "bank.safetensors")
