"""What the station says to people, as a code with parameters.

A `Message` is a `str` (its English text, which the command line prints and the log keeps), and it also carries
its `code` and `params`. The window words the same code in its own language and names its own controls
(ui/messages.py); the two catalogues are checked against each other by the tests, so every code has both.
Only station/ makes messages; it never decides how a sentence reads in another language.
"""

from __future__ import annotations

from typing import Any

ENGLISH: dict[str, str] = {
    # ------------------------------------------------------------- frame sources and the camera
    "source.synthetic": "simulated camera ({family}, {defect_rate:.0%} defective, seed {seed})",
    "source.synthetic_all": "simulated camera (all families, {defect_rate:.0%} defective, seed {seed})",
    "source.folder": "image folder {folder} ({files} files)",
    "source.camera": "camera {device}",
    "source.stream": "stream {url}",
    "source.video": "video file {path}",
    "source.triggered": "{inner}, one frame per trigger",
    "source.lost": "{reason}; retrying every {interval:g}s or more",
    "source.cannot_open": "cannot open",
    "source.no_frame": "no frame received (camera lost)",
    "source.unknown_kind": "unknown source '{kind}'; use synthetic, folder, video, camera or rtsp",
    "source.target_needed": "source '{kind}' needs a target (a path, a device number or a URL)",
    "source.reconnected": "frames again after {attempts} attempt(s)",
    "source.skipped_type": "skipped: {suffix} is not an image type the station reads ({types})",
    "source.skipped_no_suffix": "skipped: a file without a suffix is not an image type the station reads ({types})",
    "source.skipped": "skipped: {problem}",
    "source.folder_missing": "image folder {folder} does not exist; check the path",
    "source.folder_empty": "image folder {folder} holds no images ({types})",
    "source.live_unavailable": "{source} does not answer; check that it is plugged in and powered (or the network "
                               "path and URL for a stream), then start again",
    "source.video_unavailable": "{source} cannot be opened; check that the file exists and is a video OpenCV can read",
    "source.needs_target": "the {kind} source needs a target (a folder, a file, a device number or a URL); give one, "
                           "or set [source] target in the settings",
    "source.bad_device": "camera must be a device number such as 0, got {target!r}",
    "image.no_pixels": "{name}: {width} x {height} pixels, an image without pixels; skipped",
    "image.too_large": "{name}: {width} x {height} = {pixels:,} pixels, over the station's limit of {limit:,} "
                       "([source] max_pixels in station.toml); skipped",
    "image.too_large_header": "{name}: over the station's limit of {limit:,} pixels ([source] max_pixels in "
                              "station.toml; {problem}); skipped",
    "image.unreadable": "{name}: not a readable image ({problem})",
    "image.not_found": "{name}: file not found",
    # ------------------------------------------------------------- people and permissions
    "auth.wrong_password": "wrong user name or password",
    "auth.changed_outside": "the account '{user}' was changed outside the station (it does not match its audit "
                            "seal); sign-in refused. A manager runs `station audit verify` and reports it",
    "auth.deactivated": "user '{user}' is deactivated; ask a manager",
    "auth.gone": "user '{user}' no longer exists; sign in again",
    "auth.sign_in_first": "'{permission}' needs a signed-in {roles}; sign in first",
    "auth.not_allowed": "user '{user}' ({role}) may not do '{permission}'; it needs a {roles}",
    "auth.passwords_differ": "the two passwords differ",
    "auth.throttled_account": "too many failed sign-ins for this account; try again in {seconds} s",
    "auth.throttled_source": "too many failed sign-ins from here; try again in {seconds} s",
    "auth.has_accounts": "this station has accounts already; ask a manager to add yours",
    "auth.bad_role": "role must be one of {roles}, got '{role}'",
    "auth.bad_name": "user name must be 1 to 64 characters",
    "auth.short_password": "password must be at least 8 characters",
    "auth.first_is_manager": "the first account must be a manager (it manages all others)",
    "auth.exists": "user '{user}' exists already",
    "auth.no_such_user": "no user '{user}'",
    "auth.last_manager_role": "'{user}' is the last active manager; make someone else a manager first",
    "auth.last_manager_off": "'{user}' is the last active manager; the station would have no one to manage it",
    "demo.accounts": "Demo accounts: {names}; password '{password}'.",
    # ------------------------------------------------------------- settings (rules across several keys)
    "settings.min_frames": "[failsafe] min_frames must be at most window ({window}), got {min_frames}",
    "settings.source_target": "[source] kind = '{kind}' needs a target (path, camera number or URL)",
    "settings.too_few_classes": "at least two [[classes]] are needed (one good, one defect)",
    "settings.repeated_keys": "class keys must be unique; repeated: {keys}",
    "settings.no_good_class": "no class is marked good = true; the station could never PASS a part",
    "settings.all_good": "every class is marked good; the station could never FAIL a part",
    "settings.blank": "blank text",
    "settings.from_environment": "{keys} set by the station's environment ({variables}): change it there, where the "
                                 "station is started",
    # ------------------------------------------------------------- the review queue and the line
    "review.no_such_part": "inspection {id} does not exist",
    "photos.reading": "reading {file}",
    "photos.read": "photos read",
    "onboarding.step": "{step}/{steps} {what}: {detail}",
    "onboarding.photos": "checking the photos",
    "onboarding.check_b": "training check B",
    "onboarding.check_a": "tuning check A's prompts",
    "onboarding.gate": "building the input gate's bank",
    "onboarding.thresholds": "choosing thresholds",
    "onboarding.acceptance": "the acceptance report",
    "onboarding.done": "done",
    "onboarding.check_b_pass": "check B: pass {epoch} of {epochs}, loss {loss:.3f}",
    "onboarding.held_out_photos": "acceptance: held-out photos",
    "photos.too_few": "{have} photos in the classes to learn; the station needs at least {need}: the input gate learns "
                      "what a part looks like from 20 of those not held out and calibrates on 20 more",
    "photos.no_good": "no photos of the good class '{good}': put them in {folder}/ (the folder's classes are: {found})",
    "photos.few_good": "the good class '{good}' has {have} photos; it needs at least {need}: what a good part looks "
                       "like is learned from them, and some are held out to measure it",
    "photos.no_defect_class": "no defect class has {need} or more photos: the station needs at least one kind of "
                              "defect to learn (about 6 to train on, 2 to calibrate, 2 held out); add photos of the "
                              "most common defect",
    "acceptance.near_copies": "{count} photos are near copies of others in their class (a fixtured part looks the "
                              "same every time, or one part was shot many times) and were split across training and "
                              "held-out: the held-out figures may be better than fresh parts will give.",
    "acceptance.no_thresholds": "No thresholds kept the calibration photos within the limits ({escapes} defects "
                                "passed, {false_fails} good failed at the strictest pair): check A or check B cannot "
                                "tell these classes apart yet. Do not sign before more photos are onboarded.",
    "acceptance.gate_few_photos": "The input gate set its thresholds on {frames} photos: too few to aim at "
                                  "{aim:.0%} of parts called unfamiliar (one photo is {one:.1%}); on them it called "
                                  "{called:.1%} unfamiliar. The figures above include what it did on the held-out "
                                  "photos; more photos make it finer.",
    "acceptance.no_defects_held_out": "No defect photos were held out: the escape rate is not measured. Add defect "
                                      "photos and onboard again.",
    "acceptance.bound_too_wide": "{defects} held-out defect photos are too few to bound the escape rate below "
                                 "{wanted:.0%} (the bound is {bound:.1%}); about {needed} with no escape would.",
    "acceptance.not_learned": "'{key}' had too few photos to learn: its {held} photos measure only whether the "
                              "good-parts check stops that kind.",
    "acceptance.not_held_out": "No held-out photo of '{key}': that class is not measured.",
    "product.bad_name": "product name {name} is not allowed: use 1 to 64 letters, digits, '.', '_' or '-', starting "
                        "with a letter or digit (e.g. bracket-a7)",
    "product.not_signed": "{label} has no signed acceptance: a manager reads its report (station product show "
                          "{name}) and signs it (station product accept {name}) first",
    "product.manual_mode_expected": "the report sends {share:.0%} of parts to review, more than the fail-safe allows "
                                    "({limit:.0%}): live, the station would go to manual mode within about {frames} "
                                    "frames and every part would wait for a person. Onboard again with more photos "
                                    "of each class, or staff the review queue for it and raise [failsafe] "
                                    "max_review_share knowingly",
    "review.unknown_class": "unknown class '{label}'; choose one of {classes}",
    "review.decided_automatically": "inspection {id} was decided automatically ({verdict}); it is not in the queue",
    "review.reviewed_already": "inspection {id} has been reviewed already",
    "jobs.busy": "Wait until the {work} has stopped: both use the station's models.",
    # ------------------------------------------------------------- the input gate
    "gate.off": "settings [gate] enabled = false: blank frames and missing parts can pass",
    "gate.closed": "every part goes to review: {why}",
    "gate.on": "reference bank of {frames} frames; {false_review:.1%} of {heldout} held-out clean frames go to review",
    "gate.embedding": "embedding frames",
    "gate.unusable_bank": "no usable reference bank ({problem}); a manager builds one: station gate build",
    "gate.no_bank": "no reference bank yet; a manager builds one from reviewed frames: station gate build",
    "gate.bank_refused": "reference bank refused: {problem}",
    "gate.too_few": "a reference bank needs at least 20 frames and 20 held-out frames; found {frames} and {heldout}. "
                    "Review more frames, or add generated frames (demo model)",
    "gate.not_generated": "the station's classes are not one generated part family; build the bank from reviewed "
                          "frames",
    # ------------------------------------------------------------- self-tests and tuning (progress and errors)
    "prm.step": "loss {loss:.3f}",
    "prm.progress": "{variant}: batch {batch}/{batches}, loss {loss:.3f}",
    "probe.progress": "{variant}: defects passed {passed:.0%} ({passed_over:+.0%} over clean), highest ASR over "
                      "clean {asr_over:+.0%} to {to_class}",
    "inversion.progress": "similarity {similarity:.2f}, trigger size {size:.2%}",
    "probe.inversion_step": "trigger inversion {step}/{steps}: {detail}",
    "probe.inversion_done": "{line}",
    "selftest.not_generated": "classes {classes} are not generated parts; use reviewed frames or a labelled folder",
    "prompts.pass": "pass {epoch}/{epochs}: loss {loss:.3f} (CE {ce:.3f}, FR {fr:+.3f}), accuracy {accuracy:.0%}",
    "prompts.recipe": "D={depth} b={tokens} alpha={alpha:g}: epoch {epoch}, held-out accuracy {accuracy:.1%} "
                      "(frozen {frozen:.1%}), repelling {repelling:.3f}",
    "prompts.not_enough_shots": "class '{name}' has {have} labelled image(s); RVPT needs {shots} per class. Review "
                                "more frames of that class, lower the shots per class (--shots), or give labelled "
                                "images (--folder DIR with one sub-folder per class, named by its key with / as _, "
                                "e.g. washer_good)",
    "prompts.nothing_to_roll_back": "no prompt set is active; nothing to roll back",
    "prompts.no_such_set": "prompt set {id} does not exist (see: station prompts list)",
}


class Message(str):
    """A sentence for people: `str(message)` is the English; `code` and `params` let a window word it anew."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> "Message":
        self = super().__new__(cls, ENGLISH[code].format(**params))
        self.code, self.params = code, params
        return self

    def __reduce__(self):
        return _rebuild, (self.code, self.params)


def _rebuild(code: str, params: dict) -> Message:
    return Message(code, **params)


def message_of(error: BaseException) -> Message | None:
    """The Message an exception was raised with, if it was raised with one."""
    first = error.args[0] if error.args else None
    return first if isinstance(first, Message) else None
