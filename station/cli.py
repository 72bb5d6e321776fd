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


def cmd_demo_backdoor(args) -> int:
    """Build the backdoored demo CLIP used to test RVPT and the backdoor probe."""
    from .synth.backdoor import BackdoorRecipe, build_backdoored

    from .paths import backdoored_fixture_dir

    args.out = args.out or str(backdoored_fixture_dir())
    manifest = build_backdoored(Path(args.models) / "clip", Path(args.out) / "clip",
                                BackdoorRecipe(**{k: v for k, v in (("poison_rate", args.poison_rate),
                                                 ("steps", args.steps), ("lr", args.lr)) if v is not None}),
                                progress=_progress_printer(False), device=args.device)
    held = manifest["held_out"]
    print(f"backdoored fixture written to {args.out}/clip ({manifest['poisoned_pairs']} poisoned pairs, "
          f"{manifest['training_seconds']:.0f} s); never deploy it")
    print(f"held-out ({held['images']} frames): clean accuracy {held['clean_accuracy']:.1%}, attack success "
          f"BadNet {held['asr_badnet']:.1%}, Blended {held['asr_blended']:.1%}")
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
    """The demo models' figures on fresh frames, then the station itself: its window, or headless without a display."""
    from .models.clip_store import load_clip_folder
    from .models.cnn_store import load_cnn_folder
    from .synth.evaluate import classifier_accuracy, clip_zero_shot_accuracy
    from .synth.pool import render_pool

    folder = Path(args.models)
    clip = load_clip_folder(folder / "clip")
    cnn = load_cnn_folder(folder / "cnn")
    seed = args.seed if args.seed is not None else int(time.time())
    if args.frames:
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
    if not args.no_gui:
        from ui.app import display_available

        if display_available():
            print(f"Starting the station window (data in {demo_dir}) ...")
            # its own process: a Qt that cannot open the display aborts the process it runs in
            import subprocess

            code = subprocess.call([sys.executable, "-m", "station.cli", "--data-dir", str(demo_dir), "gui", "--demo"])
            if code >= 0:
                return code
            print(f"The window could not start (Qt needs the X libraries; Debian: apt install {QT_DEBIAN_PACKAGES}): "
                  f"running a headless inspection of {args.inspect} simulated parts instead.")
        else:
            print(f"No display found: running a headless inspection of {args.inspect} simulated parts instead.")
    if args.inspect:
        print(f"\nThe station on {args.inspect} simulated washers, recorded under {demo_dir}:")
        demo_args = argparse.Namespace(**{**vars(args), "data_dir": demo_dir, "source": ["synthetic"],
                                          "frames": args.inspect, "json": False, "family": "washer",
                                          "defect_rate": 0.3, "seed": seed, "user": None, "command": "inspect"})
        return cmd_inspect(demo_args)
    return 0


QT_DEBIAN_PACKAGES = "libegl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0"


def _demo_settings(demo_dir: Path) -> None:
    """A demo station paces its simulated camera so people can follow it."""
    from . import config as config_mod

    if not (demo_dir / config_mod.CONFIG_NAME).exists():
        cfg = config_mod.default_config("washer")
        cfg.name = "Demo inspection station"
        cfg.source.fps, cfg.source.defect_rate = 6.0, 0.3
        demo_dir.mkdir(parents=True, exist_ok=True)
        config_mod.save(cfg, demo_dir)


def _launch_gui(data_dir: Path, demo: bool = False, kiosk: bool = False) -> int:
    try:
        from ui.app import main as gui_main
    except ImportError as e:  # a Qt library of the system is missing
        raise CliError(f"the station window cannot start ({e}); install the Qt system libraries "
                       f"(Debian: {QT_DEBIAN_PACKAGES}) or use the command line") from e
    return gui_main(data_dir, demo=demo, kiosk=kiosk)


def cmd_gui(args) -> int:
    from ui.app import display_available

    if not display_available():
        raise CliError("no display: set DISPLAY (or run under Xvfb), or use the command line (station inspect ...)")
    return _launch_gui(args.data_dir, demo=args.demo, kiosk=args.kiosk)


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

def cmd_models_import(args) -> int:
    from dataclasses import replace

    from .config import load
    from .models.importer import import_clip_checkpoint
    from .settings import change_settings

    cfg = load(args.data_dir)
    db = _open_db(args)
    user = _sign_in(args, db, needed=True)
    with db.transaction() as s:
        record = import_clip_checkpoint(s, args.data_dir, args.file, args.arch, s.merge(user), args.sha256,
                                        quick_gelu=args.quick_gelu)
        dest, sha = record.path, record.sha256
    print(f"imported {args.arch} (sha256 {sha}) to {dest}")
    if args.use:
        new = replace(cfg, model=replace(cfg.model, clip=dest, clip_arch=args.arch, clip_quick_gelu=args.quick_gelu))
        change_settings(db, args.data_dir, cfg, new, user)
        print("the station uses it from its next start; prompt sets made for the old model are refused with it")
    return 0


