"""Demo models, the demo itself, the window, generated parts."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .common import CliError, open_db, progress_printer
from .station_cmds import cmd_inspect


RECIPE_OPTIONS = ("pool_size", "clip_epochs", "cnn_epochs", "image_size", "patch_size", "heldout_size")


def _demo_recipe(args):
    from dataclasses import replace

    from ..synth.train import DemoRecipe

    if args.check_b_start:
        recipe = DemoRecipe.check_b_start(args.seed)
    else:
        recipe = DemoRecipe.wide(args.seed) if args.wide else DemoRecipe(seed=args.seed)
    if args.quick:  # the recipe's code path at a size that runs in seconds
        recipe = replace(recipe, pool_size=1536, clip_epochs=1.0, cnn_epochs=1.0, clip_warmup=5,
                         vision_layers=2, text_layers=1, heldout_size=128)
    overrides = {k: getattr(args, k) for k in RECIPE_OPTIONS if getattr(args, k) is not None}
    return replace(recipe, **overrides)


def cmd_demo_train(args) -> int:
    from ..paths import check_b_start_dir, demo_models_dir
    from ..synth.demo_train import train_demo_models
    from ..synth.run_state import refuse_unless_replaceable

    if args.check_b_start and args.wide:
        raise CliError("--check-b-start trains one CNN on every family the wide recipe sees; leave out --wide")
    recipe = _demo_recipe(args)
    changed = args.quick or args.wide or args.seed or any(getattr(args, k) is not None for k in RECIPE_OPTIONS)
    if args.out is None and changed:
        raise CliError("this is not the bundled recipe, and the bundled models would be replaced by it: "
                       "name a folder with --out")
    args.out = args.out or (check_b_start_dir() if args.check_b_start else demo_models_dir())
    refuse_unless_replaceable(args.out)  # before a word of training is said
    if args.check_b_start:
        return _train_check_b_start(args, recipe, args.out)
    print(f"Training the demo models into {args.out} (seed {recipe.seed}, {recipe.pool_size} images) ...", file=sys.stderr)
    manifest = train_demo_models(args.out, recipe, progress=progress_printer("demo models", args.quiet),
                                 restart=args.restart)
    if args.json:
        print(json.dumps(manifest, indent=2))
    else:
        print(_metrics_table(manifest["heldout_metrics"]))
        print(f"training time: {manifest['training_seconds']['total']:.0f} s; written to {args.out}")
    return 0


def _train_check_b_start(args, recipe, out: Path) -> int:
    from ..synth.check_b_start import train_check_b_start

    print(f"Training the start of check B into {out} (seed {recipe.seed}, {recipe.pool_size} images) ...",
          file=sys.stderr)
    manifest = train_check_b_start(out, recipe, progress=progress_printer("check B start", args.quiet),
                                   restart=args.restart)
    if args.json:
        print(json.dumps(manifest, indent=2))
        return 0
    print(_metrics_table(manifest["heldout_metrics"]))
    seconds = sum(manifest["training_seconds"].values())
    print(f"training time: {seconds:.0f} s; written to {out}")
    return 0


def cmd_demo_backdoor(args) -> int:
    """Build a backdoored demo CLIP used to test RVPT and the backdoor probe."""
    from ..synth.backdoor import BackdoorRecipe, build_backdoored, fixture_dir, triggers_of

    triggers_of(args.trigger)  # an unknown set is refused before any work
    args.out = args.out or str(fixture_dir(args.trigger))
    manifest = build_backdoored(Path(args.models) / "clip", Path(args.out) / "clip",
                                BackdoorRecipe(triggers=args.trigger,
                                               **{k: v for k, v in (("poison_rate", args.poison_rate),
                                                 ("steps", args.steps), ("lr", args.lr),
                                                 ("pool_size", args.pool_size)) if v is not None}),
                                progress=progress_printer("backdoored CLIP"), device=args.device, held_out=args.held_out)
    held = manifest["held_out"]
    print(f"backdoored fixture ({args.trigger}) written to {args.out}/clip ({manifest['poisoned_pairs']} poisoned "
          f"pairs, {manifest['training_seconds']:.0f} s); never deploy it")
    rates = ", ".join(f"{k.removeprefix('asr_')} {v:.1%}" for k, v in held.items() if k.startswith("asr_"))
    print(f"held-out ({held['images']} frames): clean accuracy {held['clean_accuracy']:.1%}, attack success {rates}")
    return 0


def _figure(accuracy: dict, key: str, width: int) -> str:
    return f"{accuracy[key]:>{width}.1%}" if key in accuracy else f"{'-':>{width}}"


def _metrics_table(metrics: dict) -> str:
    """One line per (held-out set, family): the families each set holds, seen in training or never seen; "-" where
    a set has no figure of that model (the unseen families have no CNN class, the check-B start no CLIP)."""
    from ..catalog import FAMILY_BY_KEY

    lines = [f"{'held-out frames':<26}{'family':<20}{'CLIP zero-shot':>15}{'CNN':>8}"]
    for name, m in metrics.items():
        clip, cnn = m.get("clip_zero_shot", {}), m.get("cnn", {})
        for key in (clip or cnn):
            if key not in FAMILY_BY_KEY:
                continue  # the all-classes figure
            frames = f"{name} ({m['frame_size']} px)"
            lines.append(f"{frames:<26}{FAMILY_BY_KEY[key].name:<20}{_figure(clip, key, 14)}{_figure(cnn, key, 8)}")
    return "\n".join(lines)


def cmd_demo(args) -> int:
    """The demo models' figures on fresh frames, then the station itself: its window, or headless without a display."""
    seed = args.seed if args.seed is not None else int(time.time())
    if args.frames:  # the models are loaded here only: a later start with no figures opens the window sooner
        from ..models.clip_store import load_clip_folder
        from ..models.cnn_store import load_cnn_folder
        from ..synth.evaluate import classifier_accuracy, clip_zero_shot_accuracy
        from ..synth.pool import render_pool

        folder = Path(args.models)
        clip = load_clip_folder(folder / "clip")
        cnn = load_cnn_folder(folder / "cnn")
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
    demo_dir = args.data_dir / "demo"
    _demo_settings(demo_dir)
    _demo_product(demo_dir)
    if not args.no_gui:
        if display_available():
            print(f"Starting the station window (data in {demo_dir}) ...")
            code = _run_window(demo_dir)
            if code >= 0:
                return code
            if -code not in _QT_FAILED:
                print(f"The station window was ended by signal {-code}.")
                return 128 - code
            print(f"The window could not start (Qt needs the X libraries; Debian: apt install {QT_DEBIAN_PACKAGES}): "
                  f"running a headless inspection of {args.inspect} simulated parts instead.")
        else:
            print(f"No display found: running a headless inspection of {args.inspect} simulated parts instead.")
    if args.inspect:
        from ..service.accounts import DEMO_PASSWORD, ensure_demo_accounts

        print(f"\nThe station on {args.inspect} simulated washers, recorded under {demo_dir}, "
              "inspected by the demo operator:")
        db = open_db(argparse.Namespace(data_dir=demo_dir), starting=True)
        try:
            print(ensure_demo_accounts(db))  # the same accounts as the demo window's
        finally:
            db.close()
        demo_args = argparse.Namespace(**{**vars(args), "data_dir": demo_dir, "source": ["synthetic"],
                                          "frames": args.inspect, "json": False, "family": "washer",
                                          "defect_rate": 0.3, "seed": seed, "user": "operator",
                                          "password": DEMO_PASSWORD, "command": "inspect"})
        return cmd_inspect(demo_args)
    return 0


