"""The input gate's reference bank: build it again, show its versions."""

from __future__ import annotations

import json

from .common import data_folder_free, open_db, open_records_of, progress_printer, reader_from_args, sign_in_from_args


def cmd_gate_build(args) -> int:
    data_folder_free(args)
    from ..service.accounts import check_permission
    from ..service.inspection import open_station
    from ..service.prompt_sets import rebuild_reference_bank

    db = open_db(args)  # who may build is settled before the models load
    try:
        user = sign_in_from_args(args, db, needed=True)
        check_permission(db, user, "gate.manage")
    finally:
        db.close()
    station = open_station(args.data_dir)
    try:
        bank = rebuild_reference_bank(station, user, progress_printer("reference bank", args.quiet),
                                      generated=args.generated, heldout=args.heldout, use_reviews=not args.no_reviews,
                                      folder=args.folder)
    finally:
        station.close()
    c = bank.calibration
    print(f"reference bank v{bank.version}: {bank.frames} frames; calibrated on {c['heldout_frames']} held-out frames "
          f"to {c['target']:.1%} extra reviews (measured {c['false_review']:.1%}); thresholds appearance "
          f"{bank.thresholds['appearance']:.4f}, layout {bank.thresholds['layout']:.4f}; active now")
    return 0


def cmd_gate_show(args) -> int:
    from ..service.prompt_sets import gate_state_on_disk, reference_banks

    records = open_records_of(args)
    cfg = records.config.gate
    try:
        reader_from_args(args, records.db)
        banks = reference_banks(records)
    finally:
        records.close()
    state, why = gate_state_on_disk(records, next((b for b in banks if b.active), None))
    if args.json:
        print(json.dumps({"settings": cfg.__dict__, "state": state, "why": why, "banks": [b.as_dict() for b in banks]},
                         indent=2))
        return 0
    if state == "closed":
        print(f"input gate CLOSED: every frame goes to review: {why}")
    else:
        print(f"input gate {'on' if cfg.enabled else 'OFF'}: a frame passes only if a whole part like the bank's is in "
              f"view (k = {cfg.neighbours}, calibration target {cfg.false_review_target:.1%} extra reviews)")
    for b in banks:
        c = b.calibration
        print(f"{'*' if b.active else ' '} v{b.version:<3} {b.frames:>6} frames  {b.created_at.isoformat()[:16]}  "
              f"appearance <= {b.thresholds['appearance']:.4f}, layout <= {b.thresholds['layout']:.4f}  "
              f"(held-out extra reviews {c.get('false_review', 0):.1%})")
    if not banks:
        print("no reference bank yet: every frame goes to review until a manager runs: station gate build")
    return 0
