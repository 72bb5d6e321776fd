"""Trigger inversion in the style of DECREE (Feng et al., CVPR 2023, "Detecting Backdoors in Pre-trained Encoders").

With the vision encoder frozen, a trigger -- a mask m in [0,1] over the image and a pattern p --
is optimised on clean frames, stamped as x' = (1 - m) * x + m * p, so that the embeddings of the
stamped frames collapse together (their mean pairwise cosine similarity reaches a target), with
an L1 penalty on the mask. The penalty weight is adapted as DECREE does: raised while the target
is met, lowered while it is not. What is reported is the smallest mask that met the target, as
its relative size (the "PL1-norm": the mask's L1 norm over the number of pixels). A backdoored
encoder has a shortcut -- its trigger -- and admits a much smaller one than a clean encoder.
No labels and no text are used, so it finds triggers of families nobody thought to stamp.

Differences from DECREE, and why:
- The trigger is stamped at a fresh random shift of up to one token (the ViT's patch size, wrapping
  around) for every frame and step. Without it, a small ViT (the demo CLIP: 64 px, patch 8) collapses
  under a handful of adversarial pixels aligned to one token, clean or not (measured: 0.1-0.6% of the
  image for both the clean and the backdoored demo CLIP), which hides the difference DECREE relies
  on. A real trigger (a sticker, a logo) does not land on the token grid, and still works when
  moved by a few pixels; an adversarial token does not.
- Few frames and steps (defaults 8 and 100, with early stop) and a gentler penalty factor (x1.5,
  DECREE: x5 over hundreds of epochs), so a run takes seconds on a CPU. Within that budget the clean
  demo CLIP's smallest trigger is still shrinking slowly while a backdoored one's has long arrived:
  the size reported is "the smallest collapsing trigger found in this budget", and the threshold is
  calibrated with the same budget (measured with 16 frames and 150 steps the gap was smaller:
  clean 1.8% against 0.6% for the BadNet+Blended fixture, seed 0).
- The optimiser, parametrisation and success test follow DECREE: Adam (betas 0.5, 0.9) on
  tanh-parametrised mask and pattern from a random start; a step counts when the similarity of that
  step's stamped batch is at or above the target.

Measured (8 washer frames, 100 steps, seeds 0/1/2; README, "Backdoor probe"): clean demo CLIP
3.42/3.41/3.39%, BadNet+Blended fixture 0.70/0.75/0.91% (flagged), logo fixture 3.29/1.67/3.01%
(not found: on this small ViT its backdoor is no cheaper a collapse than adversarial pixels).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..models.preprocess import resize_square
from ..messages import Message
from ..progress import QUIET, Progress
from ..errors import InvalidInput
from .choices import InversionSettings  # noqa: F401



@dataclass
class InvertedTrigger:
    relative_size: float | None  # PL1-norm of the smallest trigger that met the target; None: never met
    mask: np.ndarray  # S x S floats in 0..1 (at the best step, else the last)
    pattern: np.ndarray  # S x S x 3 uint8
    clean_similarity: float  # mean pairwise cosine of the clean frames' embeddings
    stamped_similarity: float  # the same with the returned trigger stamped (the fixed check: the lower of two shifts)
    steps: int
    seconds: float
    settings: InversionSettings

    @property
    def reached(self) -> bool:
        return self.relative_size is not None

    def trigger_image(self) -> np.ndarray:
        """mask * pattern: what the trigger puts on the frame (black where it leaves the frame alone)."""
        return np.clip(self.mask[..., None] * self.pattern + 0.5, 0, 255).astype(np.uint8)

    def mask_image(self) -> np.ndarray:
        return np.repeat(np.clip(self.mask * 255 + 0.5, 0, 255).astype(np.uint8)[..., None], 3, axis=2)

    def stamp(self, frame: np.ndarray) -> np.ndarray:
        """The trigger on one frame at the encoder's input size (unshifted), as the encoder would see it."""
        x = resize_square(np.asarray(frame), self.mask.shape[0]).astype(np.float32)
        m = self.mask[..., None]
        return np.clip((1 - m) * x + m * self.pattern + 0.5, 0, 255).astype(np.uint8)

    def summary(self) -> dict:
        return {"relative_size": self.relative_size, "reached": self.reached,
                "clean_similarity": self.clean_similarity, "stamped_similarity": self.stamped_similarity,
                "steps": self.steps, "seconds": round(self.seconds, 1), "settings": self.settings.as_dict()}


def mean_pairwise_cosine(embeddings: torch.Tensor) -> torch.Tensor:
    e = F.normalize(embeddings.float(), dim=-1)
    n = len(e)
    return ((e @ e.T).sum() - n) / (n * (n - 1))


def _shifted(mask: torch.Tensor, pattern: torch.Tensor, x: torch.Tensor, jitter: int, gen: torch.Generator):
    """Each frame stamped with the trigger rolled (wrapping round) by its own random (dy, dx) in [0, jitter)."""
    if jitter <= 1:
        return (1 - mask) * x + mask * pattern
    shifts = torch.randint(0, jitter, (len(x), 2), generator=gen).tolist()
    out = []
    for xi, (dy, dx) in zip(x, shifts):
        m = torch.roll(mask, (dy, dx), (-2, -1))
        out.append((1 - m) * xi + m * torch.roll(pattern, (dy, dx), (-2, -1)))
    return torch.stack(out)


