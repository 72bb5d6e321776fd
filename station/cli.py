"""The `station` command. Every subcommand calls the same functions the GUI and tests call."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from . import __version__
from .paths import default_data_dir, demo_models_dir


class CliError(Exception):
    """A problem the person at the keyboard can fix; printed without a traceback."""


def _progress_printer(quiet: bool = False):
    last = {"stage": None, "t": 0.0}

    def report(stage: str, done: int, total: int, metrics: dict) -> None:
        if quiet:
            return
        now = time.monotonic()
        if stage == last["stage"] and done < total and now - last["t"] < 2.0:
            return
        last.update(stage=stage, t=now)
        extra = " ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in metrics.items())
        print(f"  {stage:<22} {done:>7}/{total:<7} {100 * done / max(total, 1):5.1f}%  {extra}", file=sys.stderr, flush=True)

    return report


# ----------------------------------------------------------------- demo models

def _demo_recipe(args):
    from dataclasses import replace

    from .synth.train import DemoRecipe

    recipe = DemoRecipe(seed=args.seed)
    if args.quick:  # the recipe's code path at a size that runs in seconds
        recipe = replace(recipe, pool_size=1536, clip_epochs=1.0, cnn_epochs=1.0, clip_warmup=5,
                         vision_layers=2, text_layers=1, heldout_size=256)
    overrides = {k: getattr(args, k) for k in ("pool_size", "clip_epochs", "cnn_epochs") if getattr(args, k) is not None}
    return replace(recipe, **overrides)


def cmd_demo_train(args) -> int:
    from .synth.demo_train import train_demo_models

    recipe = _demo_recipe(args)
    print(f"Training the demo models into {args.out} (seed {recipe.seed}, {recipe.pool_size} images) ...", file=sys.stderr)
    manifest = train_demo_models(args.out, recipe, progress=_progress_printer(args.quiet))
    if args.json:
        print(json.dumps(manifest, indent=2))
    else:
        print(_metrics_table(manifest["heldout_metrics"]))
        print(f"training time: {manifest['training_seconds']['total']:.0f} s; written to {args.out}")
    return 0


def _metrics_table(metrics: dict) -> str:
    from .synth.catalog import FAMILIES

    lines = [f"{'held-out frames':<26}{'family':<16}{'CLIP zero-shot':>15}{'CNN':>8}"]
    for name, m in metrics.items():
        for fam in FAMILIES:
            lines.append(
                f"{name + ' (' + str(m['frame_size']) + ' px)':<26}{fam.name:<16}"
                f"{m['clip_zero_shot'][fam.key]:>14.1%}{m['cnn'][fam.key]:>8.1%}"
            )
    return "\n".join(lines)


def cmd_demo(args) -> int:
    """Until the live station exists: the demo models' results on freshly generated frames."""
    from .models.clip_store import load_clip_folder
    from .models.cnn_store import load_cnn_folder
    from .synth.evaluate import classifier_accuracy, clip_zero_shot_accuracy
    from .synth.pool import render_pool

    folder = Path(args.models)
    clip = load_clip_folder(folder / "clip")
    cnn = load_cnn_folder(folder / "cnn")
    seed = args.seed if args.seed is not None else int(time.time())
    print(f"Demo models from {folder} (CLIP sha256 {clip.sha256[:12]}, CNN sha256 {cnn.sha256[:12]})")
    print(f"Generating {args.frames} fresh frames (seed {seed}) ...")
    images, labels = render_pool(seed, args.frames, args.size)
    t0 = time.monotonic()
    metrics = {
        "fresh": {
            "clip_zero_shot": clip_zero_shot_accuracy(clip.model, images, labels, clip.context_length, clip.image_size),
            "cnn": classifier_accuracy(cnn.model, images, labels, clip.image_size),
            "frame_size": args.size,
        }
    }
    elapsed = time.monotonic() - t0
    print(_metrics_table(metrics))
    print(f"{args.frames} frames through both models in {elapsed:.1f} s ({args.frames / elapsed:.0f} frames/s)")
    return 0


# ----------------------------------------------------------------- synthetic data

def cmd_synth_sheet(args) -> int:
    from .synth.samples import contact_sheet

    path = contact_sheet(Path(args.out), seed=args.seed, size=args.size, per_class=args.per_class)
    print(f"contact sheet written to {path}")
    return 0


def cmd_synth_frames(args) -> int:
    """Write generated frames as PNG files, e.g. to feed a folder source."""
    import cv2

    from .synth.samples import draw_sample

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for i in range(args.count):
        s = draw_sample(args.seed, i, args.size, defect_rate=args.defect_rate, family=args.family)
        name = f"{i:05d}_{s.part_class.key.replace('/', '_')}.png"
        cv2.imwrite(str(out / name), cv2.cvtColor(s.image, cv2.COLOR_RGB2BGR))
    print(f"{args.count} frames written to {out}")
    return 0


# ----------------------------------------------------------------- models

def cmd_models_verify(args) -> int:
    from .models.files import verify_manifest

    manifest = verify_manifest(Path(args.folder))
    for name, sha in manifest["files"].items():
        print(f"ok  {sha}  {name}")
    return 0


