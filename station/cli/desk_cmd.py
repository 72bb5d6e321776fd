"""`station desk`: the plant's central review desk ([plant] database_url and objects in the settings)."""

from __future__ import annotations

import json


def cmd_desk(args) -> int:
    """The desk window; with --list, the frames waiting at the plant, oldest first (no window, no sign-in: what
    the plant database's own credentials let anyone read)."""
    if not args.list:
        from .demo_cmds import launch_window

        return launch_window(_desk_window, "plant review desk", args.data_dir)
    from ..service.desk import open_desk

    desk = open_desk(args.data_dir, signing=False)
    try:
        frames, waiting = desk.waiting(station=args.station, product=args.product, limit=args.limit)
    finally:
        desk.close()
    if args.json:
        print(json.dumps({"waiting": waiting, "frames": [
            {"station": f.station, "sequence": f.sequence, "at": f.created_at.isoformat(), "product": f.product,
             "reason": f.reason, "label_a": f.label_a, "conf_a": round(f.conf_a, 4), "label_b": f.label_b,
             "conf_b": round(f.conf_b, 4), "image_sha256": f.image_sha256} for f in frames]}))
        return 0
    for f in frames:
        print(f"{f.station:<16} #{f.sequence:<7} {f.created_at.astimezone():%Y-%m-%d %H:%M:%S}  {f.product or '-':<12} "
              f"A: {f.label_a} {f.conf_a:.2f}  B: {f.label_b} {f.conf_b:.2f}  ({f.reason})")
    more = "more than 1,000" if waiting > 1000 else str(waiting)
    print(f"{more} frames wait at the plant's desk" + (f"; the oldest {len(frames)} shown" if frames else ""))
    return 0


def _desk_window():
    from ui.desk_app import main

    return main
