"""Model files and frame sources (station packs: pack_cmds)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from .common import acting, CliError, open_db, reader_from_args, sign_in_from_args


def cmd_models_import(args) -> int:
    from dataclasses import replace

    from ..config import load
    from ..models.importer import import_clip_checkpoint
    from ..settings import change_settings

    cfg = load(args.data_dir)
    db = open_db(args)
    user = sign_in_from_args(args, db, needed=True)
    with db.transaction() as s:
        record = import_clip_checkpoint(s, args.data_dir, args.file, args.arch, acting(s, user), args.sha256,
                                        quick_gelu=args.quick_gelu)
        dest, sha = record.path, record.sha256
    print(f"imported {args.arch} (sha256 {sha}) to {dest}")
    if args.use:
        new = replace(cfg, model=replace(cfg.model, clip=dest, clip_arch=args.arch, clip_quick_gelu=args.quick_gelu))
        change_settings(db, args.data_dir, cfg, new, user)
        print("the station uses it from its next start; prompt sets made for the old model are refused with it")
    return 0


def cmd_models_verify(args) -> int:
    from ..models.files import verify_manifest

    manifest = verify_manifest(Path(args.folder))
    for name, sha in manifest["files"].items():
        print(f"ok  {sha}  {name}")
    return 0


def cmd_models_check(args) -> int:
    """Load a CLIP checkpoint or folder the way the station would, and report what it is."""
    from ..models.clip_store import ClipSpec, load_clip_checkpoint, load_clip_folder

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

    from ..config import load
    from ..models.preprocess import to_model_input
    from ..models.second_check import save_linear_probe, train_linear_probe
    from ..prompts.shots import from_folder, from_reviews
    from ..runtime import load_foundation
    from ..storage.images import ImageStore

    cfg = load(args.data_dir)
    keys, names = [c.key for c in cfg.classes], [c.name for c in cfg.classes]
    clip = load_foundation(cfg, args.data_dir)
    if args.folder:
        shots = from_folder(args.folder, keys, names)
        images, labels = shots.images, shots.labels
    elif args.generated:
        from ..catalog import CLASS_INDEX
        from ..synth.samples import draw_sample

        unknown = [k for k in keys if k not in CLASS_INDEX]
        if unknown:
            raise CliError(f"classes {unknown} are not generated parts; train from --folder or reviewed frames")
        images = [draw_sample(args.seed, i, 256, class_index=CLASS_INDEX[keys[i % len(keys)]]).image
                  for i in range(args.generated)]
        labels = [i % len(keys) for i in range(args.generated)]
    else:
        db = open_db(args)
        reader_from_args(args, db)  # reviewed frames are the station's records
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


def cmd_capture_check(args) -> int:
    """Read frames from a source and report what arrived: for setting up a camera."""
    from ..capture import open_source

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
