"""The PRM self-test: attack the station's own foundation model, score the station, log it.

Reference frames (generated parts, reviewed inspections or a labelled folder) are attacked with PRM
on the plain CLIP vision encoder, as an outsider holding only the public encoder could. Two threat
modes, both recorded with the run:

- `input` (the default, the paper's setting): the frame after the station's own resize, at the
  encoder's input size, is attacked; the attacked image goes through the station's checks.
- `frame`: the camera frame is attacked, with the station's resize done differentiably inside the
  loop, so the perturbation must survive it (someone who can alter the camera picture).

The attacked images, quantised to 8 bits, go through the station's real checks and decision policy
(nothing is written to `inspection`), and every image's outcome is stored in `selftest_result`. Every
result carries the attack's strength; a run in which check A barely moved is "attack ineffective":
it says nothing about the station.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .. import audit
from ..auth import require
from ..models.preprocess import resize_square
from ..models.prompted import PromptedVisionEncoder
from ..pipeline import Pipeline
from ..runtime import Station
from ..storage.models import SelftestResult, SelftestRun, User, utcnow
from .choices import MAX_STRENGTH, MODES, PrmRunSettings, StrengthError, parse_strengths  # noqa: F401  (also importable from here)
from .outcomes import CheckTally, outcome, shares
from ..errors import Cancelled, InvalidInput
from .prm import PrmSettings, prm_attack
from .strength import INEFFECTIVE_MARGIN, attack_strength
from ..messages import Message
from ..progress import QUIET, Progress, Share


@dataclass
class ReferenceFrame:
    image: np.ndarray  # RGB uint8
    truth: str  # class key
    item: str  # where it came from: "synthetic:seed#index", "inspection:42", "file:<sha256>"




def _to_tensor(images: list[np.ndarray]) -> torch.Tensor:
    return torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float() / 255.0


def _to_images(x: torch.Tensor) -> list[np.ndarray]:
    return list((x * 255).round().clamp(0, 255).byte().permute(0, 2, 3, 1).numpy())


def run_prm_selftest(
    station: Station,
    reference: list[ReferenceFrame],
    settings: PrmRunSettings,
    user: User | None,
    progress: Progress = QUIET,
) -> int:
    """Runs, records and returns the `selftest_run` id (also when cancelled: status says so)."""
    require(user, "selftest.run")
    if not reference:
        raise InvalidInput("the reference set is empty: review some frames first, or use generated parts")
    pipeline = Pipeline(station, pinned=True)  # one product for the whole run, whatever changeover comes
    good, check_a = pipeline.judge_with.good, pipeline.judge_with.check_a
    unknown = sorted({r.truth for r in reference} - set(good))
    if unknown:
        raise InvalidInput(f"reference labels {unknown} are not classes of this station")
    with station.db.transaction() as s:
        run = SelftestRun(kind="prm", params=settings.as_dict() | {"images": len(reference)},
                          clip_model_id=station.clip_model_id, check_b_model_id=pipeline.pinned.check_b_model_id,
                          prompt_set_id=check_a.prompt_set_id, started_by=user.id)
        s.add(run)
        s.flush()
        run_id = run.id
        audit.record(s, user.username, "selftest.start", run=run_id, kind="prm", params=run.params)

    encoder = PromptedVisionEncoder(station.clip.model.visual)
    mean, std, size = station.clip.spec.mean, station.clip.spec.std, station.clip.image_size
    if settings.mode == "input":  # what the encoder sees: the station's own resize, done first
        targets, resize_to = [resize_square(r.image, size) for r in reference], None
    else:
        targets, resize_to = [r.image for r in reference], size
    clean = pipeline.judge(targets)
    prompted = check_a.encoder.prompts is not None
    plain_clean = _plain_labels(pipeline.judge_with, targets) if prompted else []
    batches = [range(i, min(i + settings.batch_size, len(reference))) for i in range(0, len(reference), settings.batch_size)]
    total = len(settings.eps) * len(batches) * settings.iterations
    done, status, summary = 0, "done", {"by_eps": {}, "mode": settings.mode, "ineffective_margin": INEFFECTIVE_MARGIN}
    clean_paths: list[str | None] = [None] * len(reference)
    summary["clean"] = shares([outcome(d, good[r.truth]) for d, r in zip(clean, reference)])
    try:
        for eps in settings.eps:
            variant = f"eps={eps * 255:g}/255"
            outcomes, tally, escapes, loss_pairs, plain = [], CheckTally(), [], [], [0, 0, 0]
            for bi, batch in enumerate(batches):
                step = Share(progress, done, total, lambda i, n, said, _bi=bi: Message(
                    "prm.progress", variant=variant, strength=eps * 255, batch=_bi + 1, batches=len(batches),
                    loss=float(said.params["loss"])))

                result = prm_attack(
                    encoder, _to_tensor([targets[k] for k in batch]), mean, std,
                    PrmSettings(eps=eps, iterations=settings.iterations, random_start=settings.random_start,
                                seed=settings.seed + bi),
                    progress=step, resize_to=resize_to,
                )
                done += settings.iterations
                escapes.append(result.escape_step)
                if result.losses:
                    loss_pairs.append((result.losses[0], result.losses[-1], len(batch)))
                attacked = _to_images(result.adversarial)
                decisions = pipeline.judge(attacked)
                if prompted:  # the attack aims at the plain encoder: how far did it move that?
                    truth = [reference[k].truth for k in batch]
                    plain[0] += sum(t == p for t, p in zip(truth, [plain_clean[k] for k in batch]))
                    plain[1] += sum(t == p for t, p in zip(truth, _plain_labels(pipeline.judge_with, attacked)))
                    plain[2] += len(batch)
                _record_batch(station, run_id, settings, variant, reference, targets, list(batch), clean,
                              attacked, decisions, result, clean_paths, outcomes, tally, good)
            found = [e for e in escapes if e is not None]
            summary["by_eps"][variant] = {
                **shares(outcomes), **tally.as_dict(), "images": len(outcomes),
                "escape_steps": escapes, "escape_step_mean": (sum(found) / len(found)) if found else None,
                **attack_strength(tally.as_dict(), loss_pairs,
                                  (plain[0] / plain[2], plain[1] / plain[2]) if plain[2] else None),
            }
    except Cancelled:
        status = "cancelled"
    except BaseException:
        status = "failed"
        raise
    finally:
        summary["attack_effective"] = any(m["attack_effective"] for m in summary["by_eps"].values())
        summary["check_b_not_independent"] = any(m.get("check_b_not_independent") for m in summary["by_eps"].values())
        with station.db.transaction() as s:
            run = s.get(SelftestRun, run_id)
            run.status, run.finished_at, run.summary = status, utcnow(), summary
            audit.record(s, user.username, "selftest.finish", run=run_id, kind="prm", status=status,
                         attack_effective=summary["attack_effective"])
    return run_id


def _plain_labels(judge, images: list[np.ndarray]) -> list[str]:
    """Check A's classes from the frozen encoder without RVPT prompts."""
    return [judge.keys[i] for i in judge.check_a.classify(images, use_prompts=False)]


