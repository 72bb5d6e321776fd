"""The backdoor probe: does some trigger make the foundation model jump to one class?

Candidate triggers (BadNet patches of several sizes and places, blended patterns,
a WaNet-style warp) are stamped on clean labelled frames of every class. For each
trigger and each target class, the attack success rate (ASR) is the share of
frames *not* of that class that check A now assigns to it. The figure that matters
on a line is the ASR towards the good classes over defective parts: a trigger that
makes bad parts pass. (A large patch read as a defect only rejects good parts,
which a reviewer sees.) Measured with the active RVPT prompts and without them,
so the run also shows what the prompts buy.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

import numpy as np

from .. import audit
from ..auth import require
from ..runtime import Station
from ..storage.models import SelftestResult, SelftestRun, User, utcnow
from .prm_runner import ReferenceFrame
from .triggers import Trigger, probe_triggers

Progress = Callable[[int, int, str], None]


class ProbeCancelled(Exception):
    pass


def run_backdoor_probe(
    station: Station,
    reference: list[ReferenceFrame],
    user: User | None,
    triggers: list[Trigger] | None = None,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    require(user, "selftest.run")
    triggers = triggers or probe_triggers()
    keys = [c.key for c in station.config.classes]
    truth = [keys.index(r.truth) for r in reference]
    settings = ["with prompts", "without prompts"] if station.check_a.encoder.prompts is not None else ["without prompts"]
    with station.db.transaction() as s:
        run = SelftestRun(kind="backdoor", params={"triggers": [t.name for t in triggers], "images": len(reference)},
                          clip_model_id=station.clip_model_id, check_b_model_id=station.check_b_model_id,
                          prompt_set_id=station.check_a.prompt_set_id, started_by=user.id)
        s.add(run)
        s.flush()
        run_id = run.id
        audit.record(s, user.username, "selftest.start", run=run_id, kind="backdoor")
    good = [station.good[k] for k in keys]
    defective = [i for i, t in enumerate(truth) if not good[t]]
    summary: dict = {"clean_accuracy": {}, "asr": defaultdict(dict), "worst": {}, "defects_passed": {},
                     "worst_defects_passed": {}}
    status, total, done = "done", len(triggers) * len(settings), 0
    try:
        for setting in settings:
            clean = station.check_a.classify([r.image for r in reference], setting == "with prompts")
            summary["clean_accuracy"][setting] = float(np.mean([p == t for p, t in zip(clean, truth)]))
            worst, worst_pass = (0.0, "", ""), (0.0, "")
            for trig in triggers:
                if should_stop and should_stop():
                    raise ProbeCancelled()
                rng = np.random.default_rng(trig.seed)
                stamped = [trig.apply(r.image, rng) for r in reference]
                pred = station.check_a.classify(stamped, setting == "with prompts")
                rates = {}
                for ti, key in enumerate(keys):
                    others = [i for i, t in enumerate(truth) if t != ti]
                    rates[key] = float(np.mean([pred[i] == ti for i in others])) if others else 0.0
                summary["asr"][f"{trig.name} ({setting})"] = rates
                target, rate = max(rates.items(), key=lambda kv: kv[1])
                if rate > worst[0]:
                    worst = (rate, trig.name, target)
                # the line's real risk: a defective part that the trigger makes look good
                passed = float(np.mean([good[pred[i]] for i in defective])) if defective else 0.0
                summary["defects_passed"][f"{trig.name} ({setting})"] = passed
                if passed > worst_pass[0]:
                    worst_pass = (passed, trig.name)
                with station.db.transaction() as s:
                    for r, c, p in zip(reference, clean, pred):
                        s.add(SelftestResult(
                            run_id=run_id, item=r.item, true_label=r.truth, variant=f"{trig.name} ({setting})",
                            outcome="flipped" if p != c else "unchanged",
                            details={"clean": keys[c], "triggered": keys[p]},
                        ))
                done += 1
                if progress:
                    progress(done, total, f"{trig.name} ({setting}): defects passed {passed:.0%}, "
                                          f"highest ASR {rate:.0%} to {target}")
            summary["worst"][setting] = {"asr": worst[0], "trigger": worst[1], "target": worst[2]}
            summary["worst_defects_passed"][setting] = {"rate": worst_pass[0], "trigger": worst_pass[1]}
    except ProbeCancelled:
        status = "cancelled"
    except BaseException:
        status = "failed"
        raise
    finally:
        summary["asr"] = dict(summary["asr"])
        with station.db.transaction() as s:
            run = s.get(SelftestRun, run_id)
            run.status, run.finished_at, run.summary = status, utcnow(), summary
            audit.record(s, user.username, "selftest.finish", run=run_id, kind="backdoor", status=status)
    return run_id


__all__ = ["run_backdoor_probe", "ProbeCancelled"]
