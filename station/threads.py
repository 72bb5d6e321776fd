"""How many threads torch computes the checks with: chosen by the station, not left to chance.

torch's default takes every core for each matrix product, so on a small panel PC the capture thread,
the image writer and the window wait for it, frames queue up, and a frame's latency becomes mostly
waiting. Half the cores leaves the other half to them (measured with `python bench/threads.py`).
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

import torch

log = logging.getLogger(__name__)


CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "<quota> <period>" in microseconds, or "max <period>"


def cores() -> int:
    """The cores this process may use: its CPU affinity (a cpuset such as docker --cpuset-cpus or systemd's
    AllowedCPUs=), and fewer under a CPU quota (docker --cpus, systemd's CPUQuota=), not the machine's."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        n = os.cpu_count() or 1
    quota = _quota_cores()
    return min(n, quota) if quota else n


def _quota_cores() -> int | None:
    try:
        quota, period = CPU_MAX.read_text(encoding="ascii").split()[:2]
        return None if quota == "max" else max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):  # no cgroup v2 file (cgroup v1, not Linux) or one not as documented
        return None


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