def _record_batch(station, run_id, settings, variant, reference, targets, indices, clean, attacked, decisions, result,
                  clean_paths, outcomes, tally, good) -> None:
    """One batch's rows and images: the images are staged, the rows committed, and only then are the
    images published, so no image is visible without its row and no row points at a missing image."""
    staged, first_clean = [], []

    def stage(image):
        staged.append(station.images.stage(image))
        return staged[-1].relative_path

    try:
        with station.db.transaction() as s:
            for k, adv_img, d in zip(indices, attacked, decisions):
                ref, c = reference[k], clean[k]
                o = outcome(d, good[ref.truth])
                outcomes.append(o)
                tally.add(ref.truth, c, d)
                if settings.keep_images and clean_paths[k] is None:
                    clean_paths[k] = stage(targets[k])  # the image the attack started from
                    first_clean.append(k)
                s.add(SelftestResult(
                    run_id=run_id, item=ref.item, true_label=ref.truth, variant=variant, outcome=o,
                    image_path=stage(adv_img) if settings.keep_images else None,
                    details={"clean": {"verdict": c.verdict, "a": c.a.label, "conf_a": c.a.confidence,
                                       "b": c.b.label, "conf_b": c.b.confidence},
                             "attacked": {"verdict": d.verdict, "reason": d.reason, "a": d.a.label,
                                          "conf_a": d.a.confidence, "b": d.b.label, "conf_b": d.b.confidence},
                             "escape_step": result.escape_step,
                             "final_loss": result.losses[-1] if result.losses else None,
                             "mode": settings.mode, "clean_image": clean_paths[k]},
                ))
    except BaseException:
        for img in staged:
            station.images.discard(img)
        for k in first_clean:  # never committed: a later variant stores them again
            clean_paths[k] = None
        raise
    for img in staged:
        station.images.publish(img)
