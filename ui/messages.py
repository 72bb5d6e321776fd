"""What the station says (station.messages codes), worded by the window in its own language and with the
names of its own controls. The command line keeps the station's English; tests check that every code the
station can say has words here with the same parameters."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from station.messages import Message, message_of

from .i18n import current_language

WORDS: dict[str, str] = {
    "source.synthetic": QT_TRANSLATE_NOOP("Messages", "simulated camera ({family}, {defect_rate:.0%} defective, "
                                                      "seed {seed})"),
    "source.synthetic_all": QT_TRANSLATE_NOOP("Messages", "simulated camera (all part families, {defect_rate:.0%} "
                                                          "defective, seed {seed})"),
    "source.folder": QT_TRANSLATE_NOOP("Messages", "image folder {folder} ({files} files)"),
    "source.camera": QT_TRANSLATE_NOOP("Messages", "camera {device}"),
    "source.stream": QT_TRANSLATE_NOOP("Messages", "network camera {url}"),
    "source.video": QT_TRANSLATE_NOOP("Messages", "video file {path}"),
    "source.triggered": QT_TRANSLATE_NOOP("Messages", "{inner}, one picture per PLC trigger"),
    "source.lost": QT_TRANSLATE_NOOP("Messages", "{reason}; trying again every {interval:g} s or more"),
    "source.cannot_open": QT_TRANSLATE_NOOP("Messages", "the camera cannot be opened"),
    "source.no_frame": QT_TRANSLATE_NOOP("Messages", "the camera sends no pictures"),
    "source.unknown_kind": QT_TRANSLATE_NOOP("Messages", "unknown camera kind '{kind}'"),
    "source.target_needed": QT_TRANSLATE_NOOP("Messages", "{kind}: fill in the box beside the camera choice"),
    "source.reconnected": QT_TRANSLATE_NOOP("Messages", "pictures again after {attempts} attempt(s)"),
    "source.skipped_type": QT_TRANSLATE_NOOP("Messages", "skipped: the station does not read {suffix} files "
                                                         "(it reads {types})"),
    "source.skipped_no_suffix": QT_TRANSLATE_NOOP("Messages", "skipped: a file without a suffix (the station reads "
                                                              "{types})"),
    "source.skipped": QT_TRANSLATE_NOOP("Messages", "skipped: {problem}"),
    "source.folder_missing": QT_TRANSLATE_NOOP("Messages", "the image folder {folder} does not exist; check the "
                                                           "path in the box beside the camera choice"),
    "source.folder_empty": QT_TRANSLATE_NOOP("Messages", "the image folder {folder} holds no images ({types})"),
    "source.live_unavailable": QT_TRANSLATE_NOOP("Messages", "{source} does not answer. Check that it is plugged in "
                                                             "and switched on (for a network camera: the cable and "
                                                             "the address), then press Start again"),
    "source.video_unavailable": QT_TRANSLATE_NOOP("Messages", "{source} cannot be opened. Check that the file exists "
                                                              "and is a video"),
    "source.needs_target": QT_TRANSLATE_NOOP("Messages", "{kind}: fill in the box beside the camera choice, or set "
                                                         "the camera address on the Settings page"),
    "source.bad_device": QT_TRANSLATE_NOOP("Messages", "the camera is chosen by its device number, such as 0 (not "
                                                       "'{target}')"),
    "image.no_pixels": QT_TRANSLATE_NOOP("Messages", "{name}: an image without pixels ({width} x {height}); "
                                                     "skipped"),
    "image.too_large": QT_TRANSLATE_NOOP("Messages", "{name}: {width} x {height} pixels, larger than the station "
                                                     "takes ({limit:,} pixels); skipped"),
    "image.too_large_header": QT_TRANSLATE_NOOP("Messages", "{name}: larger than the station takes ({limit:,} "
                                                            "pixels); skipped"),
    "image.unreadable": QT_TRANSLATE_NOOP("Messages", "{name}: not a readable image"),
    "image.not_found": QT_TRANSLATE_NOOP("Messages", "{name}: file not found"),
    "auth.wrong_password": QT_TRANSLATE_NOOP("Messages", "Wrong user name or password"),
    "photos.reading": QT_TRANSLATE_NOOP("Messages", "reading {file}"),
    "photos.read": QT_TRANSLATE_NOOP("Messages", "photos read"),
    "onboarding.step": QT_TRANSLATE_NOOP("Messages", "{step}/{steps} {what}: {detail}"),
    "onboarding.photos": QT_TRANSLATE_NOOP("Messages", "checking the photos"),
    "onboarding.check_b": QT_TRANSLATE_NOOP("Messages", "training the second check"),
    "onboarding.check_a": QT_TRANSLATE_NOOP("Messages", "tuning the vision model's prompts"),
    "onboarding.gate": QT_TRANSLATE_NOOP("Messages", "building the input gate's bank"),
    "onboarding.thresholds": QT_TRANSLATE_NOOP("Messages", "choosing thresholds"),
    "onboarding.acceptance": QT_TRANSLATE_NOOP("Messages", "the acceptance report"),
    "onboarding.done": QT_TRANSLATE_NOOP("Messages", "done"),
    "onboarding.check_b_pass": QT_TRANSLATE_NOOP("Messages", "pass {epoch} of {epochs}, loss {loss:.3f}"),
    "onboarding.held_out_photos": QT_TRANSLATE_NOOP("Messages", "held-out photos"),
    "photos.too_few": QT_TRANSLATE_NOOP("Messages", "{have} photos in the classes to learn; the station needs at "
                                                    "least {need}: the input gate learns what a part looks like from "
                                                    "20 of them and calibrates on 20 more"),
    "photos.no_good": QT_TRANSLATE_NOOP("Messages", "No photos of the good class '{good}': put them in {folder} (the "
                                                    "folder's classes are: {found})"),
    "photos.few_good": QT_TRANSLATE_NOOP("Messages", "The good class '{good}' has {have} photos; it needs at least "
                                                     "{need}: what a good part looks like is learned from them, and "
                                                     "some are held out to measure it"),
    "photos.no_defect_class": QT_TRANSLATE_NOOP("Messages", "No defect class has {need} or more photos: the station "
                                                            "needs at least one kind of defect to learn; add photos of "
                                                            "the most common defect"),
    "acceptance.near_copies": QT_TRANSLATE_NOOP("Messages", "{count} photos are near copies of others in their class "
                                                            "(a fixtured part, or one part shot many times) and were "
                                                            "split across training and held-out: the held-out figures "
                                                            "may be better than fresh parts will give."),
    "acceptance.no_thresholds": QT_TRANSLATE_NOOP("Messages", "No thresholds kept the calibration photos within the "
                                                              "limits ({escapes} defects passed, {false_fails} good "
                                                              "failed at the strictest pair): the checks cannot tell "
                                                              "these classes apart yet. Do not sign before more photos "
                                                              "are onboarded."),
    "acceptance.gate_few_photos": QT_TRANSLATE_NOOP("Messages", "The input gate set its thresholds on {frames} photos: "
                                                                "too few to aim at {aim:.0%} of parts called "
                                                                "unfamiliar (one photo is {one:.1%}); on them it called "
                                                                "{called:.1%} unfamiliar. The figures above include what "
                                                                "it did; more photos make it finer."),
    "acceptance.no_defects_held_out": QT_TRANSLATE_NOOP("Messages", "No defect photos were held out: the escape rate "
                                                                    "is not measured. Add defect photos and onboard "
                                                                    "again."),
    "acceptance.bound_too_wide": QT_TRANSLATE_NOOP("Messages", "{defects} held-out defect photos are too few to bound "
                                                               "the escape rate below {wanted:.0%} (the bound is "
                                                               "{bound:.1%}); about {needed} with no escape would."),
    "acceptance.not_learned": QT_TRANSLATE_NOOP("Messages", "'{key}' had too few photos to learn: its {held} photos "
                                                            "measure only whether the good-parts check stops that "
                                                            "kind."),
    "acceptance.not_held_out": QT_TRANSLATE_NOOP("Messages", "No held-out photo of '{key}': that class is not "
                                                             "measured."),
    "product.bad_name": QT_TRANSLATE_NOOP("Messages", "The product name {name} is not allowed: use 1 to 64 letters, "
                                                      "digits, '.', '_' or '-', starting with a letter or digit (e.g. "
                                                      "bracket-a7)"),
    "product.not_signed": QT_TRANSLATE_NOOP("Messages", "{label} has no signed acceptance yet: read its report "
                                                        "(Acceptance report ...) and sign it (Sign the acceptance "
                                                        "...) first."),
    "product.manual_mode_expected": QT_TRANSLATE_NOOP("Messages", "The report sends {share:.0%} of parts to review, "
                                                                  "more than the fail-safe allows ({limit:.0%}). "
                                                                  "Live, the station would go to manual mode within "
                                                                  "about {frames} parts and every part would wait "
                                                                  "for a person. Onboard it again with more photos "
                                                                  "of each class, or staff the review queue for it "
                                                                  "and raise the fail-safe's review share on the "
                                                                  "Settings page knowingly."),
    "auth.changed_outside": QT_TRANSLATE_NOOP("Messages", "The account '{user}' was changed outside the station, "
                                                          "so it cannot sign in. Tell a quality manager: the "
                                                          "tampering check on the Users and audit page shows what "
                                                          "changed"),
    "auth.deactivated": QT_TRANSLATE_NOOP("Messages", "The account '{user}' is deactivated; ask a manager"),
    "auth.gone": QT_TRANSLATE_NOOP("Messages", "The account '{user}' no longer exists; sign in again"),
    "auth.sign_in_first": QT_TRANSLATE_NOOP("Messages", "{permission} needs a signed-in {roles}; sign in first"),
    "auth.not_allowed": QT_TRANSLATE_NOOP("Messages", "{user} ({role}) may not do this ({permission}); it needs a "
                                                      "{roles}"),
    "auth.passwords_differ": QT_TRANSLATE_NOOP("Messages", "The two passwords differ"),
    "auth.throttled_account": QT_TRANSLATE_NOOP("Messages", "Too many failed sign-ins for this account: try again "
                                                            "in {seconds} s"),
    "auth.throttled_source": QT_TRANSLATE_NOOP("Messages", "Too many failed sign-ins at this station: try again in "
                                                           "{seconds} s"),
    "auth.has_accounts": QT_TRANSLATE_NOOP("Messages", "This station has accounts already; ask a manager to add "
                                                       "yours"),
    "auth.bad_role": QT_TRANSLATE_NOOP("Messages", "Choose one of these roles: {roles}"),
    "auth.bad_name": QT_TRANSLATE_NOOP("Messages", "The user name must be 1 to 64 characters"),
    "auth.short_password": QT_TRANSLATE_NOOP("Messages", "The password must be at least 8 characters"),
    "auth.first_is_manager": QT_TRANSLATE_NOOP("Messages", "The first account must be a manager (who then adds "
                                                           "everyone else)"),
    "auth.exists": QT_TRANSLATE_NOOP("Messages", "There is a user '{user}' already"),
    "auth.no_such_user": QT_TRANSLATE_NOOP("Messages", "There is no user '{user}'"),
    "auth.last_manager_role": QT_TRANSLATE_NOOP("Messages", "{user} is the last active manager; make someone else "
                                                            "a manager first"),
    "auth.last_manager_off": QT_TRANSLATE_NOOP("Messages", "{user} is the last active manager; the station would "
                                                           "have no one to manage it"),
    "demo.accounts": QT_TRANSLATE_NOOP("Messages", "Demo accounts: {names}; the password is '{password}'."),
    "settings.min_frames": QT_TRANSLATE_NOOP("Messages", "Fail-safe: the fewest parts before it can trip ({min_frames}) "
                                                         "must be at most the parts looked at ({window})"),
    "settings.source_target": QT_TRANSLATE_NOOP("Messages", "{kind} needs a camera address, number or path"),
    "settings.too_few_classes": QT_TRANSLATE_NOOP("Messages", "At least two classes are needed (one good, one "
                                                              "defect)"),
    "settings.repeated_keys": QT_TRANSLATE_NOOP("Messages", "Each class needs its own key; repeated: {keys}"),
    "settings.no_good_class": QT_TRANSLATE_NOOP("Messages", "No class is marked good: the station could never PASS a "
                                                            "part. Tick 'Good part?' for the good class"),
    "settings.all_good": QT_TRANSLATE_NOOP("Messages", "Every class is marked good: the station could never FAIL a "
                                                       "part"),
    "settings.blank": QT_TRANSLATE_NOOP("Messages", "A class's key, name or prompt text is empty: fill it in on the "
                                                    "Classes tab"),
    "settings.from_environment": QT_TRANSLATE_NOOP("Messages", "{keys}: set where the station is started ({variables}), "
                                                               "not here. Ask IT to change it there."),
    "review.no_such_part": QT_TRANSLATE_NOOP("Messages", "Part no. {id} does not exist"),
    "review.unknown_class": QT_TRANSLATE_NOOP("Messages", "'{label}' is not one of this station's classes"),
    "review.decided_automatically": QT_TRANSLATE_NOOP("Messages", "Part no. {id} was decided automatically "
                                                                  "({verdict}); it is not in the queue"),
    "review.reviewed_already": QT_TRANSLATE_NOOP("Messages", "Part no. {id} has been decided already (by someone "
                                                             "else meanwhile); it leaves the list"),
    "jobs.busy": QT_TRANSLATE_NOOP("Messages", "Wait until the {work} has stopped: both use the station's models."),
    "gate.off": QT_TRANSLATE_NOOP("Messages", "switched off in the settings: blank frames and missing parts can "
                                              "pass"),
    "gate.closed": QT_TRANSLATE_NOOP("Messages", "every part goes to review: {why}"),
    "gate.on": QT_TRANSLATE_NOOP("Messages", "reference bank of {frames} frames; {false_review:.1%} of {heldout} "
                                             "held-out good frames go to review"),
    "gate.embedding": QT_TRANSLATE_NOOP("Messages", "reading the frames"),
    "gate.unusable_bank": QT_TRANSLATE_NOOP("Messages", "the reference bank cannot be used; a manager rebuilds it "
                                                        "on the Prompts and models page"),
    "gate.no_bank": QT_TRANSLATE_NOOP("Messages", "no reference bank yet; a manager builds one on the Prompts and "
                                                  "models page"),
    "gate.bank_refused": QT_TRANSLATE_NOOP("Messages", "the reference bank was refused (its file does not match "
                                                       "its record); a manager rebuilds it on the Prompts and models "
                                                       "page"),
    "gate.too_few": QT_TRANSLATE_NOOP("Messages", "A reference bank needs at least 20 frames and 20 held-out "
                                                  "frames; there are {frames} and {heldout}. Review more parts "
                                                  "first"),
    "gate.not_generated": QT_TRANSLATE_NOOP("Messages", "This station's classes are not a simulated part family: "
                                                        "the bank is built from reviewed parts"),
    "prm.step": QT_TRANSLATE_NOOP("Messages", "feature shift {loss:.3f}"),
    "prm.progress": QT_TRANSLATE_NOOP("Messages", "{variant}: group {batch}/{batches}, feature shift {loss:.3f}"),
    "probe.progress": QT_TRANSLATE_NOOP("Messages", "{variant}: defects passed {passed:.0%} ({passed_over:+.0%} over "
                                                    "clean parts)"),
    "inversion.progress": QT_TRANSLATE_NOOP("Messages", "similarity {similarity:.2f}, trigger size {size:.2%}"),
    "probe.inversion_step": QT_TRANSLATE_NOOP("Messages", "searching for an unknown trigger {step}/{steps}: "
                                                          "{detail}"),
    "probe.inversion_done": QT_TRANSLATE_NOOP("Messages", "the search for unknown triggers has finished"),
    "selftest.not_generated": QT_TRANSLATE_NOOP("Messages", "Simulated parts exist only for the demo classes: choose "
                                                            "parts reviewed on this station, or a labelled folder"),
    "prompts.pass": QT_TRANSLATE_NOOP("Messages", "pass {epoch}/{epochs}, right on {accuracy:.0%} of the examples"),
    "prompts.recipe": QT_TRANSLATE_NOOP("Messages", "recipe (block {depth}, {tokens} tokens): held-out parts right "
                                                    "{accuracy:.1%} (without prompts {frozen:.1%})"),
    "prompts.not_enough_shots": QT_TRANSLATE_NOOP("Messages", "The class '{name}' has {have} reviewed part(s); "
                                                              "the prompt set needs {shots} per class. Review more "
                                                              "parts of that class, or lower 'Examples per class'"),
    "prompts.nothing_to_roll_back": QT_TRANSLATE_NOOP("Messages", "No prompt set is live: there is nothing to go "
                                                                  "back from"),
    "prompts.no_such_set": QT_TRANSLATE_NOOP("Messages", "Prompt set {id} does not exist"),
}

JOB_NAMES = {"live inspection": QT_TRANSLATE_NOOP("Messages", "live inspection"),
             "self-test": QT_TRANSLATE_NOOP("Messages", "self-test"),
             "prompt tuning": QT_TRANSLATE_NOOP("Messages", "prompt tuning"),
             "reference bank build": QT_TRANSLATE_NOOP("Messages", "reference bank build")}
PERMISSION_NAMES = {"inspect": QT_TRANSLATE_NOOP("Messages", "Inspecting"),
                    "review": QT_TRANSLATE_NOOP("Messages", "Deciding reviews"),
                    "failsafe.reset": QT_TRANSLATE_NOOP("Messages", "Resetting the fail-safe"),
                    "prompts.manage": QT_TRANSLATE_NOOP("Messages", "Managing prompt sets"),
                    "models.import": QT_TRANSLATE_NOOP("Messages", "Importing models"),
                    "selftest.run": QT_TRANSLATE_NOOP("Messages", "Running self-tests"),
                    "gate.manage": QT_TRANSLATE_NOOP("Messages", "Building the input gate"),
                    "settings.change": QT_TRANSLATE_NOOP("Messages", "Changing settings"),
                    "keys.manage": QT_TRANSLATE_NOOP("Messages", "Trusting plant keys"),
                    "users.manage": QT_TRANSLATE_NOOP("Messages", "Managing users"),
                    "audit.read": QT_TRANSLATE_NOOP("Messages", "Reading the audit trail")}


def tr_(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("Messages", text, None, n)


def _roles(value: str) -> str:
    from .pages.users import role_words

    joiner = QCoreApplication.translate("Messages", " or ") if " or " in value else ", "
    return joiner.join(role_words(r.strip(), long=False) for r in value.replace(" or ", ",").split(","))


def _family(value: str) -> str:
    from station.service.settings import FAMILY_BY_KEY

    family = FAMILY_BY_KEY.get(value)
    if family is None:
        return value
    return family.name_ja if current_language() == "ja" and family.name_ja else family.name


def _source_kind(value: str) -> str:
    from .pages.live import SOURCES, source_words

    return next((source_words(words) for kind, words, _ in SOURCES if kind == value), value)


def _strength(value: str) -> str:
    from .selftest_words import variant_words

    return variant_words(value)


def _verdict(value: str) -> str:
    from .widgets import verdict_name

    return verdict_name(value)


PARAM_WORDS = {"verdict": _verdict, "work": lambda v: tr_(JOB_NAMES[v]) if v in JOB_NAMES else v,
               "permission": lambda v: tr_(PERMISSION_NAMES[v]) if v in PERMISSION_NAMES else v,
               "roles": _roles, "role": lambda v: _roles(v), "family": _family, "kind": _source_kind,
               "variant": _strength}


def words(text) -> str:
    """A station text in the window's words: a Message by its code, anything else as it is."""
    if not isinstance(text, Message) or text.code not in WORDS:
        return str(text)
    params = {}
    for key, value in text.params.items():
        if isinstance(value, Message):
            value = words(value)
        elif key in PARAM_WORDS and isinstance(value, str):
            value = PARAM_WORDS[key](value)
        params[key] = value
    return tr_(WORDS[text.code]).format(**params)


def error_words(error) -> str:
    """An error from station/ as the window says it (a plain text is returned as it is)."""
    if isinstance(error, str):
        return words(error)
    coded = message_of(error)
    if coded is not None:
        return words(coded)
    found = _settings_rules(error)
    return found or str(error) or type(error).__name__


def _settings_rules(error) -> str:
    """A refused setting (ConfigError) by the rules it broke, when each rule said why with a Message."""
    said = []
    for err in getattr(error, "errors", None) or []:
        cause = err.get("ctx", {}).get("error") if isinstance(err, dict) else None
        coded = message_of(cause) if isinstance(cause, BaseException) else None
        if coded is None:
            return ""  # a rule the window cannot word: the station's own sentence says it
        said.append(words(coded))
    return "; ".join(dict.fromkeys(said))


def source_description(source) -> str:
    """What a frame source is, for the status line."""
    return words(source.description)


def source_event_words(event) -> str:
    """A camera event (lost, back, a file skipped) for the status line."""
    return words(event.message)
