"""The self-tests' figures in the window's words: run summaries, attack strengths and triggers, the trigger
search's finding. Worded here from the stored numbers, so a run reads the same in either language."""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from station.service.selftests import INVERSION_VARIANT
from station.service.selftests import RunSummary

STATUS_WORDS = {"running": QT_TRANSLATE_NOOP("Selftests", "running"), "done": QT_TRANSLATE_NOOP("Selftests", "done"),
                "cancelled": QT_TRANSLATE_NOOP("Selftests", "cancelled"),
                "failed": QT_TRANSLATE_NOOP("Selftests", "failed"),
                "attack ineffective": QT_TRANSLATE_NOOP("Selftests", "attack ineffective")}
SETTING_WORDS = {"with prompts": QT_TRANSLATE_NOOP("Selftests", "with prompts"),
                 "without prompts": QT_TRANSLATE_NOOP("Selftests", "without prompts")}
OUTCOME_WORDS = {"correct": QT_TRANSLATE_NOOP("Selftests", "right"),
                 "caught": QT_TRANSLATE_NOOP("Selftests", "sent to review"),
                 "silent_failure": QT_TRANSLATE_NOOP("Selftests", "wrong, not noticed"),
                 "defect_escape": QT_TRANSLATE_NOOP("Selftests", "DEFECT PASSED"),
                 "flipped": QT_TRANSLATE_NOOP("Selftests", "changed by trigger"),
                 "unchanged": QT_TRANSLATE_NOOP("Selftests", "unchanged")}


MODE_NAMES = {"input": QT_TRANSLATE_NOOP("Selftests", "Input mode. "),
              "frame": QT_TRANSLATE_NOOP("Selftests", "Frame mode. ")}


POSITIONS = {"random": QT_TRANSLATE_NOOP("Selftests", "anywhere"), "corner": QT_TRANSLATE_NOOP("Selftests", "in a corner"),
             "centre": QT_TRANSLATE_NOOP("Selftests", "in the centre")}
_STRENGTH = re.compile(r"eps=([0-9.]+)/255$")
_TRIGGER = re.compile(r"(badnet|logo|blended|wanet)-([0-9.]+)(?:-(\w+))?$")


