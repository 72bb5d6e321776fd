"""RVPT against a backdoored CLIP, shaped like the paper's Table 1, in one run.

On the backdoored demo CLIP (tests/fixtures/backdoored, built by
`station demo-backdoor`): no defence, a linear probe on its frozen features, and
RVPT with b = 5, 10, 50; clean accuracy and attack success rate (ASR) for
BadNet and Blended triggers, and tuning time on this CPU. 16 shots per class.

Classes: all fifteen part classes. ASR: the share of triggered *defective*
frames classified as the good class of their own family (the backdoor's target).

    python bench/rvpt_efficacy.py [--tokens 5,10,50] [--epochs 50] [--test 600]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from station.models.clip_store import encode_text_classes, load_clip_folder  # noqa: E402
from station.models.preprocess import to_model_input  # noqa: E402
from station.models.prompted import PromptedVisionEncoder  # noqa: E402
from station.models.second_check import train_linear_probe  # noqa: E402
from station.paths import backdoored_fixture_dir  # noqa: E402
from station.prompts.rvpt import RvptRecipe, class_prompt_text, select_shots, tune_prompts  # noqa: E402
from station.synth.backdoor import BADNET, BLENDED, good_class_of  # noqa: E402
from station.synth.catalog import ALL_CLASSES  # noqa: E402
from station.synth.pool import render_pool  # noqa: E402


def predict_zero_shot(clip, text, images, prompts=None, depth=3) -> np.ndarray:
    enc = PromptedVisionEncoder(clip.model.visual, prompts, depth)
    scale = float(clip.model.logit_scale.exp())
    out = []
    with torch.inference_mode():
        for i in range(0, len(images), 128):
            x = to_model_input(images[i : i + 128], clip.spec.mean, clip.spec.std, size=clip.image_size)
            out.append((scale * F.normalize(enc(x).embedding.float(), dim=-1) @ text.T).argmax(1))
    return torch.cat(out).numpy()


def predict_probe(clip, probe, images) -> np.ndarray:
    enc = PromptedVisionEncoder(clip.model.visual)
    with torch.inference_mode():
        x = to_model_input(images, clip.spec.mean, clip.spec.std, size=clip.image_size)
        feats = F.normalize(enc(x).embedding.float(), dim=-1)
        return (feats @ probe.weight.T + probe.bias).argmax(1).numpy()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(backdoored_fixture_dir() / "clip"))
    ap.add_argument("--tokens", default="5,10,50")
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--depth", type=int, default=RvptRecipe().first_prompted_block, help="first prompted block D")
    ap.add_argument("--alpha", type=float, default=RvptRecipe().alpha, help="weight of the feature-repelling loss")
    ap.add_argument("--shots", type=int, default=16)
    ap.add_argument("--test", type=int, default=600)
    args = ap.parse_args()
    if not Path(args.model).is_dir():
        print(f"rvpt_efficacy: no backdoored model at {args.model}; build it with `station demo-backdoor` "
              "(about 5 minutes), then run this again")
        return 0
    clip = load_clip_folder(args.model)
    names = [c.label for c in ALL_CLASSES]
    text = encode_text_classes(clip, [[class_prompt_text(n)] for n in names]).float()

    pool_images, pool_labels = render_pool(31337, 40 * len(names), 64)
    shots = select_shots(pool_labels.tolist(), len(names), args.shots, 0, names)
    shot_images, shot_labels = pool_images[shots], pool_labels[shots]
    test_images, test_labels = render_pool(424242, args.test, 64)
    defective = np.flatnonzero([not ALL_CLASSES[lb].good for lb in test_labels])
    target = np.array([good_class_of(int(lb)) for lb in test_labels[defective]])
    triggered = {t.kind: np.stack([t.apply(test_images[i], np.random.default_rng(i)) for i in defective])
                 for t in (BADNET, BLENDED)}

    def row(name, predict, seconds):
        clean = float((predict(test_images) == test_labels).mean())
        asr = {k: float((predict(v) == target).mean()) for k, v in triggered.items()}
        print(f"{name:<22}{clean:>10.1%}{asr['badnet']:>12.1%}{asr['blended']:>12.1%}{seconds:>12.1f}")

    print(f"backdoored model: {args.model}; {len(names)} classes, {args.shots} shots per class, "
          f"{len(test_labels)} clean test frames, {len(defective)} triggered defective frames per trigger")
    print(f"{'defence':<22}{'clean acc':>10}{'ASR BadNet':>12}{'ASR Blended':>12}{'tuning s':>12}")
    row("none", lambda im: predict_zero_shot(clip, text, im), 0.0)
    t0 = time.monotonic()
    x = to_model_input(shot_images, clip.spec.mean, clip.spec.std)
    probe = train_linear_probe(clip, x, torch.as_tensor(shot_labels), [c.key for c in ALL_CLASSES])
    row("linear probe", lambda im: predict_probe(clip, probe, im), time.monotonic() - t0)
    for b in (int(v) for v in args.tokens.split(",")):
        recipe = RvptRecipe(tokens_per_block=b, epochs=args.epochs, shots_per_class=args.shots,
                            first_prompted_block=args.depth, alpha=args.alpha)
        t0 = time.monotonic()
        prompts, _ = tune_prompts(clip, names, list(shot_images), shot_labels.tolist(), recipe)
        row(f"RVPT D={args.depth} b={b}" + (f" a={args.alpha:g}" if args.alpha != RvptRecipe().alpha else ""), lambda im, p=prompts: predict_zero_shot(clip, text, im, p, recipe.first_prompted_block),
            time.monotonic() - t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
