"""Render many samples once, on every core, into one array for training."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ..progress import QUIET, Progress
from ..catalog import TRAINED_KEYS
from .samples import draw_batch

_CHUNK = 256


def _render_chunk(args: tuple[int, int, int, int, tuple[str, ...]]):
    seed, start, count, size, families = args
    images, labels, _ = draw_batch(seed, start, count, size, families)
    return images, labels


def render_pool(seed: int, count: int, size: int, workers: int | None = None, progress: Progress = QUIET,
                what: str = "render", families: tuple[str, ...] = TRAINED_KEYS):
    """(images N x H x W x 3 uint8, labels N): samples 0..count-1 of stream `seed`, labels indexing
    `catalog.classes_of(families)` (the bundled models' ALL_CLASSES by default).

    The result depends only on (seed, count, size, families), never on the number of workers.
    """
    workers = workers or os.cpu_count() or 1
    jobs = [(seed, s, min(_CHUNK, count - s), size, tuple(families)) for s in range(0, count, _CHUNK)]
    images = np.empty((count, size, size, 3), np.uint8)
    labels = np.empty(count, np.int64)
    if workers == 1 or len(jobs) == 1:
        results = map(_render_chunk, jobs)
    else:
        pool = ProcessPoolExecutor(workers)
        results = pool.map(_render_chunk, jobs)
    done = 0
    for (_, start, n, _, _), (im, lb) in zip(jobs, results):
        images[start : start + n], labels[start : start + n] = im, lb
        done += n
        progress.report(done, count, what)
    if workers > 1 and len(jobs) > 1:
        pool.shutdown()
    return images, labels
