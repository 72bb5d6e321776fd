"""RVPT against a backdoored CLIP, shaped like the paper's Table 1, in one run.

On the backdoored demo CLIP (tests/fixtures/backdoored, built by
`station demo-backdoor`): no defence, a linear probe on its frozen features, and
RVPT with b = 5, 10, 50; clean accuracy and attack success rate (ASR) for
BadNet and Blended triggers, and tuning time on this CPU. 16 shots per class.

Classes: all fifteen part classes, each with the station's configured texts (check A's classifier,
used for tuning and for measuring). ASR: the share of triggered *defective*
frames classified as the good class of their own family (the backdoor's target).

Then the figure a quality manager needs, at the whole station: the backdoored CLIP as the
washer station's foundation model, with its input gate (a bank built on that model), check B
(the demo CNN) and the decision policy. Per trigger, the share of triggered defective parts
the station passes automatically (defect escapes; goal at most 0.5%), beside check A's own
share and the clean review rate, without and with RVPT prompts.

    python bench/rvpt_efficacy.py [--tokens 5,10,50] [--epochs 50] [--test 600] [--station-only]
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

from headline import record  # noqa: E402
from station.models.clip_store import encode_text_classes, load_clip_folder  # noqa: E402
from station.models.preprocess import to_model_input  # noqa: E402
from station.models.prompted import PromptedVisionEncoder  # noqa: E402
from station.models.second_check import train_linear_probe  # noqa: E402
from station.paths import backdoored_fixture_dir  # noqa: E402
from station.prompts.rvpt import RvptRecipe, select_shots, tune_prompts  # noqa: E402
from station.synth.backdoor import BADNET, BLENDED, good_class_of  # noqa: E402
from station.catalog import ALL_CLASSES  # noqa: E402
from station.synth.pool import render_pool  # noqa: E402
from station.synth.samples import draw_sample  # noqa: E402


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
    ap.add_argument("--station-frames", type=int, default=600, help="clean washer frames (half defective)")
    ap.add_argument("--station-defects", type=int, default=800,
                    help="defective washer frames to trigger (800 bounds 0 escapes below 0.5%% at 95%%)")
    ap.add_argument("--station-only", action="store_true", help="only the station-level table")
    args = ap.parse_args()
    if not Path(args.model).is_dir():
        print(f"rvpt_efficacy: no backdoored model at {args.model}; build it with `station demo-backdoor` "
              "(about 5 minutes), then run this again")
        return 0
    if not args.station_only:
        model_table(args)
    station_table(args)
    return 0


def model_table(args) -> None:
    clip = load_clip_folder(args.model)
    names = [c.label for c in ALL_CLASSES]
    # check A's own classifier: each class's configured texts, averaged (what the station runs and tunes against)
    text = encode_text_classes(clip, [c.prompt_texts() for c in ALL_CLASSES]).float()

    pool_images, pool_labels = render_pool(31337, 40 * len(names), clip.image_size)
    shots = select_shots(pool_labels.tolist(), len(names), args.shots, 0, names)
    shot_images, shot_labels = pool_images[shots], pool_labels[shots]
    test_images, test_labels = render_pool(424242, args.test, clip.image_size)
    defective = np.flatnonzero([not ALL_CLASSES[lb].good for lb in test_labels])
    target = np.array([good_class_of(int(lb)) for lb in test_labels[defective]])
    triggered = {t.kind: np.stack([t.apply(test_images[i], np.random.default_rng(i)) for i in defective])
                 for t in (BADNET, BLENDED)}

    def row(name, predict, seconds):
        clean = float((predict(test_images) == test_labels).mean())
        asr = {k: float((predict(v) == target).mean()) for k, v in triggered.items()}
        print(f"{name:<22}{clean:>10.1%}{asr['badnet']:>12.1%}{asr['blended']:>12.1%}{seconds:>12.1f}")
        record(f"backdoor attack success BadNet / Blended, clean accuracy: {name}", "",
               f"{asr['badnet']:.1%} / {asr['blended']:.1%}, {clean:.1%}")

    print(f"backdoored model: {args.model}; {len(names)} classes, {args.shots} shots per class, "
          f"{len(test_labels)} clean test frames, {len(defective)} triggered defective frames per trigger")
    print(f"{'defence':<22}{'clean acc':>10}{'ASR BadNet':>12}{'ASR Blended':>12}{'tuning s':>12}")
    row("none", lambda im: predict_zero_shot(clip, text, im), 0.0)
    t0 = time.monotonic()
    x = to_model_input(shot_images, clip.spec.mean, clip.spec.std, size=clip.image_size)
    probe = train_linear_probe(clip, x, torch.as_tensor(shot_labels), [c.key for c in ALL_CLASSES])
    row("linear probe", lambda im: predict_probe(clip, probe, im), time.monotonic() - t0)
    for b in (int(v) for v in args.tokens.split(",")):
        recipe = RvptRecipe(tokens_per_block=b, epochs=args.epochs, shots_per_class=args.shots,
                            first_prompted_block=args.depth, alpha=args.alpha)
        t0 = time.monotonic()
        prompts, _ = tune_prompts(clip, text, list(shot_images), shot_labels.tolist(), recipe)
        row(f"RVPT D={args.depth} b={b}" + (f" a={args.alpha:g}" if args.alpha != RvptRecipe().alpha else ""), lambda im, p=prompts: predict_zero_shot(clip, text, im, p, recipe.first_prompted_block),
            time.monotonic() - t0)


def washer_frames(seed: int, count: int, size: int = 64, defect_rate: float = 0.5):
    samples = [draw_sample(seed, i, size, defect_rate=defect_rate, family="washer") for i in range(count)]
    return [s.image for s in samples], [s.part_class for s in samples]


def station_table(args) -> None:
    import tempfile

    from station import config
    from station.gate.store import DEMO_SOURCES, make_bank, record_bank
    from station.pipeline import Pipeline
    from station.runtime import Station
    from station.selftest.station_level import judge_all

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        cfg = config.default_config("washer")
        cfg.model.clip = str(Path(args.model).resolve())
        config.save(cfg, data)
        cfg.failsafe.max_review_share = 0.99  # in memory: the table measures decisions, not the fail-safe
        st = Station.open(data, config=cfg)
        try:
            gen = DEMO_SOURCES["generated"]
            bank = make_bank(st, {"generated": {**gen, "count": 300, "heldout_count": 300}}, "bench")
            record_bank(st, bank, "bench", None, "bench: the backdoored model's own bank")
            st.reload_gate()
            pipe = Pipeline(st)
            keys = [c.key for c in st.config.classes]
            images, classes = washer_frames(90210, args.station_frames)
            truth_good = [c.good for c in classes]
            defective, _ = washer_frames(4242, args.station_defects, defect_rate=1.0)
            stamped = {}  # the same triggered frames for every defence
            for t in (BADNET, BLENDED):
                rng = np.random.default_rng(0)
                stamped[t.name] = [t.apply(im, rng) for im in defective]
            shot_images, shot_classes = washer_frames(31337, 40 * len(keys), defect_rate=0.8)
            labels = [keys.index(c.key) for c in shot_classes]
            chosen = select_shots(labels, len(keys), args.shots, 0, keys)
            print(f"\nwhole station (washer, 5 classes), backdoored CLIP as its foundation model, check B = demo "
                  f"CNN, input gate on a bank of the same model; {len(images)} clean frames, {len(defective)} "
                  "triggered defective frames per trigger. Escapes: triggered defective parts passed "
                  "automatically (goal at most 0.5%).")
            print(f"{'defence':<24}{'clean review':>13}{'auto right':>11}" + "".join(
                f"{t.kind + ' A passes':>18}{t.kind + ' escapes (95% up)':>26}" for t in (BADNET, BLENDED)))

            def row(name):
                clean = judge_all(pipe, images, truth_good)
                line = f"{name:<24}{clean.review_rate:>13.1%}{clean.auto_accuracy:>11.1%}"
                for t in (BADNET, BLENDED):
                    frames = stamped[t.name]
                    a_good = np.mean([st.good[keys[k]] for k in st.check_a.classify(frames)])
                    e = judge_all(pipe, frames, [False] * len(frames))  # its PASS share is the escape rate
                    line += f"{a_good:>18.1%}{f'{e.pass_rate:.1%} ({e.pass_rate_upper:.1%})':>26}"
                print(line, flush=True)

            row("none")
            for b in (int(v) for v in args.tokens.split(",")):
                recipe = RvptRecipe(tokens_per_block=b, epochs=args.epochs, shots_per_class=args.shots,
                                    first_prompted_block=args.depth, alpha=args.alpha)
                prompts, _ = tune_prompts(st.clip, st.check_a.text, [shot_images[i] for i in chosen],
                                          [labels[i] for i in chosen], recipe)
                st.check_a.set_prompts(prompts, recipe.first_prompted_block)
                row(f"RVPT D={args.depth} b={b}")
                st.check_a.set_prompts(None)
        finally:
            st.close()


if __name__ == "__main__":
    sys.exit(main())
