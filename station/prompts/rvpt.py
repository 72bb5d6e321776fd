"""RVPT: Repulsive Visual Prompt Tuning (arXiv 2412.20392), as DESIGN.md specifies it.

Everything of CLIP stays frozen. Learned: deep visual prompts, `b` tokens for
each ViT block from block D on (VPT-deep: each block gets its own tokens, the
previous block's prompt outputs are dropped).

    loss = CE + alpha * FR
    CE = cross-entropy of softmax_c(logit_scale * cos(prompted image emb, class text emb))
    FR = mean over prompted blocks and batch of cos(prompted CLS_l, frozen CLS_l)

The class text embeddings are check A's own (the station's configured texts, averaged per class),
so the prompts are tuned against the classifier they are used with; the paper's single template
"a photo of a <class>." is only for callers without a station (`name_text_embeddings`).

FR pushes the prompted encoder's class-token features away from those of the
frozen (possibly backdoored) encoder at every prompted layer, while CE keeps
them useful for the task. Defaults are the paper's (alpha 2, D 3) but b = 10, chosen from the
measured curve (README "More shots": b = 10 beat b = 50 at every depth on the demo model),
16 shots per class, batch 32, 50 epochs, SGD lr 0.002 with cosine annealing.
"""

from __future__ import annotations

import math
import time
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from ..models.clip_store import LoadedClip, encode_text_classes
from ..models.preprocess import to_model_input
from ..models.prompted import PromptedVisionEncoder
from ..messages import Message
from ..progress import QUIET, Progress, stop_if_asked
from .recipe import RvptRecipe  # noqa: F401  (the recipe's home is torch-free; kept importable from here)

EpochEnd = Callable[[int, torch.Tensor, dict], bool]  # (epoch, prompts, metrics) -> stop now


class NotEnoughShots(ValueError):
    """Too few labelled images for a class."""


def class_prompt_text(name: str) -> str:
    return f"a photo of a {name}."


def name_text_embeddings(clip: LoadedClip, class_names: list[str]) -> torch.Tensor:
    """The paper's one-template classifier, for tuning without a station's configured texts."""
    with torch.no_grad():
        return encode_text_classes(clip, [[class_prompt_text(n)] for n in class_names]).float()


def select_shots(labels: list[int], num_classes: int, shots: int, seed: int, class_names: list[str]) -> list[int]:
    """`shots` indices per class, chosen with `seed`; a clear error names any class short of images."""
    rng = np.random.default_rng(seed)
    chosen = []
    for c in range(num_classes):
        idx = [i for i, lb in enumerate(labels) if lb == c]
        if len(idx) < shots:
            raise NotEnoughShots(Message("prompts.not_enough_shots", name=class_names[c], have=len(idx), shots=shots))
        chosen.extend(rng.choice(idx, size=shots, replace=False).tolist())
    return chosen


def tune_prompts(
    clip: LoadedClip,
    class_text: torch.Tensor,
    images: list[np.ndarray] | np.ndarray,
    labels: list[int],
    recipe: RvptRecipe = RvptRecipe(),
    progress: Progress = QUIET,
    epoch_end: EpochEnd | None = None,
) -> tuple[torch.Tensor, dict]:
    """Returns (prompts: (depth - D) x b x width, metrics). `class_text`: one embedding per class, the
    classifier the prompts will be used with (check A's `text`). `images` are RGB uint8 frames of any size."""
    torch.manual_seed(recipe.seed)
    gen = torch.Generator().manual_seed(recipe.seed)
    model = clip.model
    device = next(model.parameters()).device
    x_all = to_model_input(images, clip.spec.mean, clip.spec.std, size=clip.image_size)
    y_all = torch.as_tensor(labels, dtype=torch.long)

    text = F.normalize(class_text.detach().float(), dim=-1).to(device)
    scale = float(model.logit_scale.exp())

    encoder = PromptedVisionEncoder(model.visual, first_prompted_block=recipe.first_prompted_block)
    prompts = PromptedVisionEncoder.init_prompts(
        encoder.num_prompted_blocks, recipe.tokens_per_block, encoder.width, recipe.init_std, gen
    ).to(device).requires_grad_(True)
    encoder.set_prompts(prompts)
    steps_per_epoch = math.ceil(len(x_all) / recipe.batch_size)
    opt = torch.optim.SGD([prompts], lr=recipe.lr, momentum=recipe.momentum)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=recipe.epochs * steps_per_epoch)
    started = time.monotonic()
    # The frames are not augmented, so what the prompts cannot change is computed once here instead of in every
    # step: the tokens entering block D (blocks before it are unprompted and frozen) and, for FR, the frozen
    # encoder's class tokens from there on.
    # Kept where the frames were (the CPU), each step's batch moved to the device, as the frames were before.
    with torch.no_grad():
        prefix = torch.cat([encoder.prefix(x_all[k : k + 256].to(device)).cpu() for k in range(0, len(x_all), 256)])
        frozen_cls = torch.cat([torch.stack(encoder.forward_from_prefix(
            prefix[k : k + 256].to(device), use_prompts=False, return_block_cls=True).block_cls).float().cpu()
            for k in range(0, len(prefix), 256)], dim=1)  # (depth - D) x N x width
    shots = len(x_all)
    del x_all
    history = []
    for epoch in range(recipe.epochs):
        order = torch.randperm(shots, generator=gen)
        sums = {"loss": 0.0, "ce": 0.0, "fr": 0.0, "correct": 0}
        for k in range(0, len(order), recipe.batch_size):
            stop_if_asked(progress, "prompt tuning")
            idx = order[k : k + recipe.batch_size]
            y = y_all[idx].to(device)
            out = encoder.forward_from_prefix(prefix[idx].to(device), return_block_cls=True)
            logits = scale * F.normalize(out.embedding.float(), dim=-1) @ text.T
            ce = F.cross_entropy(logits, y)
            frozen = frozen_cls[:, idx].to(device)
            fr = torch.stack([F.cosine_similarity(cls.float(), frozen[j], dim=-1).mean()
                              for j, cls in enumerate(out.block_cls)]).mean()
            loss = ce + recipe.alpha * fr
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            n = len(idx)
            sums["loss"] += loss.item() * n
            sums["ce"] += ce.item() * n
            sums["fr"] += fr.item() * n
            sums["correct"] += int((logits.argmax(1) == y).sum())
        n_all = shots
        epoch_metrics = {"loss": sums["loss"] / n_all, "ce": sums["ce"] / n_all, "fr": sums["fr"] / n_all,
                         "train_accuracy": sums["correct"] / n_all}
        history.append(epoch_metrics)
        progress.report(epoch + 1, recipe.epochs, Message(
            "prompts.pass", epoch=epoch + 1, epochs=recipe.epochs, accuracy=epoch_metrics["train_accuracy"],
            loss=epoch_metrics["loss"], ce=epoch_metrics["ce"], fr=epoch_metrics["fr"]))
        if epoch_end is not None and epoch_end(epoch + 1, prompts.detach(), epoch_metrics):
            break  # stopped early, e.g. by held-out shots (station.prompts.selection)
    final = history[-1] if history else {}
    metrics = {**final, "seconds": round(time.monotonic() - started, 1), "shots": shots, "epochs_run": len(history),
               "tuned_parameters": int(prompts.numel()),
               "share_of_clip_parameters": prompts.numel() / sum(p.numel() for p in model.parameters())}
    return prompts.detach().cpu(), metrics
