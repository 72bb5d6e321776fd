"""The PRM self-test: attack the station's own foundation model, score the station, log it.

Reference frames (generated parts, reviewed inspections or a labelled folder)
are attacked with PRM on the plain CLIP vision encoder, as an outsider holding
only the public encoder could. The attacked frames, quantised to 8 bits, go
through the station's real checks and decision policy (nothing is written to
`inspection`), and every frame's outcome is stored in `selftest_result`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np
import torch

from .. import audit
from ..auth import require
from ..models.prompted import PromptedVisionEncoder
from ..pipeline import Pipeline
from ..runtime import Station
from ..storage.models import SelftestResult, SelftestRun, User, utcnow
from .outcomes import CheckTally, outcome, shares
from .prm import AttackCancelled, PrmSettings, prm_attack


@dataclass
class ReferenceFrame:
    image: np.ndarray  # RGB uint8
    truth: str  # class key
    item: str  # where it came from: "synthetic:seed#index", "inspection:42", "file:<sha256>"


@dataclass
class PrmRunSettings:
    eps: list[float] = field(default_factory=lambda: [8 / 255])
    iterations: int = 250
    batch_size: int = 8
    random_start: float = 0.0
    seed: int = 0
    keep_images: bool = True

    def as_dict(self) -> dict:
        d = asdict(self)
        d["eps_255"] = [round(e * 255, 3) for e in self.eps]
        return d


Progress = Callable[[int, int, str], None]  # (done, total, message)


def _to_tensor(images: list[np.ndarray]) -> torch.Tensor:
    return torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float() / 255.0


def _to_images(x: torch.Tensor) -> list[np.ndarray]:
    return list((x * 255).round().clamp(0, 255).byte().permute(0, 2, 3, 1).numpy())


def run_prm_selftest(
    station: Station,
    reference: list[ReferenceFrame],
    settings: PrmRunSettings,
    user: User | None,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Runs, records and returns the `selftest_run` id (also when cancelled: status says so)."""
    require(user, "selftest.run")
    if not reference:
        raise ValueError("the reference set is empty: review some frames first, or use generated parts")
    good = station.good
    unknown = sorted({r.truth for r in reference} - set(good))
    if unknown:
        raise ValueError(f"reference labels {unknown} are not classes of this station")
    with station.db.transaction() as s:
        run = SelftestRun(kind="prm", params=settings.as_dict() | {"images": len(reference)},
                          clip_model_id=station.clip_model_id, check_b_model_id=station.check_b_model_id,
                          prompt_set_id=station.check_a.prompt_set_id, started_by=user.id)
        s.add(run)
        s.flush()
        run_id = run.id
        audit.record(s, user.username, "selftest.start", run=run_id, kind="prm", params=run.params)

    pipeline = Pipeline(station)
    encoder = PromptedVisionEncoder(station.clip.model.visual)
    mean, std = station.clip.spec.mean, station.clip.spec.std
    clean = pipeline.judge([r.image for r in reference])
    batches = [reference[i : i + settings.batch_size] for i in range(0, len(reference), settings.batch_size)]
    total = len(settings.eps) * len(batches) * settings.iterations
    done, status, summary = 0, "done", {"by_eps": {}}
    clean_paths = [None] * len(reference)
    if settings.keep_images:
        for i, r in enumerate(reference):
            stored = station.images.stage(r.image)
            station.images.publish(stored)
            clean_paths[i] = stored.relative_path
    clean_outcomes = [outcome(d, good[r.truth]) for d, r in zip(clean, reference)]
    summary["clean"] = shares(clean_outcomes)
    try:
        for eps in settings.eps:
            variant = f"eps={eps * 255:g}/255"
            outcomes, tally, escapes = [], CheckTally(), []
            for bi, batch in enumerate(batches):
                def step(i, n, loss, _base=done):
                    if progress:
                        progress(_base + i, total, f"{variant}: batch {bi + 1}/{len(batches)}, loss {loss:.3f}")

                result = prm_attack(
                    encoder, _to_tensor([r.image for r in batch]), mean, std,
                    PrmSettings(eps=eps, iterations=settings.iterations, random_start=settings.random_start,
                                seed=settings.seed + bi),
                    progress=step, should_stop=should_stop,
                )
                done += settings.iterations
                escapes.append(result.escape_step)
                attacked = _to_images(result.adversarial)
                decisions = pipeline.judge(attacked)
                offset = bi * settings.batch_size
                with station.db.transaction() as s:
                    for k, (ref, adv_img, d) in enumerate(zip(batch, attacked, decisions)):
                        c = clean[offset + k]
                        o = outcome(d, good[ref.truth])
                        outcomes.append(o)
                        tally.add(ref.truth, c, d)
                        path = None
                        if settings.keep_images:
                            stored = station.images.stage(adv_img)
                            station.images.publish(stored)
                            path = stored.relative_path
                        s.add(SelftestResult(
                            run_id=run_id, item=ref.item, true_label=ref.truth, variant=variant, outcome=o,
                            image_path=path,
                            details={"clean": {"verdict": c.verdict, "a": c.a.label, "conf_a": c.a.confidence,
                                               "b": c.b.label, "conf_b": c.b.confidence},
                                     "attacked": {"verdict": d.verdict, "reason": d.reason, "a": d.a.label,
                                                  "conf_a": d.a.confidence, "b": d.b.label, "conf_b": d.b.confidence},
                                     "escape_step": result.escape_step, "final_loss": result.losses[-1],
                                     "clean_image": clean_paths[offset + k]},
                        ))
            found = [e for e in escapes if e is not None]
            summary["by_eps"][variant] = {
                **shares(outcomes), **tally.as_dict(), "images": len(outcomes),
                "escape_steps": escapes, "escape_step_mean": (sum(found) / len(found)) if found else None,
            }
    except AttackCancelled:
        status = "cancelled"
    except BaseException:
        status = "failed"
        raise
    finally:
        with station.db.transaction() as s:
            run = s.get(SelftestRun, run_id)
            run.status, run.finished_at, run.summary = status, utcnow(), summary
            audit.record(s, user.username, "selftest.finish", run=run_id, kind="prm", status=status)
    return run_id
