"""PRM, Patch Representation Misalignment (arXiv 2403.12693), as its official code does it.

Only the CLIP vision encoder is used: no labels, no text, no prompts. The
perturbation `delta` (init 0) is optimised with AdamW so that, layer by layer,
the adversarial image's tokens point away from the clean image's tokens:

    features = tokens after ln_pre, then the output of every block (all tokens, CLS included)
    loss     = sum over layers of mean over tokens of cos(adv feature, clean feature)   (minimised)
    image    = clamp(x + clamp(delta, -eps, eps), 0, 1)   (computed as x + clamp(delta, max(-eps, -x), min(eps, 1 - x)))

Official settings in 0..255 pixel units: AdamW lr 0.5, weight decay 0.01; in the
0..1 units used here that is lr 0.5/255 and weight decay 2.55 (each step shrinks
delta by 0.5%). 250 iterations. "Dynamic scale": every iteration both images are
resized (bicubic) by a ratio from U[0.5, 1.0) before the encoder, with position
embeddings interpolated to the patch grid. Normalisation happens inside the loop.

At delta = 0 the two feature sets are identical, the cosine is at its maximum and
its gradient vanishes; the official loop leaves that point only through numerical
noise. The default keeps that start and records how many steps the escape took;
`random_start` (in 0..1 units) starts from a small uniform perturbation instead.
The official script attacks one image at a time; here a batch is attacked at once
(every image's loss and AdamW state are independent, so batching does not change
the result beyond floating-point noise); the images of a batch share the scale ratio
drawn for each iteration. The clean image's features at a scale are computed once and kept
(up to `CLEAN_CACHE_BYTES`): they depend only on the size the ratio rounds to, so reusing them
changes nothing, and a 64 px input has only 33 sizes in 250 iterations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from ..models.preprocess import centre_square, resize_square_torch, whole_factor
from ..models.prompted import PromptedVisionEncoder
from ..messages import Message
from ..progress import QUIET, Progress, stop_if_asked


CLEAN_CACHE_BYTES = 256 * 2**20  # a ViT-B-32 batch of 16 keeps about 15 MB per size


@dataclass(frozen=True)
class PrmSettings:
    eps: float = 8 / 255
    iterations: int = 250
    lr: float = 0.5 / 255
    weight_decay: float = 2.55
    scale_low: float = 0.5
    scale_high: float = 1.0
    random_start: float = 0.0  # 0: the official start at delta = 0
    seed: int = 0


@dataclass
class PrmResult:
    adversarial: torch.Tensor  # N x 3 x H x W in 0..1, quantised to 8 bits
    losses: list[float] = field(default_factory=list)  # mean over the batch, per iteration
    escape_step: int | None = None  # first iteration whose loss fell below 99.9% of the start


def prm_features(encoder: PromptedVisionEncoder, x01: torch.Tensor, mean, std) -> list[torch.Tensor]:
    """Layer token sequences of the plain (unprompted) encoder for images in 0..1."""
    m = torch.tensor(mean, device=x01.device).view(1, 3, 1, 1)
    s = torch.tensor(std, device=x01.device).view(1, 3, 1, 1)
    return encoder((x01 - m) / s, use_prompts=False, return_layer_tokens=True).layer_tokens


def prm_loss(adv: list[torch.Tensor], clean: list[torch.Tensor]) -> torch.Tensor:
    """Per image: sum over layers of mean over tokens of the cosine. Shape N."""
    return torch.stack([F.cosine_similarity(a, c, dim=-1).mean(dim=1) for a, c in zip(adv, clean)]).sum(dim=0)


class _ProjectAndPool(torch.autograd.Function):
    """x + clamp(delta, low, high), then the mean of each k x k block: the station's whole-factor resize of the
    perturbed frame. One frame at a time, so its passes forward and back stay in the cache (a batch of 256 px
    frames is 12 MB): the same values and gradient as the plain ops, bit for bit, at less than half the time."""

    @staticmethod
    def forward(ctx, delta, x, low, high, k):
        ctx.save_for_backward(delta, low, high)
        ctx.k = k
        return torch.stack([F.avg_pool2d(x[i] + delta[i].clamp(low[i], high[i]), k) for i in range(len(x))])

    @staticmethod
    def backward(ctx, grad):
        delta, low, high = ctx.saved_tensors
        k = ctx.k
        out, zero = torch.empty_like(delta), delta.new_zeros(())
        for i, g in enumerate(grad):  # each output pixel's gradient spread evenly over its k x k block
            spread = F.interpolate((g / (k * k))[None], scale_factor=k, mode="nearest")[0]
            # 0 where the bounds hold delta (+0.0, as autograd's clamp gives; the old product gave -0.0 there)
            torch.where((delta[i] >= low[i]) & (delta[i] <= high[i]), spread, zero, out=out[i])
        return out, None, None, None, None


def _perturbed(x, delta, low, high, resize_to: int | None) -> torch.Tensor:
    """What the encoder is given: x + delta within its bounds, through the station's resize when x are frames."""
    if resize_to is None:
        return x + delta.clamp(low, high)
    if k := whole_factor(*x.shape[-2:], resize_to):
        return centre_square(_ProjectAndPool.apply(delta, x, low, high, k), resize_to)
    return resize_square_torch(x + delta.clamp(low, high), resize_to)


