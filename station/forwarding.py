"""Store and forward: a station records every frame locally first (its own database and image folder), and the
forwarder ships what the plant does not hold yet, in order, to the plant database and object store.

Each batch puts the frames' images into the object store (named by their sha256: a retry stores nothing twice)
before their rows go to the plant in one transaction (keyed by station and sequence: a retry inserts nothing
twice), so a plant row never names a missing image. Where to take up is read from the plant itself (the highest
sequence it holds of this station), so the forwarder keeps no state of its own that a crash could leave wrong.
While the plant is unreachable the station goes on inspecting; its backlog is what the plant has not got yet.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from .audit.chain import canonical
from .audit.seals import row_content
from .errors import StationError
from .plant_sync import PlantSync
from .progress import QUIET, Progress
from .storage.db import DatabaseError
from .storage.models import Inspection, Product, Review, User
from .storage.objects import ObjectError, ObjectStore, ObjectStoreUnreachable
from .storage.plant import PlantDatabase, PlantUnreachable, aware, checked_station_name

BATCH = 100  # frames a batch: one transaction at the plant, and what a pass reads of the local database at most


class ForwardingPaused(StationError):
    """The plant database or object store cannot be reached now; nothing is lost, the backlog waits."""


class ForwardingStopped(StationError):
    """Forwarding cannot go on until a person acts (the message says what): not an outage that passes."""


class LocalImageDamaged(ForwardingStopped):
    """A recorded frame's image does not match its sha256: it is not sent as evidence."""


@dataclass(frozen=True)
class ForwardPass:
    sent: int  # frames the plant took in this pass
    position: int  # the newest sequence the plant holds of this station
    backlog: int  # frames recorded here that the plant does not hold yet
    reviews_sent: int = 0  # reviewers' decisions the plant took in this pass (each after its frame)
    reviews_backlog: int = 0  # decisions made here not sent yet (each goes once the plant holds its frame)
    desk_decisions: int = 0  # decisions from the plant's review desk recorded here in this pass
    audit_backlog: int = 0  # events of this station's audit trail not sent yet

    @property
    def done(self) -> bool:
        return self.backlog == 0 and self.reviews_backlog == 0 and self.audit_backlog == 0


