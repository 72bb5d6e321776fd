"""Held-out accuracy of the demo models, per part family.

A station inspects one part family, so its classes are that family's
conditions: the headline figure restricts each prediction to the conditions of
the image's own family. The 15-way figure (all families at once) is reported too.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..models.clip_store import class_text_embeddings, tokenizer
from ..models.preprocess import to_model_input
from ..catalog import ALL_CLASSES, PartClass


@torch.no_grad()
def _scores(encode, images: np.ndarray, size: int, batch: int = 256) -> torch.Tensor:
    return torch.cat(
        [encode(to_model_input(images[i : i + batch], size=size)) for i in range(0, len(images), batch)]
    )


def _per_family(scores: torch.Tensor, labels: np.ndarray, classes: tuple[PartClass, ...]) -> dict:
    labels_t = torch.as_tensor(labels)
    result = {f"all_{len(classes)}way": float((scores.argmax(1) == labels_t).float().mean())}
    for key in dict.fromkeys(c.family.key for c in classes):
        idx = [i for i, c in enumerate(classes) if c.family.key == key]
        rows = torch.isin(labels_t, torch.tensor(idx))
        if rows.any():
            pred = torch.tensor(idx)[scores[rows][:, idx].argmax(1)]
            result[key] = float((pred == labels_t[rows]).float().mean())
    return result


def family_mean(accuracy: dict, families) -> float:
    """The mean of per-family figures (`_per_family`), each family counted once whatever its frames."""
    return sum(accuracy[k] for k in families) / len(families)


def clip_zero_shot_accuracy(model, images: np.ndarray, labels: np.ndarray, context_length: int, size: int,
                            classes: tuple[PartClass, ...] = ALL_CLASSES) -> dict:
    """`labels` index `classes`; each class is named by its prompt texts (a family the model never saw too)."""
    model.eval()
    tok = tokenizer(context_length)
    text = class_text_embeddings(model, tok, [part.prompt_texts() for part in classes])
    scores = _scores(lambda x: F.normalize(model.encode_image(x), dim=-1) @ text.T, images, size)
    return _per_family(scores, labels, classes)


def classifier_accuracy(model: torch.nn.Module, images: np.ndarray, labels: np.ndarray, size: int,
                        classes: tuple[PartClass, ...] = ALL_CLASSES) -> dict:
    model.eval()
    return _per_family(_scores(model, images, size), labels, classes)