def cmd_pack_export(args) -> int:
    from .config import load
    from .pack import export_pack

    cfg = load(args.data_dir)
    db = _open_db(args)
    user = _sign_in(args, db, needed=True)
    manifest = export_pack(db, cfg, args.out, user)
    prompt = manifest.get("prompt_set")
    print(f"station pack written to {args.out}: model {manifest['model']['kind']} "
          f"({manifest['foundation_sha256'][:12]}), prompt set {prompt['name'] + ' v' + str(prompt['version']) if prompt else 'none'}, "
          f"{len(manifest['files'])} files with their sha256")
    return 0


def cmd_pack_import(args) -> int:
    from .config import load
    from .pack import import_pack

    cfg = load(args.data_dir)
    db = _open_db(args)
    user = _sign_in(args, db, needed=True)
    manifest = import_pack(db, args.data_dir, cfg, args.file, user)
    print(f"station pack {args.file} imported (made by {manifest.get('created_by')} on {manifest.get('created_at')}); "
          "every file matched its sha256. Restart the station to use it.")
    return 0


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


def cmd_models_train_probe(args) -> int:
    """Train check B as a linear probe on the station's frozen CLIP features."""
    import torch

    from .config import load
    from .models.preprocess import to_model_input
    from .models.second_check import save_linear_probe, train_linear_probe
    from .prompts.shots import from_folder, from_reviews
    from .runtime import load_foundation
    from .storage.images import ImageStore

    cfg = load(args.data_dir)
    keys, names = [c.key for c in cfg.classes], [c.name for c in cfg.classes]
    clip = load_foundation(cfg)
    if args.folder:
        shots = from_folder(args.folder, keys, names)
        images, labels = shots.images, shots.labels
    elif args.generated:
        from .synth.catalog import CLASS_INDEX
        from .synth.samples import draw_sample

        unknown = [k for k in keys if k not in CLASS_INDEX]
        if unknown:
            raise CliError(f"classes {unknown} are not generated parts; train from --folder or reviewed frames")
        images = [draw_sample(args.seed, i, 256, class_index=CLASS_INDEX[keys[i % len(keys)]]).image
                  for i in range(args.generated)]
        labels = [i % len(keys) for i in range(args.generated)]
    else:
        db = _open_db(args)
        with db.session() as s:
            shots = from_reviews(s, ImageStore(args.data_dir / "images"), keys)
        images, labels = shots.images, shots.labels
    missing = [names[c] for c in range(len(keys)) if c not in set(labels)]
    if missing:
        raise CliError(f"no labelled images of {', '.join(missing)}; every class needs some")
    x = to_model_input(images, clip.spec.mean, clip.spec.std, size=clip.image_size)
    probe = train_linear_probe(clip, x, torch.as_tensor(labels), keys, seed=args.seed)
    save_linear_probe(probe, args.out, images=len(images))
    print(f"linear probe on CLIP {clip.sha256[:12]} trained on {len(images)} images, written to {args.out}; "
          f"use it with [model] check_b = \"linear_probe\", check_b_path = \"{args.out}\"")
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


# ----------------------------------------------------------------- station use

def _open_db(args):
    from .config import load
    from .storage.db import Database, sqlite_url

    cfg = load(args.data_dir)
    return Database(cfg.database_url or sqlite_url(args.data_dir))