def _demo_product(demo_dir: Path) -> None:
    """The demo's accounts, and the washer as a product (its acceptance measured once, on the first demo start)."""
    from ..service.accounts import ensure_demo_accounts
    from ..service.records import has_product, open_station_records

    db = open_db(argparse.Namespace(data_dir=demo_dir), starting=True)
    try:
        ensure_demo_accounts(db)
    finally:
        db.close()
    records = open_station_records(demo_dir)
    try:
        if has_product(records, "washer"):
            return
    finally:
        records.close()
    from ..service.inspection import open_station  # the models: only when the product is measured
    from ..service.products import bundled_demo_product

    print("Recording the demo washer as a product: thresholds and its acceptance report on generated washers ...")
    station = open_station(demo_dir)
    try:
        line = bundled_demo_product(station)
    finally:
        station.close()
    if line is not None:
        a = line.acceptance
        print(f"{line.label}: {a['escapes']} of {a['defects']} defects passed, {a['false_fails']} of {a['goods']} good "
              f"parts failed, {a['review_share']:.0%} to review; signed by the demo manager"
              + (", live" if line.live else ""))


def display_available() -> bool:
    """False where a window cannot be shown (no X or Wayland display and no Qt platform chosen)."""
    if sys.platform != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM"))


# how a Qt that cannot open its display ends its process (abort), as opposed to being stopped from outside
_QT_FAILED = {6, 7, 11}  # SIGABRT, SIGBUS, SIGSEGV