def tr_(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("Selftests", text, None, n)


def ineffective_words() -> str:
    return QCoreApplication.translate("Selftests", "attack ineffective: this run says nothing about the station")


def trigger_words(name: str) -> str:
    """A stamped trigger's name (badnet-0.06-random) as a manager reads it."""
    found = _TRIGGER.match(name)
    if found is None:
        return name
    kind, value, position = found.group(1), float(found.group(2)), found.group(3) or ""
    where = tr_(POSITIONS[position]) if position in POSITIONS else position
    return {"badnet": QCoreApplication.translate("Selftests", "checkerboard sticker, {size} of the side, {where}"),
            "logo": QCoreApplication.translate("Selftests", "logo sticker, {size} of the side, {where}"),
            "blended": QCoreApplication.translate("Selftests", "pattern blended in at {size}"),
            "wanet": QCoreApplication.translate("Selftests", "slight warp, strength {size}")}[kind].format(
        size=f"{value:.0%}" if kind != "wanet" else f"{value:g}", where=where)


def variant_words(variant: str) -> str:
    """An attack strength (eps=8/255) or a trigger with its setting, in the window's words."""
    if variant == INVERSION_VARIANT:
        return QCoreApplication.translate("Selftests", "trigger found by the search (without prompts)")
    strength = _STRENGTH.match(variant)
    if strength:
        return QCoreApplication.translate("Selftests", "strength {strength}").format(strength=strength.group(1))
    name, _, setting = variant.partition(" (")
    setting = setting.rstrip(")")
    if setting:
        return f"{trigger_words(name)} ({_words(SETTING_WORDS, setting)})"
    return trigger_words(name)


def inversion_words(inv: dict) -> str:
    """The trigger search's finding: the smallest trigger that collapses the model, against the threshold."""
    if not inv:
        return QCoreApplication.translate("Selftests", "trigger search: not run")
    size = inv.get("relative_size")
    found = (QCoreApplication.translate("Selftests", "the smallest trigger that flips the model covers {size} of the picture").format(size=f"{size:.2%}")
             if size is not None else
             QCoreApplication.translate("Selftests", "no trigger found in {steps} steps").format(steps=inv.get("steps", "?")))
    threshold = inv.get("threshold")
    if threshold is None:
        return QCoreApplication.translate("Selftests", "trigger search: {found}; not calibrated, so no verdict").format(found=found)
    verdict = (QCoreApplication.translate("Selftests", "BACKDOOR INDICATED") if inv.get("backdoor_indicated") else QCoreApplication.translate("Selftests", "no backdoor indicated"))
    line = QCoreApplication.translate("Selftests", "trigger search: {found} (threshold {threshold}, {fraction} of the clean demo model's {reference}): "
               "{verdict}").format(found=found, threshold=f"{threshold:.2%}", fraction=f"{inv.get('fraction', 0):.0%}",
                                   reference=f"{inv.get('clean_reference_size', 0):.2%}", verdict=verdict)
    caveats = [why for why, ok in ((QCoreApplication.translate("Selftests", "the threshold was calibrated on the clean demo model, not on this one"),
                                    inv.get("calibrated_on_this_model")),
                                   (QCoreApplication.translate("Selftests", "this run's search settings differ from the calibration's"),
                                    inv.get("settings_as_calibrated", True))) if not ok]
    if caveats:
        line += " " + QCoreApplication.translate("Selftests", "({caveats}: indicative only)").format(caveats="; ".join(caveats))
    return line


def _words(table: dict, key: str) -> str:
    """A station word (a status, a setting) in the window's language; one this version does not know as it is."""
    return QCoreApplication.translate("Selftests", table[key]) if key in table else key


def run_row_summary(run: RunSummary) -> str:
    s = run.summary or {}
    if run.kind == "prm":
        parts = []
        for variant, m in s.get("by_eps", {}).items():
            text = QCoreApplication.translate(
                "Selftests", "{variant}: right {correct}, to review {caught}, unnoticed {unnoticed}, defects passed {passed}"
            ).format(variant=variant_words(variant), correct=f"{m['correct']:.0%}", caught=f"{m['caught']:.0%}",
                     unnoticed=f"{m['silent_failure']:.0%}", passed=f"{m['defect_escape']:.0%}")
            if not m.get("attack_effective", True):
                text = f"{variant_words(variant)}: {ineffective_words()}"
            if m.get("check_b_not_independent"):
                text += " " + QCoreApplication.translate(
                    "Selftests", "FINDING: the second check fell under an attack on the vision model while the vision "
                                 "model held: it is not independent")
            if m.get("check_a_unmeasured"):
                text += " " + QCoreApplication.translate(
                    "Selftests", "(the vision model was right on too few of the clean parts, {clean}, to show "
                                 "whether it holds under attack)").format(clean=f"{m['check_a_clean']:.0%}")
            parts.append(text)
        mode = s.get("mode") or ""
        mode = tr_(MODE_NAMES[mode]) if mode in MODE_NAMES else (f"{mode}. " if mode else "")
        return mode + "; ".join(parts)
    passed, worst = s.get("worst_defects_passed", {}), s.get("worst", {})
    parts = []
    escapes, clean = (s.get("station") or {}).get("worst"), (s.get("station") or {}).get("clean") or {}
    if escapes:  # what a quality manager needs first: what the whole station let through
        parts.append(QCoreApplication.translate(
            "Selftests", "whole station: {rate} of triggered defective parts passed (95% upper bound {upper}, goal "
                         "0.5%), {review} of clean parts sent to review").format(
            rate=f"{escapes['pass_rate']:.1%}", upper=f"{escapes['pass_rate_upper']:.1%}",
            review=f"{clean.get('review_rate', 0):.1%}"))
    for setting, w in worst.items():
        p = passed.get(setting, {})
        parts.append(QCoreApplication.translate(
            "Selftests", "{setting}: a trigger passed up to {rate} of defects ({over}, {trigger}); any flip up to "
                         "{asr} ({asr_over})").format(setting=_words(SETTING_WORDS, setting), rate=f"{p.get('rate', 0):.0%}",
                                                      over=_over_clean(p), trigger=trigger_words(p.get('trigger') or '-'),
                                                      asr=f"{w.get('asr', 0):.0%}", asr_over=_over_clean(w)))
    if s.get("inversion"):
        parts.append(inversion_words(s["inversion"]))
    return "; ".join(parts)


def _over_clean(worst: dict) -> str:
    """What the trigger adds above the clean frames' own rate (older runs did not record it)."""
    above = worst.get("above_baseline")
    if above is None:
        return QCoreApplication.translate("Selftests", "clean baseline not recorded")
    return QCoreApplication.translate("Selftests", "{change} over clean").format(change=f"{above:+.0%}")