def cmd_models_check(args) -> int:
    """Load a CLIP checkpoint or folder the way the station would, and report what it is."""
    from .models.clip_store import ClipSpec, load_clip_checkpoint, load_clip_folder

    path = Path(args.path)
    if path.is_dir():
        loaded = load_clip_folder(path)
    else:
        if not args.arch:
            raise CliError(f"{path} is a file: name its architecture with --arch (e.g. --arch ViT-B-32)")
        loaded = load_clip_checkpoint(path, ClipSpec(args.arch, quick_gelu=args.quick_gelu), sha256=args.sha256)
    params = sum(p.numel() for p in loaded.model.parameters())
    print(json.dumps({"path": str(loaded.path), "arch": loaded.spec.arch, "sha256": loaded.sha256,
                      "image_size": loaded.image_size, "parameters": params, "spec": loaded.spec.as_dict()}, indent=2))
    return 0


# ----------------------------------------------------------------- capture

def cmd_capture_check(args) -> int:
    """Read frames from a source and report what arrived: for setting up a camera."""
    from .capture import open_source

    options = {}
    if args.kind == "synthetic":
        options = {"seed": args.seed, "frames": args.frames}
    source = open_source(args.kind, args.target, **options)
    count, t0 = 0, time.monotonic()
    with source:
        for frame in source:
            count += 1
            if not args.quiet:
                print(f"frame {frame.index:>5}  {frame.image.shape[1]}x{frame.image.shape[0]}  {frame.origin}")
            if count >= args.frames:
                break
    elapsed = max(time.monotonic() - t0, 1e-9)
    print(f"{count} frames from {source.description} in {elapsed:.1f} s; "
          f"{sum(e.kind == 'skipped' for e in source.events)} skipped, {sum(e.kind == 'lost' for e in source.events)} losses")
    return 0


# ----------------------------------------------------------------- parser

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="station", description="Visual inspection station.")
    p.add_argument("--version", action="version", version=f"station {__version__}")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="where the station keeps its database and images (default: $STATION_DATA_DIR or the "
                        f"per-user data folder, now {default_data_dir()})")
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("demo", help="run the bundled demo models on freshly generated frames")
    d.add_argument("--models", default=str(demo_models_dir()), help="demo model folder")
    d.add_argument("--frames", type=int, default=600)
    d.add_argument("--size", type=int, default=256, help="frame size in pixels, as the simulated camera gives")
    d.add_argument("--seed", type=int, default=None, help="frame stream seed (default: the current time)")
    d.set_defaults(func=cmd_demo)

    t = sub.add_parser("demo-train", help="train the bundled demo models from a seed (CPU; about 40 min)")
    t.add_argument("--out", type=Path, default=demo_models_dir())
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--quick", action="store_true", help="a tiny run of the same recipe (under a minute)")
    t.add_argument("--pool-size", type=int, default=None, help="number of distinct training images")
    t.add_argument("--clip-epochs", type=float, default=None)
    t.add_argument("--cnn-epochs", type=float, default=None)
    t.add_argument("--json", action="store_true", help="print the manifest as JSON")
    t.add_argument("--quiet", action="store_true", help="no progress lines")
    t.set_defaults(func=cmd_demo_train)

    s = sub.add_parser("synth", help="generated part images").add_subparsers(dest="synth_command", metavar="ACTION", required=True)
    sh = s.add_parser("sheet", help="save a contact sheet of every class")
    sh.add_argument("--out", default="contact_sheet.png")
    sh.add_argument("--seed", type=int, default=0)
    sh.add_argument("--size", type=int, default=64)
    sh.add_argument("--per-class", type=int, default=8)
    sh.set_defaults(func=cmd_synth_sheet)
    fr = s.add_parser("frames", help="write generated frames as PNG files")
    fr.add_argument("out")
    fr.add_argument("--count", type=int, default=100)
    fr.add_argument("--seed", type=int, default=0)
    fr.add_argument("--size", type=int, default=256)
    fr.add_argument("--defect-rate", type=float, default=0.2)
    fr.add_argument("--family", default=None, help="washer, hex_nut or pcb_tile (default: all)")
    fr.set_defaults(func=cmd_synth_frames)

    m = sub.add_parser("models", help="local model files").add_subparsers(dest="models_command", metavar="ACTION", required=True)
    mv = m.add_parser("verify", help="check every file of a model folder against its manifest")
    mv.add_argument("folder")
    mv.set_defaults(func=cmd_models_verify)
    mc = m.add_parser("check", help="load a CLIP checkpoint file or model folder and describe it")
    mc.add_argument("path")
    mc.add_argument("--arch", help="open_clip architecture of a checkpoint file, e.g. ViT-B-32")
    mc.add_argument("--sha256", help="expected sha256 of the file")
    mc.add_argument("--quick-gelu", action="store_true", help="the checkpoint was trained with QuickGELU (OpenAI weights)")
    mc.set_defaults(func=cmd_models_check)

    c = sub.add_parser("capture", help="frame sources").add_subparsers(dest="capture_command", metavar="ACTION", required=True)
    cc = c.add_parser("check", help="read frames from a source and report")
    cc.add_argument("kind", choices=["synthetic", "folder", "video", "camera", "rtsp"])
    cc.add_argument("target", nargs="?", help="folder or file path, camera number, or stream URL")
    cc.add_argument("--frames", type=int, default=20)
    cc.add_argument("--seed", type=int, default=0)
    cc.add_argument("--quiet", action="store_true")
    cc.set_defaults(func=cmd_capture_check)
    return p


def main(argv: list[str] | None = None) -> int:
    from .capture import ImageDecodeError, SourceUnavailable
    from .models.files import ModelFileError

    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.data_dir is None:
        args.data_dir = default_data_dir()
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except (CliError, ModelFileError, SourceUnavailable, ImageDecodeError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
