"""The input gate's reference bank: build it again, show its versions."""

from __future__ import annotations

import json

from .common import open_db, progress_printer, sign_in_from_args, reader_from_args


def cmd_gate_build(args) -> int:
    from ..runtime import Station
    from ..gate.store import build_bank

    from ..auth import require

    db = open_db(args)  # who may build is settled before the models load
    try:
        user = sign_in_from_args(args, db, needed=True)
        require(user, "gate.manage")
    finally:
        db.close()
    station = Station.open(args.data_dir)
    try:
        row = build_bank(station, user, generated=args.generated, heldout=args.heldout, use_reviews=not args.no_reviews,
                         progress=progress_printer("reference bank", args.quiet))
    finally:
        station.close()
    c = row.calibration
    print(f"reference bank v{row.version}: {row.frames} frames; calibrated on {c['heldout_frames']} held-out frames to "
          f"{c['target']:.1%} extra reviews (measured {c['false_review']:.1%}); thresholds appearance "
          f"{row.thresholds['appearance']:.4f}, layout {row.thresholds['layout']:.4f}; active now")
    return 0


def _gate_state(data_dir, cfg, active) -> tuple[str, str]:
    """As the station would open its gate: 'off', 'closed' (with why) or 'on', reading the bank file without the
    models (its hash and its model's fingerprint are checked, as at start)."""
    from ..gate.bank import load_bank
    from ..models.files import ModelFileError
    from ..models.identity import foundation_sha256
    from ..paths import data_path

    if not cfg.gate.enabled:
        return "off", ""
    if active is None:
        return ("on", "") if cfg.model.clip == "demo" else ("closed", "no reference bank yet: station gate build")
    try:
        load_bank(data_path(data_dir, active.path), expected_sha256=active.sha256,
                  model_sha256=foundation_sha256(cfg, data_dir))
    except ModelFileError as e:
        return "closed", f"reference bank refused: {e}"
    return "on", ""


def cmd_gate_show(args) -> int:
    from sqlalchemy import select

    from ..config import load
    from ..storage.models import ReferenceBankRecord

    station_cfg = load(args.data_dir)
    cfg = station_cfg.gate
    db = open_db(args)
    reader_from_args(args, db)
    try:
        with db.session() as s:
            rows = list(s.scalars(select(ReferenceBankRecord).order_by(ReferenceBankRecord.version)))
            banks = [{"version": r.version, "active": r.active, "frames": r.frames, "created_at": r.created_at.isoformat(),
                      "thresholds": r.thresholds, "calibration": r.calibration, "sha256": r.sha256,
                      "base_model_sha256": r.base_model_sha256, "path": r.path} for r in rows]
    finally:
        db.close()
    state, why = _gate_state(args.data_dir, station_cfg, next((r for r in rows if r.active), None))
    if args.json:
        print(json.dumps({"settings": cfg.__dict__, "state": state, "why": why, "banks": banks}, indent=2))
        return 0
    if state == "closed":
        print(f"input gate CLOSED: every frame goes to review: {why}")
    else:
        print(f"input gate {'on' if cfg.enabled else 'OFF'}: a frame passes only if a whole part like the bank's is in "
              f"view (k = {cfg.neighbours}, calibration target {cfg.false_review_target:.1%} extra reviews)")
    for b in banks:
        c = b["calibration"]
        print(f"{'*' if b['active'] else ' '} v{b['version']:<3} {b['frames']:>6} frames  {b['created_at'][:16]}  "
              f"appearance <= {b['thresholds']['appearance']:.4f}, layout <= {b['thresholds']['layout']:.4f}  "
              f"(held-out extra reviews {c.get('false_review', 0):.1%})")
    if not banks:
        print("no reference bank yet: every frame goes to review until a manager runs: station gate build")
    return 0
