"""PRM attack throughput: the station's batched attack against the official procedure, in one run.

The official script attacks one image at a time and reloads the model for every
image. Both variants here use the same model file, settings and images; the
figure is images per second and their ratio. For the demo model and a
random-init ViT-B-32 (with fewer iterations, to keep the run short on a CPU).

    python bench/prm_throughput.py [--images 16] [--batch 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import open_clip
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from station.models.clip_store import ClipSpec, load_clip_checkpoint, load_clip_folder  # noqa: E402
from station.models.prompted import PromptedVisionEncoder  # noqa: E402
from station.paths import demo_models_dir  # noqa: E402
from station.selftest.prm import PrmSettings, prm_attack  # noqa: E402
from station.synth.samples import draw_sample  # noqa: E402


def frames(n: int, size: int) -> torch.Tensor:
    return torch.from_numpy(np.stack([draw_sample(5, i, size).image for i in range(n)])).permute(0, 3, 1, 2).float() / 255


def official(load, images: torch.Tensor, settings: PrmSettings) -> float:
    t0 = time.perf_counter()
    for i in range(len(images)):
        clip = load()  # the official script reloads the model for every image
        prm_attack(PromptedVisionEncoder(clip.model.visual), images[i : i + 1], clip.spec.mean, clip.spec.std, settings)
    return len(images) / (time.perf_counter() - t0)


def batched(load, images: torch.Tensor, settings: PrmSettings, batch: int) -> float:
    t0 = time.perf_counter()
    clip = load()
    enc = PromptedVisionEncoder(clip.model.visual)
    for i in range(0, len(images), batch):
        prm_attack(enc, images[i : i + batch], clip.spec.mean, clip.spec.std, settings)
    return len(images) / (time.perf_counter() - t0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=16)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--demo-iters", type=int, default=250)
    ap.add_argument("--vit-iters", type=int, default=10)
    ap.add_argument("--vit-images", type=int, default=8)
    args = ap.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{'model':<10}{'iters':>6}{'images':>7}{'official img/s':>16}{'batched img/s':>15}{'ratio':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("demo", lambda: load_clip_folder(demo_models_dir() / "clip"), frames(args.images, 256),
                  args.demo_iters)]
        torch.manual_seed(0)
        ckpt = Path(tmp) / "vit-b-32.pt"
        torch.save(open_clip.create_model("ViT-B-32").state_dict(), ckpt)
        cases.append(("ViT-B-32", lambda: load_clip_checkpoint(ckpt, ClipSpec("ViT-B-32")), frames(args.vit_images, 224),
                      args.vit_iters))
        for name, load, images, iters in cases:
            settings = PrmSettings(iterations=iters)
            slow = official(load, images, settings)
            fast = batched(load, images, settings, args.batch)
            print(f"{name:<10}{iters:>6}{len(images):>7}{slow:>16.3f}{fast:>15.3f}{fast / slow:>7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