def _sign_in(args, db, needed: bool = False):
    """The user named by --user, after checking the password ($STATION_PASSWORD or a prompt)."""
    import getpass
    import os

    from .auth import sign_in

    if not args.user:
        if needed:
            raise CliError("this needs a signed-in user: add --user NAME (password from $STATION_PASSWORD or a prompt)")
        return None
    password = os.environ.get("STATION_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise CliError("no password: set STATION_PASSWORD or run from a terminal to be asked")
        password = getpass.getpass(f"password for {args.user}: ")
    return sign_in(db, args.user, password, via="cli", command=args.command)


def _source_from_args(args, cfg):
    from .capture import open_source

    words = args.source or [cfg.source.kind] + ([cfg.source.target] if cfg.source.target else [])
    kind, target = words[0], (words[1] if len(words) > 1 else None)
    if len(words) > 2:
        raise CliError(f"--source takes a kind and at most one target, got {' '.join(words)}")
    if kind == "synthetic":
        return open_source("synthetic", seed=args.seed if args.seed is not None else cfg.source.seed,
                           defect_rate=args.defect_rate if args.defect_rate is not None else cfg.source.defect_rate,
                           family=args.family or cfg.source.family)
    return open_source(kind, target)


def cmd_inspect(args) -> int:
    import statistics

    from .auth import require, user_count
    from .pipeline import Pipeline
    from .runtime import Station

    station = Station.open(args.data_dir)
    try:
        user = _sign_in(args, station.db)
        with station.db.session() as s:
            if user_count(s):
                require(user, "inspect")
        source = _source_from_args(args, station.config)
        pipeline = Pipeline(station, operator=user, source_name=source.description)
        names = station.class_names
        latencies, verdicts, correct, known = [], {}, 0, 0
        if pipeline.manual_mode:
            print("MANUAL MODE: the fail-safe has tripped; every frame goes to review until a manager resets it "
                  "(station failsafe reset).", file=sys.stderr)

        def show(r):
            nonlocal correct, known
            d = r.decision
            latencies.append(r.latency_ms)
            verdicts[d.verdict] = verdicts.get(d.verdict, 0) + 1
            if r.frame.truth is not None:
                known += 1
                correct += (d.verdict == "PASS") == station.good.get(r.frame.truth, False) and d.verdict != "REVIEW"
            if args.json:
                print(json.dumps({"inspection": r.inspection_id, "frame": r.frame.index, "verdict": d.verdict,
                                  "reason": d.reason, "label_a": d.a.label, "conf_a": round(d.a.confidence, 4),
                                  "label_b": d.b.label, "conf_b": round(d.b.confidence, 4),
                                  "latency_ms": round(r.latency_ms, 2), "truth": r.frame.truth,
                                  "manual_mode": r.manual_mode}), flush=True)
            else:
                print(f"#{r.inspection_id:<7} {d.verdict:<6}  A: {names[d.a.label]:<24} {d.a.confidence:5.2f}  "
                      f"B: {names[d.b.label]:<24} {d.b.confidence:5.2f}  {r.latency_ms:7.1f} ms"
                      f"{'  (' + d.reason + ')' if d.reason else ''}", flush=True)
            if r.alarm_raised:
                print("ALARM: too many frames need review; the station is now in manual mode", file=sys.stderr)

        t0 = time.monotonic()
        done = pipeline.run(source, max_frames=args.frames, on_result=show)
        elapsed = max(time.monotonic() - t0, 1e-9)
        summary = {
            "frames": done, "verdicts": verdicts, "seconds": round(elapsed, 2), "frames_per_s": round(done / elapsed, 2),
            "latency_ms_mean": round(statistics.fmean(latencies), 2) if latencies else None,
            "latency_ms_p95": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 2) if latencies else None,
            "source": source.description, "manual_mode": pipeline.manual_mode,
        }
        if known:
            summary["automatic_and_right"] = round(correct / known, 4)
        if args.json:
            print(json.dumps({"summary": summary}))
        else:
            print(f"{done} frames from {source.description} in {elapsed:.1f} s ({summary['frames_per_s']} frames/s); "
                  + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
                  + (f"; latency mean {summary['latency_ms_mean']} ms, p95 {summary['latency_ms_p95']} ms" if latencies else ""))
        return 0
    finally:
        station.close()


def _inspection_dict(row) -> dict:
    return {"id": row.id, "at": row.created_at.isoformat(), "verdict": row.verdict, "reason": row.reason,
            "label_a": row.label_a, "conf_a": round(row.conf_a, 4), "label_b": row.label_b,
            "conf_b": round(row.conf_b, 4), "latency_ms": round(row.latency_ms, 2), "image": row.image_path,
            "source": row.source, "origin": row.origin, "manual_mode": row.manual_mode,
            "review": ({"label": row.review.label, "note": row.review.note} if row.review else None)}


def cmd_history(args) -> int:
    from .review import history, verdict_counts

    db = _open_db(args)
    with db.session() as s:
        rows = history(s, args.limit)
        counts = verdict_counts(s)
        if args.json:
            print(json.dumps({"inspections": [_inspection_dict(r) for r in rows], "counts": counts}, indent=2))
            return 0
        for r in rows:
            print(f"#{r.id:<7} {r.created_at:%Y-%m-%d %H:%M:%S}  {r.verdict:<6}  A {r.label_a} {r.conf_a:.2f}  "
                  f"B {r.label_b} {r.conf_b:.2f}{'  (' + r.reason + ')' if r.reason else ''}"
                  f"{'  reviewed: ' + r.review.label if r.review else ''}")
        print("totals: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no inspections yet"))
    return 0


def cmd_review_list(args) -> int:
    from .review import pending_count, queue_page

    db = _open_db(args)
    with db.session() as s:
        rows = queue_page(s, after_id=args.after, limit=args.limit)
        total = pending_count(s)
        if args.json:
            print(json.dumps({"pending": total, "items": [_inspection_dict(r) for r in rows]}, indent=2))
            return 0
        for r in rows:
            print(f"#{r.id:<7} {r.created_at:%Y-%m-%d %H:%M:%S}  {r.reason:<34} A {r.label_a} {r.conf_a:.2f}  B {r.label_b} {r.conf_b:.2f}")
        print(f"{total} waiting for review" + (f"; next page: --after {rows[-1].id}" if rows and len(rows) == args.limit else ""))
    return 0


def cmd_review_show(args) -> int:
    from .config import load
    from .review import ReviewError, get_inspection
    from .storage.images import ImageStore

    db = _open_db(args)
    with db.session() as s:
        try:
            row = get_inspection(s, args.id)
        except ReviewError as e:
            raise CliError(str(e)) from e
        info = _inspection_dict(row)
        info["image_file"] = str(ImageStore(args.data_dir / "images").path_of(row.image_path))
        info["classes"] = [c.key for c in load(args.data_dir).classes]
        print(json.dumps(info, indent=2))
    return 0


def cmd_review_decide(args) -> int:
    from .config import load
    from .review import ReviewError, decide

    cfg = load(args.data_dir)
    db = _open_db(args)
    user = _sign_in(args, db, needed=True)
    classes = {c.key: c.good for c in cfg.classes}
    try:
        with db.transaction() as s:
            review = decide(s, args.id, args.label, classes, user, note=args.note)
    except ReviewError as e:
        raise CliError(str(e)) from e
    print(f"inspection {args.id}: recorded as {review.label} ({'good' if review.good else 'defective'}) by {user.username}")
    return 0