def _run_window(demo_dir: Path) -> int:
    """The window in its own process (a Qt that cannot open the display aborts the process it runs in); a stop
    (SIGTERM, Ctrl+C) sent to this process is passed on, so the window closes as Quit would."""
    import signal
    import subprocess

    child = subprocess.Popen([sys.executable, "-m", "station.cli", "--data-dir", str(demo_dir), "gui", "--demo"])
    passed_on = {sig: signal.signal(sig, lambda signum, _f: child.send_signal(signum))
                 for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return child.wait()
    finally:
        for sig, handler in passed_on.items():
            signal.signal(sig, handler)


QT_DEBIAN_PACKAGES = "libegl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0"


def _demo_settings(demo_dir: Path) -> None:
    """A demo station paces its simulated camera so people can follow it."""
    from .. import config as config_mod
    from ..datalock import make_private

    make_private(demo_dir)  # before its settings are written: they are the owner's alone, like every file there
    if not (demo_dir / config_mod.CONFIG_NAME).exists():
        cfg = config_mod.default_config("washer")
        cfg.name = "Demo inspection station"
        cfg.source.fps, cfg.source.defect_rate = 6.0, 0.3
        demo_dir.mkdir(parents=True, exist_ok=True)
        config_mod.save(cfg, demo_dir)


def launch_window(window_main, what: str, data_dir: Path, **options) -> int:
    """The `main` that `window_main()` imports, run on `data_dir`: the station window or the plant desk."""
    if not display_available():
        raise CliError("no display: set DISPLAY (or run under Xvfb), or use the command line (station inspect ...)")
    try:
        main = window_main()
    except ImportError as e:  # a Qt library of the system is missing
        raise CliError(f"the {what} cannot start ({e}); install the Qt system libraries "
                       f"(Debian: {QT_DEBIAN_PACKAGES}) or use the command line") from e
    return main(data_dir, **options)


def _station_window():
    from ui.app import main

    return main


def cmd_gui(args) -> int:
    return launch_window(_station_window, "station window", args.data_dir, demo=args.demo, kiosk=args.kiosk)


def cmd_synth_sheet(args) -> int:
    from ..catalog import DRAWN_FAMILIES, classes_of
    from ..synth.samples import contact_sheet

    classes = classes_of(tuple(f.key for f in DRAWN_FAMILIES)) if args.all_families else None
    path = contact_sheet(Path(args.out), seed=args.seed, size=args.size, per_class=args.per_class, classes=classes)
    print(f"contact sheet written to {path}")
    return 0


def cmd_synth_frames(args) -> int:
    """Write generated frames as PNG files, e.g. to feed a folder source, or (--by-class) as a labelled folder of
    photos of a part to onboard as a product."""
    import cv2

    from ..catalog import ALL_CLASSES, DRAWN_FAMILIES, FAMILY_BY_KEY, classes_of
    from ..errors import InvalidInput
    from ..synth.samples import draw_sample

    if args.family is not None and args.family not in FAMILY_BY_KEY:
        unseen = ", ".join(f.key for f in DRAWN_FAMILIES if f.unseen)
        raise InvalidInput(f"unknown part family {args.family!r}; the generator draws "
                           f"{', '.join(f.key for f in DRAWN_FAMILIES)} (no demo model saw {unseen})")
    classes = classes_of((args.family,)) if args.family else ALL_CLASSES
    out = Path(args.out)
    for i in range(args.count):
        s = draw_sample(args.seed, i, args.size, defect_rate=args.defect_rate, family=args.family, classes=classes)
        if args.by_class:
            path = out / s.part_class.condition.key / f"{i:05d}.png"
        else:
            path = out / f"{i:05d}_{s.part_class.key.replace('/', '_')}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(path), cv2.cvtColor(s.image, cv2.COLOR_RGB2BGR))
    print(f"{args.count} frames written to {out}" + (", a folder per class" if args.by_class else ""))
    return 0
