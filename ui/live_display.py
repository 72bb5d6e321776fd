"""What the live page's banner may say, decided from what happened and when: never an old verdict.

Pure logic (no widgets), so the rules can be tested with a clock of the test's own:
- stopped, nobody signed in, the camera lost or no picture for a while: the banner says so, with no verdict;
- a part that needs a person holds the banner until the operator confirms it was taken off the line, or until
  `hold_seconds` pass (0: until confirmed); later parts are still inspected, recorded and counted meanwhile;
- a PASS or FAIL shows until the next part, or until it is `stale_seconds` old.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Callable


class Show(StrEnum):
    STOPPED = "stopped"
    SIGNED_OUT = "signed out"
    WAITING = "waiting"  # running, no part seen yet, or none for a while
    CAMERA_LOST = "camera lost"
    PASS = "PASS"
    FAIL = "FAIL"
    REVIEW = "REVIEW"


@dataclass
class Screen:
    show: Show
    result: object | None = None  # the inspection whose picture and verdict are on screen, if any
    held: list = field(default_factory=list)  # parts to take off the line, oldest first
    camera_message: str = ""


class LiveDisplay:
    def __init__(self, hold_seconds: float, stale_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.hold_seconds, self.stale_seconds, self.clock = hold_seconds, stale_seconds, clock
        self.running = False
        self.signed_in = False
        self.camera_message = ""  # set while the camera is lost
        self.latest = None
        self.latest_at = 0.0
        self.held: list = []  # InspectionResults that need a person, not yet confirmed
        self.held_at = 0.0

    # ----------------------------------------------------------------- what happened
    def started(self) -> None:
        self.running, self.latest, self.camera_message = True, None, ""

    def stopped(self) -> None:
        self.running, self.latest, self.camera_message = False, None, ""

    def sign_in_changed(self, signed_in: bool) -> None:
        self.signed_in = signed_in
        self.latest = None  # what the last person saw is not shown to the next

    def result(self, result, needs_person: list) -> None:
        """The newest inspection, and every one since the last call that needs a person (it may be older)."""
        now = self.clock()
        self.latest, self.latest_at, self.camera_message = result, now, ""
        known = {r.inspection_id for r in self.held}
        fresh = [r for r in needs_person if r.inspection_id not in known]
        if fresh:
            self.held += fresh
            self.held_at = now

    def camera_lost(self, message: str) -> None:
        self.camera_message = message or "?"
        self.latest = None

    def camera_back(self) -> None:
        self.camera_message = ""

    def confirm(self) -> list:
        """The operator took the held parts off the line: returns them."""
        done, self.held = self.held, []
        return done

    # ----------------------------------------------------------------- what to show
    def screen(self) -> Screen:
        now = self.clock()
        if self.held and self.hold_seconds > 0 and now - self.held_at >= self.hold_seconds:
            self.held = []
        held = list(self.held)
        if self.camera_message and self.running:
            return Screen(Show.CAMERA_LOST, held=held, camera_message=self.camera_message)
        if not self.running:
            return Screen(Show.STOPPED if self.signed_in else Show.SIGNED_OUT, held=held)
        if held:
            return Screen(Show.REVIEW, held[-1], held)
        latest = self.latest
        if latest is None or now - self.latest_at >= self.stale_seconds or latest.decision.verdict == Show.REVIEW:
            return Screen(Show.WAITING)  # a part that needed a person shows only while it is held
        return Screen(Show(latest.decision.verdict), latest)