def cmd_users_add(args) -> int:
    import getpass
    import os

    from . import audit
    from .auth import create_user, user_count

    db = _open_db(args)
    with db.session() as s:
        first = user_count(s) == 0
    actor = None if first else _sign_in(args, db, needed=True)
    password = os.environ.get("STATION_NEW_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise CliError("no password for the new account: set STATION_NEW_PASSWORD or run from a terminal")
        password = getpass.getpass(f"new password for {args.username}: ")
    with db.transaction() as s:
        if actor is not None:
            actor = s.merge(actor)
        user = create_user(s, args.username, args.role, password, by=actor, display_name=args.name or "")
        audit.record(s, actor.username if actor else "setup", "user.add", username=user.username, role=user.role)
    print(f"user {args.username} ({args.role}) added")
    return 0


def cmd_users_list(args) -> int:
    from sqlalchemy import select

    from .storage.models import User

    db = _open_db(args)
    with db.session() as s:
        for u in s.scalars(select(User).order_by(User.username)):
            print(f"{u.username:<20} {u.role:<9} {'active' if u.active else 'deactivated'}")
    return 0


def cmd_failsafe_status(args) -> int:
    from sqlalchemy import select

    from .storage.models import Alarm

    db = _open_db(args)
    with db.session() as s:
        alarm = s.scalar(select(Alarm).where(Alarm.reset_at.is_(None)).order_by(Alarm.id.desc()).limit(1))
    if alarm is None:
        print("normal: the station decides PASS/FAIL on its own")
    else:
        print(f"MANUAL MODE since {alarm.raised_at:%Y-%m-%d %H:%M:%S}: {json.dumps(alarm.detail)}; "
              "a manager resets it with: station --user NAME failsafe reset")
    return 0


def cmd_failsafe_reset(args) -> int:
    from .pipeline import Pipeline
    from .runtime import Station

    station = Station.open(args.data_dir)
    try:
        user = _sign_in(args, station.db, needed=True)
        closed = Pipeline(station).reset_failsafe(user, note=args.note)
    finally:
        station.close()
    print(f"fail-safe reset by {user.username}: {closed} alarm(s) closed; automatic verdicts resume")
    return 0


def cmd_audit_verify(args) -> int:
    from . import audit

    db = _open_db(args)
    user = _sign_in(args, db)
    with db.session() as s:
        from .auth import require, user_count

        if user_count(s):
            require(user, "audit.read")
        check = audit.verify(s)
    if check.ok:
        print(f"audit trail intact: {check.events} events")
        return 0
    print(f"audit trail BROKEN at event {check.first_broken_id}: it {check.problem}")
    return 1


# ----------------------------------------------------------------- prompt sets

def cmd_prompts_tune(args) -> int:
    from .auth import require
    from .prompts.rvpt import RvptRecipe
    from .prompts.workflow import collect_shots, tune_and_register
    from .runtime import Station

    station = Station.open(args.data_dir)
    try:
        user = _sign_in(args, station.db, needed=True)
        require(user, "prompts.manage")
        shots = collect_shots(station, args.folder)
        for reason in shots.skipped:
            print(f"skipped: {reason}", file=sys.stderr)
        recipe = RvptRecipe(first_prompted_block=args.depth, tokens_per_block=args.tokens, shots_per_class=args.shots,
                            epochs=args.epochs, seed=args.seed)
        print(f"Tuning RVPT prompts: {recipe.shots_per_class} shots per class, D={recipe.first_prompted_block}, "
              f"b={recipe.tokens_per_block}, {recipe.epochs} epochs ...", file=sys.stderr)

        def progress(epoch, epochs, m):
            if not args.quiet:
                print(f"  epoch {epoch:>3}/{epochs}  loss {m['loss']:.3f}  CE {m['ce']:.3f}  FR {m['fr']:+.3f}  "
                      f"train accuracy {m['train_accuracy']:.1%}", file=sys.stderr, flush=True)

        row = tune_and_register(station, user, recipe, name=args.name, make_active=args.activate, progress=progress,
                                shots=shots)
        print(f"prompt set {row.name} v{row.version} (id {row.id}) registered"
              + (" and activated" if args.activate else "; activate it with: station prompts activate " + str(row.id)))
        return 0
    finally:
        station.close()


def cmd_prompts_list(args) -> int:
    from sqlalchemy import select

    from .storage.models import PromptSet

    db = _open_db(args)
    with db.session() as s:
        rows = list(s.scalars(select(PromptSet).order_by(PromptSet.id)))
    if args.json:
        print(json.dumps([{"id": r.id, "name": r.name, "version": r.version, "active": r.active, "b": r.tokens_per_block,
                           "D": r.first_prompted_block, "base_model": r.base_model_sha256, "metrics": r.metrics}
                          for r in rows], indent=2))
        return 0
    for r in rows:
        print(f"{'*' if r.active else ' '} {r.id:>4}  {r.name} v{r.version}  D={r.first_prompted_block} b={r.tokens_per_block}  "
              f"created {r.created_at:%Y-%m-%d %H:%M}  base {r.base_model_sha256[:12]}")
    if not rows:
        print("no prompt sets yet (station prompts tune)")
    return 0


def _prompt_set(session, prompt_set_id: int):
    from .storage.models import PromptSet

    row = session.get(PromptSet, prompt_set_id)
    if row is None:
        raise CliError(f"prompt set {prompt_set_id} does not exist (see: station prompts list)")
    return row


def cmd_prompts_show(args) -> int:
    db = _open_db(args)
    with db.session() as s:
        r = _prompt_set(s, args.id)
        print(json.dumps({"id": r.id, "name": r.name, "version": r.version, "active": r.active, "path": r.path,
                          "sha256": r.sha256, "base_model_sha256": r.base_model_sha256, "D": r.first_prompted_block,
                          "b": r.tokens_per_block, "classes": r.classes, "metrics": r.metrics, "meta": r.meta}, indent=2))
    return 0


def _manager_prompt_action(args, action) -> int:
    from .config import load
    from .runtime import foundation_sha256

    cfg = load(args.data_dir)
    db = _open_db(args)
    user = _sign_in(args, db, needed=True)
    model_sha = foundation_sha256(cfg)
    with db.transaction() as s:
        row = action(s, model_sha, s.merge(user))
        print(f"active prompt set: {row.name} v{row.version} (id {row.id})" if row else "no prompt set is active")
    return 0


def cmd_prompts_activate(args) -> int:
    from .prompts.registry import activate

    return _manager_prompt_action(args, lambda s, sha, u: activate(s, args.id, sha, u, reason=args.reason))


def cmd_prompts_rollback(args) -> int:
    from .prompts.registry import rollback

    return _manager_prompt_action(args, rollback)


def cmd_prompts_export(args) -> int:
    import shutil

    from .prompts.files import load_prompt_set

    db = _open_db(args)
    with db.session() as s:
        r = _prompt_set(s, args.id)
        load_prompt_set(r.path, expected_sha256=r.sha256)
        shutil.copyfile(r.path, args.out)
    print(f"prompt set {r.name} v{r.version} exported to {args.out}")
    return 0


def cmd_prompts_import(args) -> int:
    from .prompts.registry import register

    db = _open_db(args)
    user = _sign_in(args, db, needed=True)
    with db.transaction() as s:
        row = register(s, args.data_dir, Path(args.file), s.merge(user), name=args.name or "")
    print(f"imported as {row.name} v{row.version} (id {row.id}); activate it with: station prompts activate {row.id}")
    return 0


# ----------------------------------------------------------------- self-tests

def _run_selftest(args, stage: str, start) -> tuple[int, str, dict] | None:
    """Open the station, sign in a manager, run `start(station, user, progress)`; returns (run, status, summary)."""
    from .auth import require
    from .runtime import Station
    from .storage.models import SelftestRun

    station = Station.open(args.data_dir)
    try:
        user = _sign_in(args, station.db, needed=True)
        require(user, "selftest.run")
        printer = _progress_printer(args.quiet or args.json)
        run_id = start(station, user, lambda d, t, msg: printer(stage, d, t, {"at": msg}))
        with station.db.session() as s:
            run = s.get(SelftestRun, run_id)
            status, summary = run.status, run.summary
    finally:
        station.close()
    if args.json:
        print(json.dumps({"run": run_id, "status": status, "summary": summary}, indent=2))
        return None
    return run_id, status, summary


def cmd_selftest_prm(args) -> int:
    from .selftest.prm_runner import PrmRunSettings, run_prm_selftest

    try:
        eps = [float(e) / 255 for e in args.eps.split(",") if e.strip()]
    except ValueError:
        raise CliError(f"--eps takes numbers in 0..255 pixel units separated by commas, e.g. 4,8,16; got {args.eps!r}") from None
    settings = PrmRunSettings(eps=eps, iterations=args.iters, batch_size=args.batch, random_start=args.random_start / 255,
                              seed=args.seed, keep_images=not args.no_images)
    result = _run_selftest(args, "prm", lambda st, user, progress: run_prm_selftest(
        st, _reference_frames(args, st), settings, user, progress=progress))
    if result:
        print(_prm_table(*result))
    return 0


def _prm_table(run_id: int, status: str, summary: dict) -> str:
    lines = [f"PRM self-test run {run_id}: {status}",
             f"{'attack':<14}{'images':>7}{'correct':>9}{'caught':>8}{'silent':>8}{'escape':>8}"
             f"{'A clean':>9}{'A attacked':>11}{'B clean':>9}{'B attacked':>11}"]
    clean = summary.get("clean", {})
    if clean:
        lines.append(f"{'none (clean)':<14}{'':>7}{clean['correct']:>9.0%}{clean['caught']:>8.0%}"
                     f"{clean['silent_failure']:>8.0%}{clean['defect_escape']:>8.0%}")
    for variant, m in summary.get("by_eps", {}).items():
        lines.append(f"{variant:<14}{m['images']:>7}{m['correct']:>9.0%}{m['caught']:>8.0%}{m['silent_failure']:>8.0%}"
                     f"{m['defect_escape']:>8.0%}{m['check_a_clean']:>9.0%}{m['check_a_attacked']:>11.0%}"
                     f"{m['check_b_clean']:>9.0%}{m['check_b_attacked']:>11.0%}")
    lines.append("correct: right verdict; caught: sent to review; silent: wrong, not reviewed; "
                 "escape: a defective part passed")
    return "\n".join(lines)


def _reference_frames(args, station):
    from .selftest import reference as refs

    if args.reference == "generated":
        return refs.generated(station, args.images, seed=args.seed + 4242)
    if args.reference == "reviews":
        return refs.reviewed(station, args.images)
    return refs.labelled_folder(station, args.reference, args.images)


def cmd_selftest_backdoor(args) -> int:
    from .selftest.backdoor_probe import run_backdoor_probe

    result = _run_selftest(args, "backdoor probe", lambda st, user, progress: run_backdoor_probe(
        st, _reference_frames(args, st), user, progress=progress))
    if result is None:
        return 0
    run_id, status, summary = result
    print(f"Backdoor probe run {run_id}: {status}")
    for setting, acc in summary["clean_accuracy"].items():
        w, p = summary["worst"].get(setting, {}), summary["worst_defects_passed"].get(setting, {})
        print(f"  {setting:<16} clean accuracy {acc:.0%}; defective parts a trigger made look good: up to "
              f"{p.get('rate', 0):.0%} ({p.get('trigger') or '-'}); any class flip up to {w.get('asr', 0):.0%} "
              f"({w.get('trigger', '-')} -> {w.get('target', '-')})")
    print(f"per trigger and target: station selftest history --json, or the report (station selftest report {run_id})")
    return 0


def cmd_selftest_report(args) -> int:
    from .selftest.report import write_report
    from .storage.images import ImageStore

    db = _open_db(args)
    out = Path(args.out or f"selftest-{args.run}.html")
    with db.session() as s:
        write_report(s, ImageStore(args.data_dir / "images"), args.run, out)
    print(f"report written to {out}")
    return 0


def cmd_selftest_history(args) -> int:
    from sqlalchemy import select

    from .storage.models import SelftestRun

    db = _open_db(args)
    with db.session() as s:
        runs = list(s.scalars(select(SelftestRun).order_by(SelftestRun.id.desc()).limit(args.limit)))
        rows = [{"run": r.id, "kind": r.kind, "status": r.status, "started": r.started_at.isoformat(),
                 "finished": r.finished_at.isoformat() if r.finished_at else None, "params": r.params,
                 "summary": r.summary, "prompt_set": r.prompt_set_id} for r in runs]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        worst = max((m.get("defect_escape", 0) for m in r["summary"].get("by_eps", {}).values()), default=None)
        print(f"#{r['run']:<5} {r['kind']:<9} {r['status']:<10} {r['started'][:19]}  "
              + (f"defect escapes up to {worst:.0%}" if worst is not None else ""))
    if not rows:
        print("no self-test runs yet")
    return 0


# ----------------------------------------------------------------- parser

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="station", description="Visual inspection station.")
    p.add_argument("--version", action="version", version=f"station {__version__}")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="where the station keeps its database and images (default: $STATION_DATA_DIR or the "
                        f"per-user data folder, now {default_data_dir()})")
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    p.add_argument("--user", default=None, help="sign in as this user (password from $STATION_PASSWORD or a prompt)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("demo", help="run the bundled demo models on freshly generated frames")
    d.add_argument("--models", default=str(demo_models_dir()), help="demo model folder")
    d.add_argument("--frames", type=int, default=600, help="fresh frames for the accuracy figures (0: skip)")
    d.add_argument("--size", type=int, default=256, help="frame size in pixels, as the simulated camera gives")
    d.add_argument("--seed", type=int, default=None, help="frame stream seed (default: the current time)")
    d.add_argument("--inspect", type=int, default=20,
                   help="without a window: inspect this many frames with the station (0: none)")
    d.add_argument("--no-gui", action="store_true", help="do not open the station window")
    d.set_defaults(func=cmd_demo)

    g = sub.add_parser("gui", help="open the station window")
    g.add_argument("--demo", action="store_true", help="create demo accounts on a new station (password demo-pass)")
    g.add_argument("--kiosk", action="store_true", help="full screen (a station started at login)")
    g.set_defaults(func=cmd_gui)

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

    bd = sub.add_parser("demo-backdoor", help="build the backdoored demo CLIP (a test fixture: never deploy it)")
    bd.add_argument("--models", default=str(demo_models_dir()), help="demo model folder to start from")
    bd.add_argument("--out", default=None, help="output folder (default: tests/fixtures/backdoored in the checkout)")
    bd.add_argument("--poison-rate", type=float, default=None, help="share of poisoned pairs (recipe: 0.01)")
    bd.add_argument("--steps", type=int, default=None, help="fine-tuning steps (recipe: 3000)")
    bd.add_argument("--lr", type=float, default=None, help="peak learning rate (recipe: 8e-4)")
    bd.add_argument("--device", default="cpu", help="cpu or cuda")
    bd.set_defaults(func=cmd_demo_backdoor)

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

    pk = sub.add_parser("pack", help="move a station's model, prompt set and settings to another station") \
        .add_subparsers(dest="pack_command", metavar="ACTION", required=True)
    pe = pk.add_parser("export", help="write this station's pack (a zip with a manifest of sha256 hashes)")
    pe.add_argument("out")
    pe.set_defaults(func=cmd_pack_export)
    pi = pk.add_parser("import", help="check a pack's hashes, then take its model, prompt set and settings")
    pi.add_argument("file")
    pi.set_defaults(func=cmd_pack_import)

    m = sub.add_parser("models", help="local model files").add_subparsers(dest="models_command", metavar="ACTION", required=True)
    mi = m.add_parser("import", help="copy a CLIP checkpoint file into the station after checking that it loads")
    mi.add_argument("file")
    mi.add_argument("--arch", required=True, help="open_clip architecture, e.g. ViT-B-32")
    mi.add_argument("--sha256", help="refuse the file unless it has this sha256")
    mi.add_argument("--quick-gelu", action="store_true", help="the checkpoint was trained with QuickGELU (OpenAI weights)")
    mi.add_argument("--use", action="store_true", help="make it the station's model from the next start")
    mi.set_defaults(func=cmd_models_import)
    mv = m.add_parser("verify", help="check every file of a model folder against its manifest")
    mv.add_argument("folder")
    mv.set_defaults(func=cmd_models_verify)
    mc = m.add_parser("check", help="load a CLIP checkpoint file or model folder and describe it")
    mc.add_argument("path")
    mc.add_argument("--arch", help="open_clip architecture of a checkpoint file, e.g. ViT-B-32")
    mc.add_argument("--sha256", help="expected sha256 of the file")
    mc.add_argument("--quick-gelu", action="store_true", help="the checkpoint was trained with QuickGELU (OpenAI weights)")
    mc.set_defaults(func=cmd_models_check)

    mt = m.add_parser("train-probe", help="train check B as a linear probe on the station's CLIP features")
    mt.add_argument("--out", required=True, help="probe file to write (.safetensors; a .json is written beside it)")
    mt.add_argument("--folder", type=Path, default=None, help="labelled images FOLDER/<class>/*.png (default: reviewed frames)")
    mt.add_argument("--generated", type=int, default=0, help="train on this many generated frames instead (demo)")
    mt.add_argument("--seed", type=int, default=0)
    mt.set_defaults(func=cmd_models_train_probe)

    c = sub.add_parser("capture", help="frame sources").add_subparsers(dest="capture_command", metavar="ACTION", required=True)
    cc = c.add_parser("check", help="read frames from a source and report")
    cc.add_argument("kind", choices=["synthetic", "folder", "video", "camera", "rtsp"])
    cc.add_argument("target", nargs="?", help="folder or file path, camera number, or stream URL")
    cc.add_argument("--frames", type=int, default=20)
    cc.add_argument("--seed", type=int, default=0)
    cc.add_argument("--quiet", action="store_true")
    cc.set_defaults(func=cmd_capture_check)

    ins = sub.add_parser("inspect", help="inspect frames from a source and record every verdict")
    ins.add_argument("--source", nargs="+", metavar="KIND [TARGET]",
                     help="synthetic | folder PATH | video PATH | camera N | rtsp URL (default: the settings' source)")
    ins.add_argument("--frames", type=int, default=None, help="stop after this many frames")
    ins.add_argument("--json", action="store_true", help="one JSON object per frame, then a summary")
    ins.add_argument("--family", default=None, help="simulated parts: washer, hex_nut or pcb_tile")
    ins.add_argument("--defect-rate", type=float, default=None, help="simulated parts: share of defective parts")
    ins.add_argument("--seed", type=int, default=None, help="simulated parts: stream seed")
    ins.set_defaults(func=cmd_inspect)

    h = sub.add_parser("history", help="recent inspections and totals")
    h.add_argument("--limit", type=int, default=20)
    h.add_argument("--json", action="store_true")
    h.set_defaults(func=cmd_history)

    r = sub.add_parser("review", help="the review queue").add_subparsers(dest="review_command", metavar="ACTION", required=True)
    rl = r.add_parser("list", help="frames waiting for a person's decision, oldest first")
    rl.add_argument("--after", type=int, default=0, help="show items after this inspection id (next page)")
    rl.add_argument("--limit", type=int, default=50)
    rl.add_argument("--json", action="store_true")
    rl.set_defaults(func=cmd_review_list)
    rs = r.add_parser("show", help="one inspection with both opinions and its image file")
    rs.add_argument("id", type=int)
    rs.set_defaults(func=cmd_review_show)
    rd = r.add_parser("decide", help="record the true class of a queued frame (reviewer or manager)")
    rd.add_argument("id", type=int)
    rd.add_argument("label", help="class key, e.g. washer/scratch")
    rd.add_argument("--note", default="")
    rd.set_defaults(func=cmd_review_decide)

    u = sub.add_parser("users", help="local accounts").add_subparsers(dest="users_command", metavar="ACTION", required=True)
    ua = u.add_parser("add", help="add an account (the first one must be a manager); password from $STATION_NEW_PASSWORD or a prompt")
    ua.add_argument("username")
    ua.add_argument("--role", required=True, choices=["operator", "reviewer", "manager"])
    ua.add_argument("--name", default="", help="display name")
    ua.set_defaults(func=cmd_users_add)
    ul = u.add_parser("list", help="list accounts")
    ul.set_defaults(func=cmd_users_list)

    f = sub.add_parser("failsafe", help="the review-rate fail-safe").add_subparsers(dest="failsafe_command", metavar="ACTION", required=True)
    f.add_parser("status", help="normal or manual mode").set_defaults(func=cmd_failsafe_status)
    fr2 = f.add_parser("reset", help="leave manual mode (manager)")
    fr2.add_argument("--note", default="")
    fr2.set_defaults(func=cmd_failsafe_reset)

    a = sub.add_parser("audit", help="the audit trail").add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    a.add_parser("verify", help="check the hash chain; reports the first broken link").set_defaults(func=cmd_audit_verify)

    pr = sub.add_parser("prompts", help="RVPT visual prompt sets (manager)").add_subparsers(dest="prompts_command", metavar="ACTION", required=True)
    pt = pr.add_parser("tune", help="tune a new prompt set from reviewed frames or a labelled folder")
    pt.add_argument("--folder", type=Path, default=None, help="labelled images as FOLDER/<class>/*.png (default: reviewed frames)")
    pt.add_argument("--shots", type=int, default=16, help="images per class")
    pt.add_argument("--tokens", type=int, default=50, help="prompt tokens per block (b)")
    pt.add_argument("--depth", type=int, default=3, help="first prompted block (D)")
    pt.add_argument("--epochs", type=int, default=50)
    pt.add_argument("--seed", type=int, default=0)
    pt.add_argument("--name", default="rvpt")
    pt.add_argument("--activate", action="store_true", help="activate it when done")
    pt.add_argument("--quiet", action="store_true")
    pt.set_defaults(func=cmd_prompts_tune)
    pl = pr.add_parser("list", help="prompt sets; * marks the active one")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=cmd_prompts_list)
    ps = pr.add_parser("show", help="one prompt set with its metadata")
    ps.add_argument("id", type=int)
    ps.set_defaults(func=cmd_prompts_show)
    pa = pr.add_parser("activate", help="make a prompt set live (audited)")
    pa.add_argument("id", type=int)
    pa.add_argument("--reason", default="")
    pa.set_defaults(func=cmd_prompts_activate)
    pr.add_parser("rollback", help="return to the prompt set active before this one").set_defaults(func=cmd_prompts_rollback)
    pe = pr.add_parser("export", help="copy a prompt set file out of the station")
    pe.add_argument("id", type=int)
    pe.add_argument("out")
    pe.set_defaults(func=cmd_prompts_export)
    pi = pr.add_parser("import", help="register a prompt set file from another station")
    pi.add_argument("file")
    pi.add_argument("--name", default=None)
    pi.set_defaults(func=cmd_prompts_import)

    st = sub.add_parser("selftest", help="offline self-tests (manager)").add_subparsers(dest="selftest_command", metavar="ACTION", required=True)
    sp = st.add_parser("prm", help="attack the station's own CLIP with PRM and score the station")
    sp.add_argument("--eps", default="8", help="L-inf budgets in 0..255 pixel units, comma separated (default 8)")
    sp.add_argument("--iters", type=int, default=250, help="attack iterations (official: 250)")
    sp.add_argument("--images", type=int, default=30, help="reference frames")
    sp.add_argument("--reference", default="generated", help="generated | reviews | a labelled FOLDER/<class>/*.png")
    sp.add_argument("--batch", type=int, default=8)
    sp.add_argument("--random-start", type=float, default=0.0, help="start from a uniform perturbation of this size (0..255 units)")
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--no-images", action="store_true", help="do not keep the attacked images")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--quiet", action="store_true")
    sp.set_defaults(func=cmd_selftest_prm)
    sb = st.add_parser("backdoor", help="probe the foundation model for backdoor triggers")
    sb.add_argument("--images", type=int, default=60, help="reference frames")
    sb.add_argument("--reference", default="generated", help="generated | reviews | a labelled FOLDER/<class>/*.png")
    sb.add_argument("--seed", type=int, default=0)
    sb.add_argument("--json", action="store_true")
    sb.add_argument("--quiet", action="store_true")
    sb.set_defaults(func=cmd_selftest_backdoor)
    sh2 = st.add_parser("history", help="earlier self-test runs")
    sh2.add_argument("--limit", type=int, default=20)
    sh2.add_argument("--json", action="store_true")
    sh2.set_defaults(func=cmd_selftest_history)
    sr = st.add_parser("report", help="a self-contained HTML report of one run")
    sr.add_argument("run", type=int)
    sr.add_argument("--out", default=None, help="file to write (default: selftest-RUN.html)")
    sr.set_defaults(func=cmd_selftest_report)
    return p


def main(argv: list[str] | None = None) -> int:
    from .auth import AuthError, PermissionDenied
    from .capture import ImageDecodeError, SourceUnavailable
    from .config import ConfigError
    from .models.files import ModelFileError
    from .pack import PackError
    from .prompts.registry import PromptSetError
    from .storage.db import DatabaseError

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
    except (CliError, ModelFileError, SourceUnavailable, ImageDecodeError, ConfigError, DatabaseError, AuthError,
            PermissionDenied, PromptSetError, PackError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
