"""PRM attack throughput: the station's batched attack against the official procedure, in one run.

The official script attacks one image at a time, reloads the model for every image and
recomputes the clean image's features every iteration. Both variants here use the same model
file, settings and images, at the thread count the station would choose. The figure is images
a second of this process's CPU time (and of wall time, in brackets) and their ratio, in rounds
that alternate the two (each round: one batch's images the official way, then the same images
as one batch); the ratio's range over rounds is printed. "bound" is the ratio, in CPU time, the
batched attack would reach if the clean images' features cost nothing (its CPU time less theirs):
no keeping of them can go past it. For the demo model in both threat
modes (input: the image the encoder sees, 64 px; frame: the 256 px camera frame through the
station's resize) and a random-init ViT-B-32 at its 224 px input (with fewer iterations, to
keep the run short on a CPU).

    python bench/prm_throughput.py [--batch 16] [--rounds 2] [--models demo,vit] [--vit-iters 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import open_clip
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from headline import record  # noqa: E402
from station import threads  # noqa: E402
from station.models.clip_store import ClipSpec, load_clip_checkpoint, load_clip_folder  # noqa: E402
from station.models.preprocess import resize_square  # noqa: E402
from station.models.prompted import PromptedVisionEncoder  # noqa: E402
from station.paths import demo_models_dir  # noqa: E402
from station.selftest import prm  # noqa: E402
from station.selftest.prm import PrmSettings, prm_attack  # noqa: E402
from station.synth.samples import draw_sample  # noqa: E402


def frames(n: int, size: int) -> torch.Tensor:
    return torch.from_numpy(np.stack([draw_sample(5, i, size).image for i in range(n)])).permute(0, 3, 1, 2).float() / 255


def rates(work, n: int) -> tuple[float, float]:
    """Images a second of wall time and of this process's CPU time (the fairer clock on a busy machine: time
    spent waiting for another process's turn on a core is not counted)."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return n / (time.perf_counter() - wall), n / (time.process_time() - cpu)


def official(load, images: torch.Tensor, settings: PrmSettings, resize_to=None) -> tuple[float, float]:
    def work():
        for i in range(len(images)):
            clip = load()  # the official script reloads the model for every image
            prm_attack(PromptedVisionEncoder(clip.model.visual), images[i : i + 1], clip.spec.mean, clip.spec.std,
                       settings, resize_to=resize_to, keep_clean_features=False)
    return rates(work, len(images))


def batched(load, images: torch.Tensor, settings: PrmSettings, resize_to=None) -> tuple[float, float, float]:
    """Images a second of wall and CPU time, and of CPU time less the clean images' features (the bound on what
    keeping more of them could give: the perturbed images' own passes are left)."""
    clean_cpu = 0.0

    def features(*args):
        nonlocal clean_cpu
        if torch.is_grad_enabled():  # the perturbed image's, which the attack differentiates
            return plain_features(*args)
        started = time.process_time()
        try:
            return plain_features(*args)
        finally:
            clean_cpu += time.process_time() - started

    def work():
        clip = load()
        prm_attack(PromptedVisionEncoder(clip.model.visual), images, clip.spec.mean, clip.spec.std, settings,
                   resize_to=resize_to)

    plain_features = prm.prm_features
    prm.prm_features = features
    try:
        wall, cpu = rates(work, len(images))
    finally:
        prm.prm_features = plain_features
    return wall, cpu, len(images) / (len(images) / cpu - clean_cpu)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=16, help="images a round (one batch)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--demo-iters", type=int, default=250)
    ap.add_argument("--vit-iters", type=int, default=10, help="250 is the attack's own; minutes a round on a CPU")
    ap.add_argument("--models", default="demo,vit", help="which of demo (both modes) and vit (ViT-B-32) to measure")
    args = ap.parse_args()
    models = set(args.models.split(","))
    if models - {"demo", "vit"}:
        ap.error("--models takes demo, vit or demo,vit")
    threads.apply(0)  # as many as the station computes its self-tests with
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s) (the station's choice); batch {args.batch}, "
          f"{args.rounds} round(s); images a second of CPU time (of wall time in brackets)")
    print(f"{'model':<10}{'mode':<7}{'iters':>6}{'official img/s':>22}{'batched img/s':>22}{'ratio':>15}"
          f"{'range':>13}{'bound':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        demo = lambda: load_clip_folder(demo_models_dir() / "clip")  # noqa: E731
        camera = frames(args.batch, 256)
        size = demo().image_size  # the encoder's input
        station_input = torch.stack([torch.from_numpy(resize_square(im, size)) for im in
                                     (camera * 255).round().byte().permute(0, 2, 3, 1).numpy()]).permute(0, 3, 1, 2).float() / 255
        cases = [("demo", "input", demo, station_input, args.demo_iters, None),
                 ("demo", "frame", demo, camera, args.demo_iters, size)] if "demo" in models else []
        if "vit" in models:
            torch.manual_seed(0)
            ckpt = Path(tmp) / "vit-b-32.pt"
            torch.save(open_clip.create_model("ViT-B-32").state_dict(), ckpt)
            cases.append(("ViT-B-32", "input", lambda: load_clip_checkpoint(ckpt, ClipSpec("ViT-B-32")),
                          frames(args.batch, 224), args.vit_iters, None))
        for name, mode, load, images, iters, resize_to in cases:
            settings = PrmSettings(iterations=iters)
            rounds = [(official(load, images, settings, resize_to), batched(load, images, settings, resize_to))
                      for _ in range(args.rounds)]
            slow_wall, slow, fast_wall, fast = (statistics.median(r[k][c] for r in rounds)
                                                for k, c in ((0, 0), (0, 1), (1, 0), (1, 1)))
            ratios = [f[1] / s[1] for s, f in rounds]
            ratio = statistics.median(ratios)
            wall_ratio = statistics.median(f[0] / s[0] for s, f in rounds)
            bound = statistics.median(f[2] / s[1] for s, f in rounds)  # with every clean feature free (CPU time)
            print(f"{name:<10}{mode:<7}{iters:>6}{slow:>12.3f} ({slow_wall:.3f}){fast:>12.3f} ({fast_wall:.3f})"
                  f"{ratio:>7.2f}x ({wall_ratio:.2f}x){f'{min(ratios):.2f}-{max(ratios):.2f}':>13}{bound:>7.2f}x",
                  flush=True)
            # CPU time is the fair clock at one thread; with more, OpenMP's waiting threads spin and count in it
            headline, clock = (ratio, "CPU") if torch.get_num_threads() == 1 else (wall_ratio, "wall")
            record(f"PRM batched over the official procedure, {name} {mode} mode, batch {args.batch} ({clock} time)",
                   ">= 3x", f"{headline:.2f}x", headline >= 3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
