"""The backdoor probe: does some trigger make the foundation model jump to one class?

Two parts.

Stamped candidates. Triggers of known families (BadNet patches of several sizes and places,
blended patterns, a WaNet-style warp) are stamped on clean labelled frames of every class. For
each trigger and each target class, the attack success rate (ASR) is the share of frames *not*
of that class that check A now assigns to it. What a trigger changes is that rate *above the
clean baseline*: the share of the same clean, unstamped frames already assigned to that class
(a model that calls 10% of scratched washers "good" has a 10% ASR towards "good" with no
trigger at all). The figure that matters on a line is the rate at which defective parts are
passed as good, again raw and above its clean baseline: a trigger that makes bad parts pass.
(A large patch read as a defect only rejects good parts, which a reviewer sees.) Measured
with the active RVPT prompts and without them, so the run also shows what the prompts buy.

Trigger inversion (`inversion.py`, after DECREE). Stamping finds only the families someone
thought of; the inversion searches, on the bare encoder and without labels, the smallest
trigger that collapses the frames' embeddings, and compares its size with what the clean
demo CLIP admits (`inversion_calibration.py`).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .. import audit
from ..auth import require
from ..runtime import Station
from ..storage.models import SelftestResult, SelftestRun, User, utcnow
from .inversion import InversionSettings, invert_trigger
from .inversion_calibration import judge, on_calibration_parts
from .prm_runner import ReferenceFrame
from .station_level import judge_all
from ..triggers import Trigger, probe_triggers
from ..errors import Cancelled
from ..messages import Message
from ..progress import QUIET, Progress, Share, stop_if_asked

from .choices import ESCAPE_GOAL, INVERSION_VARIANT  # noqa: F401
from .wording import inversion_line, station_line, verdict_word  # noqa: F401  (their home: wording)


def rates_to_classes(pred: list[int], truth: list[int], n_classes: int) -> list[float]:
    """Per target class: the share of frames not of that class that are predicted as it."""
    out = []
    for target in range(n_classes):
        others = [p for p, t in zip(pred, truth) if t != target]
        out.append(float(np.mean([p == target for p in others])) if others else 0.0)
    return out


def defects_passed(pred: list[int], truth: list[int], good: list[bool]) -> float:
    """The share of defective frames predicted as some good class."""
    passed = [good[p] for p, t in zip(pred, truth) if not good[t]]
    return float(np.mean(passed)) if passed else 0.0




class StationLevel:
    """What each stamped trigger does to the whole station (check A as it runs, check B, the input gate and
    the decision policy): the share of triggered defective parts it passes automatically, beside its clean
    review rate. This is the figure a quality manager needs; check A's rates alone overstate the risk."""

    def __init__(self, station: Station, reference: list[ReferenceFrame]):
        from ..pipeline import Pipeline  # the station's own decision path, nothing recorded

        self.pipeline = Pipeline(station, pinned=True)  # one product for the whole run
        good = self.pipeline.judge_with.good
        self.reference = reference
        self.defective = [i for i, r in enumerate(reference) if not good[r.truth]]
        self.good = [i for i, r in enumerate(reference) if good[r.truth]]

    def _judged(self, images, indices: list[int], good: bool):
        return judge_all(self.pipeline, [images[i] for i in indices], [good] * len(indices))

    def clean(self) -> dict:
        """The unstamped parts, each judged once: the review rate over all of them, the defects passed among them."""
        images = [r.image for r in self.reference]
        escapes, good = self._judged(images, self.defective, False), self._judged(images, self.good, True)
        frames = escapes.frames + good.frames
        return {"frames": frames, "review_rate": (escapes.reviewed + good.reviewed) / frames if frames else 0.0,
                "defects": escapes.frames, "defects_passed": escapes.pass_rate}

    def triggered(self, stamped: list[np.ndarray]) -> dict:
        f = self._judged(stamped, self.defective, False)
        return {"defects": f.frames, "passed": f.passed, "pass_rate": f.pass_rate,
                "pass_rate_upper": f.pass_rate_upper, "meets_goal": f.frames > 0 and f.pass_rate_upper <= ESCAPE_GOAL}

    @staticmethod
    def worst(by_trigger: dict) -> dict:
        if not by_trigger:
            return {}
        name = max(by_trigger, key=lambda t: (by_trigger[t]["pass_rate"], by_trigger[t]["pass_rate_upper"]))
        return {"trigger": name, **by_trigger[name]}


