"""White-box PGD on check A's zero-shot loss: the attack an insider holding the prompts could make.

Standard L-inf PGD (Madry et al.): optional uniform random start in the eps-ball,
then `steps` signed-gradient ascent steps of size `alpha` on the cross-entropy,
projected back into the ball and into 0..1 after each step.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F


def pgd_attack(
    logits_fn: Callable[[torch.Tensor], torch.Tensor],
    images: torch.Tensor,
    labels: torch.Tensor,
    eps: float = 8 / 255,
    alpha: float = 2 / 255,
    steps: int = 10,
    random_start: bool = True,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """images in 0..1; `logits_fn` maps 0..1 images to class logits (normalising inside)."""
    x = images.detach()
    adv = x.clone()
    if random_start:
        noise = torch.rand(x.shape, generator=generator).to(x) * 2 * eps - eps
        adv = torch.clamp(adv + noise, 0, 1)
    for _ in range(steps):
        adv.requires_grad_(True)
        loss = F.cross_entropy(logits_fn(adv), labels)
        (grad,) = torch.autograd.grad(loss, adv)
        adv = adv.detach() + alpha * grad.sign()
        adv = torch.clamp(torch.min(torch.max(adv, x - eps), x + eps), 0, 1)
    return adv.detach()