def _patch_size(visual) -> int:
    size = getattr(visual, "patch_size", None)
    if size is None:  # not a ViT: an eighth of the input
        return max(1, int(_input_size(visual)) // 8)
    return int(size[0] if isinstance(size, (tuple, list)) else size)


def _input_size(visual) -> int:
    size = getattr(visual, "image_size", 224)
    return int(size[0] if isinstance(size, (tuple, list)) else size)


def invert_trigger(visual: torch.nn.Module, frames: list[np.ndarray], mean, std,
                   settings: InversionSettings = InversionSettings(), progress: Progress = QUIET) -> InvertedTrigger:
    """Search the smallest trigger that collapses `frames` (RGB uint8, any size) in `visual`'s embedding space.

    `visual` maps normalised N x 3 x S x S images to embeddings and stays frozen (its gradients
    are neither kept nor changed). `progress.should_stop()` is polled each step: asked to stop, it returns the best so
    far (the caller decides whether that counts)
    """
    started = time.monotonic()
    param = next(visual.parameters())
    device, size = param.device, _input_size(visual)
    jitter = settings.jitter if settings.jitter is not None else _patch_size(visual)
    frames = frames[: settings.frames]
    if len(frames) < 2:
        raise InvalidInput("trigger inversion needs at least two frames")
    x = torch.as_tensor(np.stack([resize_square(np.asarray(f), size) for f in frames]), device=device)
    x = x.permute(0, 3, 1, 2).float().div(255)
    m_ = torch.tensor(mean, device=device).view(1, 3, 1, 1)
    s_ = torch.tensor(std, device=device).view(1, 3, 1, 1)

    def embed(images01: torch.Tensor) -> torch.Tensor:
        return visual(((images01 - m_) / s_).to(param.dtype))

    gen = torch.Generator().manual_seed(settings.seed)
    squash = 2 - 1e-6  # tanh parametrisation, as DECREE: values stay strictly inside (0, 1)
    mask_p = torch.atanh((torch.rand(size, size, generator=gen) - 0.5) * squash).to(device).requires_grad_(True)
    pattern_p = torch.atanh((torch.rand(3, size, size, generator=gen) - 0.5) * squash).to(device).requires_grad_(True)
    opt = torch.optim.Adam([mask_p, pattern_p], lr=settings.lr, betas=(0.5, 0.9))
    penalty, above, below, since_better = settings.penalty_start, 0, 0, 0
    best_size, best = None, None
    was_training = visual.training
    visual.eval()
    with torch.no_grad():
        clean_similarity = float(mean_pairwise_cosine(embed(x)))
    step = 0
    try:
        for step in range(1, settings.steps + 1):
            if progress.should_stop():
                break
            mask = torch.tanh(mask_p) / squash + 0.5
            pattern = torch.tanh(pattern_p) / squash + 0.5
            similarity = mean_pairwise_cosine(embed(_shifted(mask, pattern, x, jitter, gen)))
            size_now = mask.mean()
            loss = -similarity + penalty * size_now
            # gradients for the trigger only: the encoder's own stay untouched even if they are enabled
            mask_p.grad, pattern_p.grad = torch.autograd.grad(loss, [mask_p, pattern_p])
            opt.step()
            sim, rel = float(similarity.detach()), float(size_now.detach())
            met = sim >= settings.similarity_target
            if met:  # only steps that hold the target count towards the early stop
                improved = best_size is None or rel < 0.99 * best_size
                if best_size is None or rel < best_size:
                    best_size, best = rel, (mask.detach().clone(), pattern.detach().clone())
                since_better = 0 if improved else since_better + 1
            # DECREE's schedule: while the target holds, buy a smaller mask; while it does not, relax
            above, below = (above + 1, 0) if met else (0, below + 1)
            if above > settings.patience:
                penalty, above = penalty * settings.penalty_factor, 0
            elif below > settings.patience:
                penalty, below = penalty / settings.penalty_factor, 0
            if step % 10 == 0 or step == settings.steps:
                progress.report(step, settings.steps, Message("inversion.progress", similarity=float(sim), size=float(rel)))
            if best_size is not None and since_better >= settings.early_stop:
                break
        if best is None:
            best = (torch.tanh(mask_p) / squash + 0.5, torch.tanh(pattern_p) / squash + 0.5)
        mask, pattern = (t.detach() for t in best)
        with torch.no_grad():
            stamped_similarity = float(mean_pairwise_cosine(embed(_shifted(mask, pattern, x, jitter, gen))))
    finally:
        visual.train(was_training)
    return InvertedTrigger(
        relative_size=best_size, mask=mask.cpu().numpy().astype(np.float32),
        pattern=(pattern.permute(1, 2, 0).cpu().numpy() * 255 + 0.5).clip(0, 255).astype(np.uint8),
        clean_similarity=clean_similarity, stamped_similarity=stamped_similarity, steps=step,
        seconds=time.monotonic() - started, settings=settings,
    )


__all__ = ["InversionSettings", "InvertedTrigger", "invert_trigger", "mean_pairwise_cosine"]