def prm_attack(
    encoder: PromptedVisionEncoder,
    images: torch.Tensor,
    mean,
    std,
    settings: PrmSettings = PrmSettings(),
    progress: Progress = QUIET,
    resize_to: int | None = None,
    keep_clean_features: bool = True,
) -> PrmResult:
    """images: N x 3 x H x W in 0..1, the images the perturbation is added to.

    With `resize_to`, they are camera frames and reach the encoder through the station's own resize to that
    size (differentiable: the attack on the camera frame); without it they go to the encoder as they are (the
    encoder's input, the paper's setting). `keep_clean_features=False` recomputes the
    clean features every iteration, as the official code does (the throughput bench's baseline).
    """
    # separate streams, so the scale ratios do not depend on how many images share the batch
    scale_gen = torch.Generator().manual_seed(settings.seed)
    start_gen = torch.Generator().manual_seed(settings.seed + 1)
    x = images.detach().contiguous()  # frames as numpy gave them are channels-last: delta, and AdamW, would be too
    if settings.random_start > 0:
        delta = (torch.rand(x.shape, generator=start_gen) * 2 - 1).to(x) * settings.random_start
    else:
        delta = torch.zeros_like(x)
    delta.requires_grad_(True)
    # fused: one pass over delta per step instead of a dozen (a frame-mode batch holds 3 million values)
    opt = torch.optim.AdamW([delta], lr=settings.lr, weight_decay=settings.weight_decay, fused=True)
    with torch.no_grad():
        clean_in = resize_square_torch(x, resize_to) if resize_to else x
    # |delta| <= eps and x + delta within 0..1 as one clamp with per-pixel bounds: the same image as clamping
    # twice, at half the passes forward and back
    low, high = (-x).clamp(min=-settings.eps), (1 - x).clamp(max=settings.eps)
    h, w = clean_in.shape[-2:]
    clean_at: dict[tuple[int, int], list[torch.Tensor]] = {}  # size -> the clean image's features there
    cached_bytes = 0
    losses, start, escape = [], None, None
    for step in range(settings.iterations):
        stop_if_asked(progress, "PRM attack")
        ratio = settings.scale_low + (settings.scale_high - settings.scale_low) * float(torch.rand((), generator=scale_gen))
        size = (max(1, round(h * ratio)), max(1, round(w * ratio)))
        adv_s = F.interpolate(_perturbed(x, delta, low, high, resize_to), size=size, mode="bicubic",
                              align_corners=False)
        clean_feats = clean_at.get(size)
        if clean_feats is None:
            with torch.no_grad():
                clean_s = F.interpolate(clean_in, size=size, mode="bicubic", align_corners=False)
                clean_feats = prm_features(encoder, clean_s, mean, std)
            nbytes = sum(t.numel() * t.element_size() for t in clean_feats)
            if keep_clean_features and cached_bytes + nbytes <= CLEAN_CACHE_BYTES:
                clean_at[size], cached_bytes = clean_feats, cached_bytes + nbytes
        per_image = prm_loss(prm_features(encoder, adv_s, mean, std), clean_feats)
        opt.zero_grad(set_to_none=True)
        per_image.sum().backward()
        opt.step()
        loss = float(per_image.detach().mean())
        losses.append(loss)
        start = loss if start is None else start
        if escape is None and loss < 0.999 * start:
            escape = step
        progress.report(step + 1, settings.iterations, Message("prm.step", loss=loss))
    with torch.no_grad():
        adv = torch.clamp(x + torch.clamp(delta, -settings.eps, settings.eps), 0, 1)
        adv = torch.round(adv * 255) / 255  # what a camera frame could carry
    return PrmResult(adv.detach(), losses, escape)
