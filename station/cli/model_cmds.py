"""Model files and frame sources (station packs: pack_cmds)."""

from __future__ import annotations

import json
import time

from .common import open_records_of, reader_from_args, sign_in_from_args


def cmd_models_import(args) -> int:
    from ..service.models import import_clip

    records = open_records_of(args)
    user = sign_in_from_args(args, records.db, needed=True)
    dest, sha = import_clip(records, user, args.file, args.arch, args.sha256, quick_gelu=args.quick_gelu,
                            use_from_next_start=args.use)
    print(f"imported {args.arch} (sha256 {sha}) to {dest}")
    if args.use:
        print("the station uses it from its next start; prompt sets made for the old model are refused with it")
    return 0


def cmd_models_verify(args) -> int:
    from ..service.models import verify_model_folder

    for name, sha in verify_model_folder(args.folder).items():
        print(f"ok  {sha}  {name}")
    return 0


def cmd_models_check(args) -> int:
    """Load a CLIP checkpoint or folder the way the station would, and report what it is."""
    from ..service.models import check_clip

    print(json.dumps(check_clip(args.path, args.arch, args.quick_gelu, args.sha256), indent=2))
    return 0


def cmd_models_train_probe(args) -> int:
    """Train check B as a linear probe on the station's frozen CLIP features."""
    from ..service.models import train_linear_probe

    records = open_records_of(args)
    if not args.folder and not args.generated:
        reader_from_args(args, records.db)  # reviewed frames are the station's records
    clip_sha, images = train_linear_probe(records, args.out, folder=args.folder, generated=args.generated,
                                          seed=args.seed)
    print(f"linear probe on CLIP {clip_sha[:12]} trained on {images} images, written to {args.out}; "
          f"use it with [model] check_b = \"linear_probe\", check_b_path = \"{args.out}\"")
    return 0


def cmd_capture_check(args) -> int:
    """Read frames from a source and report what arrived: for setting up a camera."""
    from ..service.sources import open_source

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