class Forwarder:
    """One station's forwarder: `records` (db and images) are its own, `plant` and `objects` the plant's."""

    def __init__(self, records, plant: PlantDatabase, objects: ObjectStore, station: str, batch: int = BATCH):
        self.records, self.plant, self.objects = records, plant, objects
        self.station = checked_station_name(station)
        self.batch = batch
        self.position: int | None = None  # last known; None until the plant has answered once
        self.paused: StationError | None = None  # why the last attempt did not reach the plant (paused or stopped)
        self.last: ForwardPass | None = None  # the last pass that reached it
        self.sync = PlantSync(records, plant, self.station)  # all else the plant hears of, or sends back

    def backlog(self) -> int | None:
        """Frames the plant has not got yet, as far as it last said (None: it has not answered yet)."""
        if self.position is None:
            return None
        with self.records.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(Inspection).where(Inspection.id > self.position)))

    def held(self) -> int | None:
        """Frames of this station the plant holds (None: it cannot be asked now)."""
        try:
            return self.plant.count(self.station)
        except DatabaseError:  # the plant wraps every driver error in one
            return None

    def forward_once(self) -> ForwardPass:
        """One batch: images first, then rows, then the decisions on frames the plant holds. ForwardingPaused when
        the plant cannot be reached (try again later); ForwardingStopped when a person must act first: a frame's
        image no longer matches its record, the plant refuses, or it holds more of this name than was recorded here."""
        try:
            self.position = self.plant.position(self.station)
            self._check_same_station(self.position)
            rows, images = self._next_batch(self.position)
            for sha256, read in images:
                if not self.objects.has(sha256):
                    self.objects.put(read())
            self.plant.add(rows)
            if rows:
                self.position = rows[-1]["sequence"]
            taken, audit_left = self.sync.run(self.backlog())
            reviewed = self.plant.position(self.station, "review")
            reviews = self._next_reviews(reviewed, self.position)
            self.plant.add(reviews, "review")
            if reviews:
                reviewed = reviews[-1]["sequence"]
        except (PlantUnreachable, ObjectStoreUnreachable) as e:
            self.paused = ForwardingPaused(f"forwarding to the plant paused: {e}. The station keeps recording; its "
                                           "frames follow when the plant is reachable again")
            raise self.paused from None
        except (ObjectError, DatabaseError) as e:  # refused, not away: trying again changes nothing
            self.paused = ForwardingStopped(f"forwarding to the plant stopped: {e}")
            raise self.paused from None
        except OperationalError as e:  # the plant's errors arrive wrapped: this is the station's own database
            if "locked" not in str(e.orig).lower():
                raise
            self.paused = ForwardingPaused("forwarding to the plant paused: this station's own database was busy "
                                           "(the line recording); tried again shortly")
            raise self.paused from None
        except ForwardingStopped as e:
            self.paused = e
            raise
        except StationError as e:  # the plant's copy is not what this station sent (its audit trail)
            self.paused = ForwardingStopped(f"forwarding to the plant stopped: {e}")
            raise self.paused from None
        self.paused = None
        self.last = ForwardPass(len(rows), self.position, self.backlog(), len(reviews),
                                self._reviews_waiting(reviewed), taken, audit_left)
        return self.last

    def forward_all(self, progress: Progress = QUIET, wait_s: float = 5.0, max_wait_s: float = 300.0,
                    retry: bool = True) -> ForwardPass | None:
        """Batches until the backlog is empty or the progress asks to stop; while the plant is away, waits
        (doubling up to `max_wait_s`) and tries again, or with `retry` False returns. Reports after every attempt
        (done: the plant's newest sequence of this station, total: that and the backlog; or why it paused)."""
        first_wait = max(wait_s, 0.1)  # never a tight loop against a plant that is away
        delay, last = first_wait, None
        while not progress.should_stop():
            try:
                last = self.forward_once()
                delay = first_wait
                taken = f"; {last.desk_decisions} desk decisions recorded here" if last.desk_decisions else ""
                progress.report(last.position, last.position + last.backlog,
                                f"{last.sent} frames and {last.reviews_sent} reviewers' decisions to the plant as "
                                f"{self.station} (frames up to #{last.position}); {last.backlog} frames left{taken}")
                if last.done:
                    return last
            except ForwardingPaused as e:
                progress.report(self.position or 0, self.position or 0, str(e))
                if not retry:
                    return last
                _sleep_unless_stopped(delay, progress)
                delay = min(delay * 2, max_wait_s)
        return last

    def follow(self, progress: Progress = QUIET, poll_s: float = 2.0, wait_s: float = 5.0) -> None:
        """Keep the plant up to date until the progress asks to stop: new frames and decisions as they are
        recorded (looked for every `poll_s`), an unreachable plant waited out."""
        while not progress.should_stop():
            self.forward_all(progress, wait_s=wait_s, retry=True)
            _sleep_unless_stopped(poll_s, progress)

    def _next_batch(self, after: int):
        """The next frames after `after`, as plant rows, and how to read each image once (verified)."""
        with self.records.db.session() as s:
            found = s.execute(select(Inspection, Product.name, Product.version)
                              .outerjoin(Product, Product.id == Inspection.product_id)
                              .where(Inspection.id > after).order_by(Inspection.id).limit(self.batch)).all()
            rows = [self._row(i, name, version) for i, name, version in found]
            images = {i.image_sha256: i.image_path for i, _, _ in found}
        return rows, [(sha, self._reader(path, sha)) for sha, path in images.items()]

    def _next_reviews(self, after: int, frames_up_to: int) -> list[dict]:
        """The next decisions after review `after`, in order, up to the first on a frame the plant does not hold
        yet (up to sequence `frames_up_to`): the plant's highest review is where the next pass takes up, so a later
        decision must never go before an earlier one."""
        with self.records.db.session() as s:
            found = s.execute(select(Review, User.username).outerjoin(User, User.id == Review.reviewer_id)
                              .where(Review.id > after).order_by(Review.id).limit(self.batch)).all()
            rows = []
            for r, name in found:
                if r.inspection_id > frames_up_to:
                    break
                rows.append({"station": self.station, "sequence": r.id, "inspection": r.inspection_id,
                             "label": r.label, "good": bool(r.good), "note": r.note or "", "reviewer": name or "",
                             "decided_at": aware(r.decided_at), "sealed": canonical(row_content(r))})
            return rows

    def _reviews_waiting(self, after: int) -> int:
        with self.records.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(Review).where(Review.id > after)))

    def _check_same_station(self, position: int) -> None:
        """The plant's newest frame of this name is this station's own frame of that number (same image), or its
        frames would be skipped as already sent: another station uses the name, or this one was reinstalled."""
        if position == 0:
            return
        with self.records.db.session() as s:
            mine = s.scalar(select(Inspection.image_sha256).where(Inspection.id == position))
        if mine is None or mine != self.plant.image_of(self.station, position):
            raise ForwardingStopped(
                f"the plant's frame #{position} of {self.station!r} is not this station's frame #{position}: another "
                "station forwards under this name, or this one was reinstalled; give it a name of its own in "
                "[plant] station")

    def _row(self, i: Inspection, product: str | None, version: int | None) -> dict:
        return {"station": self.station, "sequence": i.id, "created_at": aware(i.created_at), "source": i.source,
                "verdict": i.verdict, "reason": i.reason or "", "label_a": i.label_a, "conf_a": i.conf_a,
                "label_b": i.label_b, "conf_b": i.conf_b, "image_sha256": i.image_sha256, "width": i.width,
                "height": i.height, "manual_mode": bool(i.manual_mode),
                "product": f"{product} v{version}" if product else "", "origin": i.origin or "",
                "sealed": canonical(row_content(i))}  # what its seal's digest is of: the plant can check the row

    def _reader(self, relative_path: str, sha256: str):
        def read() -> bytes:
            try:
                path = self.records.images.path_of(relative_path)
                data = path.read_bytes()
            except FileNotFoundError:  # moved from pending/ to its folder meanwhile: looked up once more
                path = self.records.images.path_of(relative_path)
                if not path.is_file():
                    raise LocalImageDamaged(f"the image {path} of a recorded frame is missing: it cannot be sent to "
                                            "the plant; run `station audit verify` to see what changed") from None
                data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha256:
                raise LocalImageDamaged(f"the image {path} no longer matches its record (sha256 {sha256[:12]}...): "
                                        "it is not sent to the plant; run `station audit verify` to see what changed")
            return data
        return read


def _sleep_unless_stopped(seconds: float, progress: Progress) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not progress.should_stop():
        time.sleep(min(0.2, max(0.0, end - time.monotonic())))
