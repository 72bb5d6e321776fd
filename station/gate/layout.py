"""Where a frame's edges are: the plain image signal of the input gate."""

from __future__ import annotations

import cv2
import numpy as np

GRID = 8  # cells per side
WORK_SIZE = 64  # frames are reduced to this before the edges are measured


def edge_layout(image: np.ndarray) -> np.ndarray:
    """RGB uint8 frame -> GRID*GRID edge energy per cell, unit length (float32).

    Contrast and brightness cancel out; what is left is the shape of the scene. A fixtured part gives
    the same layout frame after frame; a blank frame gives sensor noise spread evenly; a part half
    out of view puts its edges at one side.
    """
    small = cv2.resize(image, (WORK_SIZE, WORK_SIZE), interpolation=cv2.INTER_AREA).astype(np.float32)
    gray = cv2.GaussianBlur(small.mean(axis=2), (0, 0), 1.0)
    magnitude = np.hypot(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))
    cells = cv2.resize(magnitude, (GRID, GRID), interpolation=cv2.INTER_AREA).ravel()
    return (cells / (np.linalg.norm(cells) + 1e-6)).astype(np.float32)


def edge_layouts(images) -> np.ndarray:
    return np.stack([edge_layout(im) for im in images]) if len(images) else np.zeros((0, GRID * GRID), np.float32)
