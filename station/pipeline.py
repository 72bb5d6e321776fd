"""Frame -> check A + check B -> decision -> image and row, committed together.

Each frame is decoded once (by its source) and resized and normalised once per
distinct model input; frames that queue up are inspected as one batch.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from . import audit, failsafe
from .auth import acting, require, user_count
from .capture.base import Frame, FrameSource
from .events import AlarmChanged, DecisionMade
from .decision import REVIEW, Decision, Opinion, Reason, ReviewRateMonitor, error_reason, valid_confidence
from .judging import Judge, Opinions
from .gate.store import active_record
from .runtime import Inspecting, Station
from .storage.models import Alarm, Inspection, User
from .progress import QUIET, Progress

log = logging.getLogger(__name__)


MAX_FAILED_FRAMES = 10  # frames in a row whose checks failed or gave no valid output: then an alarm, manual mode


def storable(confidence: float) -> float:
    """What the record keeps of a confidence: itself, or 0 for one that is no probability (the reason says so)."""
    return confidence if valid_confidence(confidence) else 0.0


@dataclass(frozen=True)
class InspectionResult:
    inspection_id: int
    frame: Frame
    decision: Decision
    latency_ms: float  # from capture until the row was committed
    manual_mode: bool
    alarm_raised: bool = False
    recorded_latency_ms: float = 0.0  # what the row keeps: from capture until its image was written, before the commit
    product: str | None = None  # 'name vN' of the product version that judged it; None: the settings' classes

    @property
    def verdict(self) -> str:
        return self.decision.verdict


def judge_of(inspecting: Inspecting) -> Judge:
    """The Judge for what judges frames: checks, gate (when on), classes and thresholds."""
    cfg = inspecting.config
    return Judge(inspecting.check_a, inspecting.check_b, inspecting.gate if cfg.gate.enabled else None,
                 [c.key for c in cfg.classes], {c.key: c.good for c in cfg.classes},
                 cfg.thresholds.conf_a, cfg.thresholds.conf_b)


class Pipeline:
    def __init__(self, station: Station, operator: User | None = None, source_name: str = "", pinned: bool = False):
        """`pinned`: `judge` and `opinions` keep to what judged frames when the pipeline was made, whatever
        changeover comes meanwhile (a self-test records one product's models and classes for its whole run)."""
        self.station = station
        self.pinned = station.inspecting() if pinned else None  # what a pinned pipeline judges by
        self._pinned = judge_of(self.pinned) if pinned else None
        self.operator = operator
        self.source_name = source_name
        cfg = station.config
        self.monitor = ReviewRateMonitor(cfg.failsafe.window, cfg.failsafe.max_review_share, cfg.failsafe.min_frames)
        with station.db.session() as s:
            self.manual_mode = failsafe.open_alarm(s) is not None
            if not self.manual_mode:
                self.monitor.take_up(failsafe.recent_verdicts(s, cfg.failsafe.window))
        self.counts: Counter = Counter()  # verdict -> frames this pipeline decided
        self.failed_in_a_row = 0  # frames whose checks failed or gave no valid output, since the last good one
        self._line_running = False  # inside run(), started by a permitted operator
        self._lock = threading.Lock()

    @property
    def judge_with(self) -> Judge:
        """The station's checks, gate and thresholds as they are now (or when the pipeline was made, pinned)."""
        return self._pinned or judge_of(self.station.inspecting())

    def opinions(self, images: list[np.ndarray]) -> Opinions:
        """Both checks' opinions on RGB frames and the input gate's word on each, nothing recorded."""
        return self.judge_with.opinions(images)

    def judge(self, images: list[np.ndarray], manual_mode: bool = False) -> list[Decision]:
        """The station's decisions on frames without recording them or touching the fail-safe."""
        return self.judge_with.decisions(images, manual_mode)

    def _follow_database(self, operator: User | None) -> None:
        """Manual mode and the gate's bank are the database's state: an alarm raised or reset, or a bank built,
        by another process counts from the next batch on. So is who may inspect (see `_check_operator`)."""
        with self.station.db.session() as s:
            self._check_operator(s, operator, starting=not self._line_running)
            alarmed = failsafe.open_alarm(s) is not None
            bank = active_record(s)
        if self.manual_mode and not alarmed:
            self.monitor.clear()
        if alarmed != self.manual_mode:  # raised or reset by another process
            self.station.events.publish(AlarmChanged(alarmed, {"by": "another process"}))
        self.manual_mode = alarmed
        if bank is not None and self.station.product is None and bank.sha256 != self.station.gate.record_sha256:
            self.station.reload_gate()
        self.station.follow_live_product()  # a changeover by the window, the CLI or a PLC

    def _check_operator(self, session, operator: User | None, starting: bool = True) -> None:
        """Once a station has accounts, frames are recorded only for an operator the database allows to inspect
        now: one deactivated or demoted mid-shift stops the line. A line started by a permitted operator keeps
        running after an idle sign-out (`operator` None, frames belong to no one): the parts keep coming."""
        if operator is not None:
            require(acting(session, operator), "inspect")
        elif starting and user_count(session):
            require(None, "inspect")

    def check_operator(self) -> None:
        """PermissionDenied unless the operator may start inspecting (anyone may on a station without accounts)."""
        with self.station.db.session() as s:
            self._check_operator(s, self.operator)

    def inspect(self, frames: list[Frame]) -> list[InspectionResult]:
        """Decide and record a batch of frames; returns once every row is committed."""
        if not frames:
            return []
        with self._lock:
            return self._inspect(frames)

    def _inspect(self, frames: list[Frame]) -> list[InspectionResult]:
        st, cfg = self.station, self.station.config
        operator = self.operator  # read once: a sign-in or sign-out on the GUI thread applies from the next batch
        self._follow_database(operator)
        judged_by = self._captured_under(frames)
        decisions = [None] * len(frames)
        for inspecting in {id(j): j for j in judged_by}.values():
            at = [i for i, j in enumerate(judged_by) if j is inspecting]
            for i, d in zip(at, self._decisions([frames[i] for i in at], judge_of(inspecting))):
                decisions[i] = d

        manual_flags, trip_at, trip_detail = [], None, None
        for i, d in enumerate(decisions):
            manual_flags.append(self.manual_mode)
            if self.manual_mode:
                decisions[i] = d = replace(d, verdict=REVIEW, reason=", ".join(
                    [Reason.MANUAL_MODE.value] + [r for r in d.reason.split(", ") if r and r != Reason.MANUAL_MODE]))
            broken = {Reason.ERROR, Reason.INVALID_A, Reason.INVALID_B} & set(d.reasons)
            self.failed_in_a_row = self.failed_in_a_row + 1 if broken else 0
            if self.manual_mode:
                continue
            if self.failed_in_a_row >= MAX_FAILED_FRAMES:
                self.manual_mode, trip_at = True, i
                trip_detail = {"failed_frames": self.failed_in_a_row, "last_reason": d.reason[:200],
                               "source": self.source_name}
            elif self.monitor.observe(d.verdict):
                self.manual_mode, trip_at = True, i
                trip_detail = {"review_share": round(self.monitor.share, 3), "window": cfg.failsafe.window,
                               "limit": cfg.failsafe.max_review_share, "source": self.source_name}

        staged = st.images.stage_batch([f.image for f in frames])  # durable, files and names, before the commit
        written = time.time()  # the row's own latency stops here, as it is sealed once, complete
        try:
            with st.db.transaction() as s:
                rows = []
                for f, d, img, manual, j in zip(frames, decisions, staged, manual_flags, judged_by):
                    row = Inspection(
                        source=self.source_name[:256], origin=f.origin, image_path=img.relative_path,
                        image_sha256=img.sha256, width=img.width, height=img.height, verdict=d.verdict,
                        reason=d.reason, label_a=d.a.label, conf_a=storable(d.a.confidence), label_b=d.b.label,
                        conf_b=storable(d.b.confidence), latency_ms=(written - f.timestamp) * 1000.0, manual_mode=manual, truth=f.truth,
                        clip_model_id=st.clip_model_id, check_b_model_id=j.check_b_model_id,
                        prompt_set_id=j.check_a.prompt_set_id, operator_id=operator.id if operator else None,
                        product_id=j.product_id,
                    )
                    s.add(row)
                    rows.append(row)
                if trip_at is not None:
                    kind = "failsafe" if "review_share" in trip_detail else "errors"
                    s.add(Alarm(kind=kind, detail=trip_detail))
                    audit.record(s, "system", "failsafe.trip", kind=kind, **trip_detail)
        except BaseException:
            for img in staged:
                st.images.discard(img)
            if trip_at is not None:  # no alarm was recorded, so the trip did not happen
                self.manual_mode = False
            raise
        committed = time.time()
        for img in staged:
            st.images.publish(img)
        results = [
            InspectionResult(r.id, f, d, (committed - f.timestamp) * 1000.0, m, alarm_raised=(i == trip_at),
                             recorded_latency_ms=(written - f.timestamp) * 1000.0,
                             product=j.product.label if j.product is not None else None)
            for i, (r, f, d, m, j) in enumerate(zip(rows, frames, decisions, manual_flags, judged_by))
        ]
        for r in results:
            self._announce(r, trip_detail if r.alarm_raised else None)
        return results

    def _captured_under(self, frames: list[Frame]) -> list[Inspecting]:
        """What judges each frame: the product live when it was captured (a frame taken before a changeover is
        judged by the product before it)."""
        history = self.station.judging_history()  # newest first, taken together
        return [next((j for j in history if j.since <= f.timestamp), history[-1]) for f in frames]

    def _decisions(self, frames: list[Frame], judge: Judge) -> list[Decision]:
        """Both checks and the gate on the batch. A batch the checks cannot run on is not lost: each frame becomes
        a REVIEW naming the error (and then, one frame at a time, so one bad frame does not take the others)."""
        try:
            return judge.decisions([f.image for f in frames])
        except Exception as e:  # a broken model or prompt set, a frame the model cannot take
            if len(frames) > 1:
                return [d for f in frames for d in self._decisions([f], judge)]
            log.warning("inspection error on %s: %s", frames[0].origin, e, exc_info=True)
            none = Opinion("", float("nan"))
            return [Decision(REVIEW, error_reason(e), none, none)]

    def _announce(self, r: InspectionResult, alarm_detail: dict | None) -> None:
        self.counts[r.verdict] += 1
        d = r.decision
        self.station.events.publish(DecisionMade(
            r.inspection_id, d.verdict, d.reason, d.a.label, storable(d.a.confidence), d.b.label, storable(d.b.confidence),
            r.manual_mode, r.frame.origin, dict(self.counts), trigger=r.frame.trigger))
        if alarm_detail is not None:
            self.station.events.publish(AlarmChanged(True, alarm_detail))

    def reset_failsafe(self, user: User, note: str = "") -> int:
        """A manager's reset: closes open alarms and leaves manual mode. Returns how many were closed."""
        with self._lock, self.station.db.transaction() as s:
            closed = failsafe.reset(s, user, note)
            self.manual_mode = False
            self.monitor.clear()
        self.station.events.publish(AlarmChanged(False, {"by": user.username, "note": note, "closed": closed}))
        return closed

    def run(
        self,
        source: FrameSource,
        max_frames: int | None = None,
        on_result: Callable[[InspectionResult], None] | None = None,
        progress: Progress = QUIET,
        max_batch: int = 8,
    ) -> int:
        """Inspect frames from `source` until it ends, `max_frames` are done or `progress.should_stop()` (the line
        stopping is its normal end, not a cancellation: the count so far is returned). Reports each frame done.

        A reader thread keeps capturing while a batch is inspected; whatever
        frames have queued up by then form the next batch.
        """
        self.check_operator()  # before the first frame is taken from the camera
        frames_q: queue.Queue = queue.Queue(maxsize=max_batch * 2)
        stop = threading.Event()
        errors: list[BaseException] = []
        read_limit = max_frames

        def reader():
            n = 0
            try:
                while not stop.is_set() and (read_limit is None or n < read_limit):
                    frame = source.read()
                    if frame is None:
                        break
                    while not stop.is_set():
                        try:
                            frames_q.put(frame, timeout=0.1)
                            break
                        except queue.Full:
                            continue
                    n += 1
            except BaseException as e:  # reported to the caller by the main loop
                errors.append(e)
            finally:
                while True:  # the end marker, unless the consumer has gone
                    try:
                        frames_q.put(None, timeout=0.1)
                        break
                    except queue.Full:
                        if stop.is_set():
                            break

        thread = threading.Thread(target=reader, name="capture", daemon=True)
        thread.start()
        done, ended = 0, False
        self._line_running = True
        try:
            while not ended:
                if progress.should_stop():
                    break
                try:
                    first = frames_q.get(timeout=0.1)
                except queue.Empty:
                    continue
                batch = []
                item = first
                while True:
                    if item is None:
                        ended = True
                        break
                    batch.append(item)
                    if len(batch) >= max_batch:
                        break
                    try:
                        item = frames_q.get_nowait()
                    except queue.Empty:
                        break
                for result in self.inspect(batch):
                    done += 1
                    if on_result:
                        on_result(result)
                progress.report(done, max_frames or 0)
        finally:
            self._line_running = False
            stop.set()
            source.stop()
            thread.join(timeout=5)
        if errors:
            raise errors[0]
        return done


__all__ = ["Pipeline", "InspectionResult", "REVIEW"]