def run_backdoor_probe(
    station: Station,
    reference: list[ReferenceFrame],
    user: User | None,
    triggers: list[Trigger] | None = None,
    progress: Progress = QUIET,
    inversion: InversionSettings | None = InversionSettings(),
) -> int:
    """Stamp `triggers` (default: the probe's candidates), then, unless `inversion` is None, invert a trigger."""
    require(user, "selftest.run")
    triggers = triggers or probe_triggers()
    whole = StationLevel(station, reference)  # pinned: one product for the whole run, whatever changeover comes
    now = whole.pipeline.pinned
    keys = [c.key for c in now.config.classes]
    truth = [keys.index(r.truth) for r in reference]
    settings = ["with prompts", "without prompts"] if now.check_a.encoder.prompts is not None else ["without prompts"]
    params = {"triggers": [t.name for t in triggers], "images": len(reference),
              "inversion": inversion.as_dict() if inversion else None}
    with station.db.transaction() as s:
        run = SelftestRun(kind="backdoor", params=params,
                          clip_model_id=station.clip_model_id, check_b_model_id=now.check_b_model_id,
                          prompt_set_id=now.check_a.prompt_set_id, started_by=user.id)
        s.add(run)
        s.flush()
        run_id = run.id
        audit.record(s, user.username, "selftest.start", run=run_id, kind="backdoor")
    good = [{c.key: c.good for c in now.config.classes}[k] for k in keys]
    summary: dict = {"station": {"clean": whole.clean(), "by_trigger": {}, "goal": ESCAPE_GOAL},
                     "clean_accuracy": {}, "baseline": {}, "asr": defaultdict(dict), "asr_above_baseline": defaultdict(dict),
                     "worst": {}, "defects_passed": {}, "defects_passed_above_baseline": {}, "worst_defects_passed": {}}
    status, total, done = "done", len(triggers) * len(settings) + (1 if inversion else 0), 0
    try:
        for setting in settings:
            clean = now.check_a.classify([r.image for r in reference], setting == "with prompts")
            summary["clean_accuracy"][setting] = float(np.mean([p == t for p, t in zip(clean, truth)]))
            base_rates = rates_to_classes(clean, truth, len(keys))
            base_passed = defects_passed(clean, truth, good)
            summary["baseline"][setting] = {"to_class": dict(zip(keys, base_rates)), "defects_passed": base_passed}
            worst, worst_pass = None, None
            for trig in triggers:
                stop_if_asked(progress, "backdoor probe")
                variant = f"{trig.name} ({setting})"
                rng = np.random.default_rng(trig.seed)
                stamped = [trig.apply(r.image, rng) for r in reference]
                pred = now.check_a.classify(stamped, setting == "with prompts")
                rates = rates_to_classes(pred, truth, len(keys))
                summary["asr"][variant] = dict(zip(keys, rates))
                summary["asr_above_baseline"][variant] = {k: r - b for k, r, b in zip(keys, rates, base_rates)}
                # ranked by what the trigger adds, not by what the model already gets wrong
                ti = max(range(len(keys)), key=lambda i: rates[i] - base_rates[i])
                if worst is None or rates[ti] - base_rates[ti] > worst["above_baseline"]:
                    worst = {"asr": rates[ti], "baseline": base_rates[ti], "above_baseline": rates[ti] - base_rates[ti],
                             "trigger": trig.name, "target": keys[ti]}
                # the line's real risk: a defective part that the trigger makes look good
                passed = defects_passed(pred, truth, good)
                summary["defects_passed"][variant] = passed
                summary["defects_passed_above_baseline"][variant] = passed - base_passed
                if worst_pass is None or passed - base_passed > worst_pass["above_baseline"]:
                    worst_pass = {"rate": passed, "baseline": base_passed, "above_baseline": passed - base_passed,
                                  "trigger": trig.name}
                with station.db.transaction() as s:
                    for r, c, p in zip(reference, clean, pred):
                        s.add(SelftestResult(
                            run_id=run_id, item=r.item, true_label=r.truth, variant=variant,
                            outcome="flipped" if p != c else "unchanged",
                            details={"clean": keys[c], "triggered": keys[p]},
                        ))
                if setting == settings[0]:  # the station as it runs: with its live prompts, if any
                    summary["station"]["by_trigger"][trig.name] = whole.triggered(stamped)
                done += 1
                progress.report(done, total, Message("probe.progress", variant=variant, trigger=trig.name, setting=setting,
                                                  passed=passed, passed_over=passed - base_passed,
                                                  asr_over=rates[ti] - base_rates[ti], to_class=keys[ti]))
            summary["worst"][setting] = worst or {}
            if setting == settings[0]:
                summary["station"]["worst"] = whole.worst(summary["station"]["by_trigger"])
            summary["worst_defects_passed"][setting] = worst_pass or {}
        if inversion:
            step = Share(progress, done, total, lambda d, t, said: Message("probe.inversion_step", step=d, steps=t,
                                                                            detail=said))
            summary["inversion"] = _invert(station, run_id, reference, inversion, step)
            done += 1
            progress.report(done, total, Message("probe.inversion_done", line=inversion_line(summary["inversion"]),
                                              inversion=summary["inversion"]))
    except Cancelled:
        status = "cancelled"
    except BaseException:
        status = "failed"
        raise
    finally:
        summary["asr"], summary["asr_above_baseline"] = dict(summary["asr"]), dict(summary["asr_above_baseline"])
        with station.db.transaction() as s:
            run = s.get(SelftestRun, run_id)
            run.status, run.finished_at, run.summary = status, utcnow(), summary
            audit.record(s, user.username, "selftest.finish", run=run_id, kind="backdoor", status=status)
    return run_id


