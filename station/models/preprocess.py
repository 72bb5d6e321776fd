"""Frame -> model input: one implementation for training, evaluation and the station."""

from __future__ import annotations

import numpy as np
import torch

from .resize import resize_square, shrink  # noqa: F401  (one implementation, also for torch-free callers)

OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)


def to_model_input(images, mean=OPENAI_MEAN, std=OPENAI_STD, size: int | None = None) -> torch.Tensor:
    """uint8 N x H x W x 3 (array, tensor or list of frames) -> normalised float N x 3 x S x S."""
    if size is not None:
        images = np.stack([resize_square(np.asarray(im), size) for im in images])
    x = torch.as_tensor(np.asarray(images) if not isinstance(images, torch.Tensor) else images)
    x = x.permute(0, 3, 1, 2).float().div_(255.0)
    return (x - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)


def _resized_side(h: int, w: int, size: int) -> tuple[float, int, int]:
    scale = size / min(h, w)
    return scale, max(size, round(h * scale)), max(size, round(w * scale))


def whole_factor(h: int, w: int, size: int) -> int | None:
    """k when the station's resize of an h x w frame to `size` averages whole k x k blocks (a centre crop then
    follows), else None."""
    scale, nh, nw = _resized_side(h, w, size)
    if scale < 1 and h % nh == 0 and w % nw == 0 and h // nh == w // nw:
        return h // nh
    return None


def centre_square(x: torch.Tensor, size: int) -> torch.Tensor:
    """The centre `size` x `size` of N x C x H x W, as `resize_square` crops."""
    h, w = x.shape[-2:]
    top, left = (h - size) // 2, (w - size) // 2
    return x[..., top : top + size, left : left + size]


def resize_square_torch(x: torch.Tensor, size: int) -> torch.Tensor:
    """`resize_square` for N x 3 x H x W floats, differentiable: the same centre square, area averaging
    down (what cv2's INTER_AREA does for whole-number factors) and bicubic up. Self-tests use it to craft a
    perturbation on the camera frame that survives the station's own resize."""
    import torch.nn.functional as F

    h, w = x.shape[-2:]
    if (h, w) == (size, size):
        return x
    scale, nh, nw = _resized_side(h, w, size)
    if k := whole_factor(h, w, size):  # the same averages as the area resize, bit for bit, and faster both ways
        resized = F.avg_pool2d(x, k)
    elif scale < 1:
        resized = F.interpolate(x, size=(nh, nw), mode="area")
    else:
        resized = F.interpolate(x, size=(nh, nw), mode="bicubic", align_corners=False)
    return centre_square(resized, size)
