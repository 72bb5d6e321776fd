"""Held-out accuracy of the demo models, per part family.

A station inspects one part family, so its classes are that family's
conditions: the headline figure restricts each prediction to the conditions of
the image's own family. The 15-way figure (all families at once) is reported too.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from open_clip.tokenizer import SimpleTokenizer

from ..models.clip_store import class_text_embeddings
from ..models.preprocess import to_model_input
from ..catalog import ALL_CLASSES, FAMILIES


@torch.no_grad()
def _scores(encode, images: np.ndarray, size: int, batch: int = 256) -> torch.Tensor:
    return torch.cat(
        [encode(to_model_input(images[i : i + batch], size=size)) for i in range(0, len(images), batch)]
    )


def _per_family(scores: torch.Tensor, labels: np.ndarray) -> dict:
    labels_t = torch.as_tensor(labels)
    result = {"all_15way": float((scores.argmax(1) == labels_t).float().mean())}
    for fam in FAMILIES:
        idx = [i for i, c in enumerate(ALL_CLASSES) if c.family.key == fam.key]
        rows = torch.isin(labels_t, torch.tensor(idx))
        if rows.any():
            pred = torch.tensor(idx)[scores[rows][:, idx].argmax(1)]
            result[fam.key] = float((pred == labels_t[rows]).float().mean())
    return result


def clip_zero_shot_accuracy(model, images: np.ndarray, labels: np.ndarray, context_length: int, size: int) -> dict:
    model.eval()
    tokenizer = SimpleTokenizer(context_length=context_length)
    text = class_text_embeddings(model, tokenizer, [part.prompt_texts() for part in ALL_CLASSES])
    scores = _scores(lambda x: F.normalize(model.encode_image(x), dim=-1) @ text.T, images, size)
    return _per_family(scores, labels)


def classifier_accuracy(model: torch.nn.Module, images: np.ndarray, labels: np.ndarray, size: int) -> dict:
    model.eval()
    return _per_family(_scores(model, images, size), labels)
