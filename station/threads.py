"""How many threads torch computes the checks with: chosen by the station, not left to chance.

torch's default takes every core for each matrix product, so on a small panel PC the capture thread,
the image writer and the window wait for it, frames queue up, and a frame's latency becomes mostly
waiting. Half the cores leaves the other half to them (measured with `python bench/threads.py`).
"""

from __future__ import annotations

import logging
import os

import torch

log = logging.getLogger(__name__)


def cores() -> int:
    """The cores this process may run on: its CPU affinity (a cpuset such as docker --cpuset-cpus or systemd's
    AllowedCPUs=), not the machine's. A CPU quota (docker --cpus, systemd's CPUQuota=) is not seen here: under
    one, set `[model] threads`."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def chosen(setting: int) -> int:
    """`[model] threads`, or for 0: OMP_NUM_THREADS when set, else half the cores (at least one)."""
    if setting > 0:
        return setting
    env = os.environ.get("OMP_NUM_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, cores() // 2)


def apply(setting: int) -> int:
    """Set torch's intra-op threads for this process; returns how many."""
    n = chosen(setting)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    log.info("checks compute with %d thread(s) of %d core(s)", n, cores())
    return n