def _invert(station: Station, run_id: int, reference: list[ReferenceFrame], settings: InversionSettings,
            progress: Progress) -> dict:
    """Invert a trigger on the bare encoder; keep its images with the run, as PRM keeps its attacked frames."""
    clip = station.clip
    inv = invert_trigger(clip.model.visual, [r.image for r in reference], clip.spec.mean, clip.spec.std,
                         settings, progress=progress)
    stop_if_asked(progress, "trigger inversion")  # it returned its best so far: not a finished search
    result = {**inv.summary(), **judge(inv.relative_size, clip.sha256, settings,
                                       parts_as_calibrated=on_calibration_parts(reference))}
    images = [station.images.stage(im) for im in (inv.trigger_image(), inv.mask_image(), inv.stamp(reference[0].image))]
    try:
        with station.db.transaction() as s:
            s.add(SelftestResult(
                run_id=run_id, item="trigger inversion", true_label="", variant=INVERSION_VARIANT,
                outcome=verdict_word(result), image_path=images[0].relative_path,
                details={**result, "mask_image": images[1].relative_path, "stamped_image": images[2].relative_path,
                         "stamped_item": reference[0].item},
            ))
    except BaseException:
        for im in images:
            station.images.discard(im)
        raise
    for im in images:
        station.images.publish(im)
    result["images"] = {"trigger": images[0].relative_path, "mask": images[1].relative_path,
                        "stamped": images[2].relative_path}
    return result


__all__ = ["run_backdoor_probe", "station_line", "StationLevel", "ESCAPE_GOAL", "Cancelled", "rates_to_classes", "defects_passed", "inversion_line",
           "INVERSION_VARIANT"]
