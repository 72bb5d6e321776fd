"""Self-tests: PRM, the backdoor probe, history and reports."""

from __future__ import annotations

import json
from pathlib import Path

from .common import CliError, data_folder_free, open_db, open_records_of, progress_printer, reader_from_args, sign_in_from_args


def _run_selftest(args, stage: str, start) -> tuple[int, str, dict] | None:
    """Open the station, sign in a manager, run `start(station, user, progress)`; returns (run, status, summary)."""
    data_folder_free(args)
    from ..service.accounts import check_permission
    from ..service.inspection import open_station
    from ..service.selftests import stored_outcome

    station = open_station(args.data_dir)
    try:
        user = sign_in_from_args(args, station.db, needed=True)
        check_permission(station.db, user, "selftest.run")
        run_id = start(station, user, progress_printer(stage, args.quiet or args.json))
        status, summary = stored_outcome(station.db, run_id)
    finally:
        station.close()
    if args.json:
        print(json.dumps({"run": run_id, "status": status, "summary": summary}, indent=2))
        return None
    return run_id, status, summary


def cmd_selftest_prm(args) -> int:
    from ..service.selftests import PrmRunSettings, parse_strengths, run_prm

    eps = parse_strengths(args.eps)  # the GUI's rule too; a StrengthError is a StationError, shown without traceback
    settings = PrmRunSettings(eps=eps, iterations=args.iters, batch_size=args.batch, random_start=args.random_start / 255,
                              seed=args.seed, keep_images=not args.no_images, mode=args.mode)
    result = _run_selftest(args, "prm", lambda st, user, progress: run_prm(
        st, user, _reference_frames(args, st), settings, progress=progress))
    if result:
        print(_prm_table(*result))
    return 0


def _prm_table(run_id: int, status: str, summary: dict) -> str:
    from ..service.selftests import INEFFECTIVE_TEXT, strength_line

    lines = [f"PRM self-test run {run_id} ({summary.get('mode', 'frame')} mode): {status}",
             f"{'attack':<14}{'images':>7}{'correct':>9}{'caught':>8}{'silent':>8}{'escape':>8}"
             f"{'A clean':>9}{'A attacked':>11}{'B clean':>9}{'B attacked':>11}"]
    clean = summary.get("clean", {})
    if clean:
        lines.append(f"{'none (clean)':<14}{'':>7}{clean['correct']:>9.0%}{clean['caught']:>8.0%}"
                     f"{clean['silent_failure']:>8.0%}{clean['defect_escape']:>8.0%}")
    for variant, m in summary.get("by_eps", {}).items():
        lines.append(f"{variant:<14}{m['images']:>7}{m['correct']:>9.0%}{m['caught']:>8.0%}{m['silent_failure']:>8.0%}"
                     f"{m['defect_escape']:>8.0%}{m['check_a_clean']:>9.0%}{m['check_a_attacked']:>11.0%}"
                     f"{m['check_b_clean']:>9.0%}{m['check_b_attacked']:>11.0%}"
                     + ("  INEFFECTIVE" if not m.get("attack_effective", True) else ""))
    lines.append("correct: right verdict; caught: sent to review; silent: wrong, not reviewed; "
                 "escape: a defective part passed")
    for variant, m in summary.get("by_eps", {}).items():
        lines.append(f"{variant}: {strength_line(m)}")
    if summary.get("by_eps") and not summary.get("attack_effective", True):
        lines.append(f"\nWARNING -- {INEFFECTIVE_TEXT} (neither check fell by "
                     f"{summary.get('ineffective_margin', 0):.0%} or more); raise --eps or --iters, or try --mode input")
    if summary.get("check_b_not_independent"):
        from ..service.selftests import NOT_INDEPENDENT_TEXT

        lines.append(f"\nFINDING -- {NOT_INDEPENDENT_TEXT}: a second check trained on CLIP's features falls with "
                     "CLIP; use one that sees pixels only (a product's own check B, or the demo CNN)")
    return "\n".join(lines)


def _reference_frames(args, station):
    from ..service.selftests import ReferenceKind, reference_frames

    named = (ReferenceKind.GENERATED, ReferenceKind.REVIEWS, ReferenceKind.PRODUCT)
    kind = args.reference if args.reference in named else ReferenceKind.FOLDER
    return reference_frames(station, kind, args.images, folder=args.reference, seed=args.seed + 4242)


def cmd_selftest_backdoor(args) -> int:
    from ..service.selftests import InversionSettings, run_probe

    inversion = None if args.no_inversion else InversionSettings(
        **{k: v for k, v in (("steps", args.inversion_steps), ("seed", args.seed)) if v is not None})
    result = _run_selftest(args, "backdoor probe", lambda st, user, progress: run_probe(
        st, user, _reference_frames(args, st), inversion, progress=progress))
    if result is None:
        return 0
    print(_probe_table(*result))
    return 0


def _probe_table(run_id: int, status: str, summary: dict) -> str:
    """Per trigger: raw rates and what the trigger adds above the clean frames' own rates."""
    from ..service.selftests import inversion_line, station_line

    lines = [f"Backdoor probe run {run_id}: {status}"]
    if station_line(summary):
        lines.append(station_line(summary)[:1].upper() + station_line(summary)[1:])
        for name, f in summary["station"]["by_trigger"].items():
            lines.append(f"  {name:<22} passed by the station {f['pass_rate']:>6.1%} of {f['defects']} triggered "
                         f"defective parts (95% upper bound {f['pass_rate_upper']:.1%})")
    for setting, acc in summary["clean_accuracy"].items():
        base = summary.get("baseline", {}).get(setting, {})
        lines.append(f"{setting}: clean accuracy {acc:.0%}; clean frames already passing defects "
                     f"{base.get('defects_passed', 0):.0%}")
        lines.append(f"  {'trigger':<22}{'defects passed':>15}{'above clean':>12}{'top flip':>10}{'above clean':>12}"
                     "  to class")
        for variant, passed in summary["defects_passed"].items():
            if not variant.endswith(f"({setting})"):
                continue
            above = summary["asr_above_baseline"][variant]
            target = max(above, key=above.get)
            lines.append(f"  {variant.removesuffix(f' ({setting})'):<22}{passed:>15.0%}"
                         f"{summary['defects_passed_above_baseline'][variant]:>+12.0%}"
                         f"{summary['asr'][variant][target]:>10.0%}{above[target]:>+12.0%}  {target}")
        w, p = summary["worst"].get(setting, {}), summary["worst_defects_passed"].get(setting, {})
        if p:
            lines.append(f"  worst: defects passed {p['rate']:.0%} ({p['above_baseline']:+.0%} over clean, "
                         f"{p['trigger']}); flip to one class {w['asr']:.0%} ({w['above_baseline']:+.0%} over "
                         f"clean, {w['trigger']} -> {w['target']})")
    if "inversion" in summary:
        lines.append(inversion_line(summary["inversion"]))
    lines.append("above clean: the rate minus the same rate on the unstamped frames, i.e. what the trigger adds")
    lines.append(f"per trigger and target: station selftest history --json, or the report (station selftest report {run_id})")
    return "\n".join(lines)


def cmd_selftest_report(args) -> int:
    from ..service.selftests import export_report

    records = open_records_of(args)
    reader_from_args(args, records.db)
    out = export_report(records, args.run, Path(args.out or f"selftest-{args.run}.html"))
    print(f"report written to {out}")
    return 0


def cmd_selftest_history(args) -> int:
    from ..service.selftests import RunStatus, history

    db = open_db(args)
    reader_from_args(args, db)
    runs = history(db, limit=args.limit)
    # the stored status ('done' for an ineffective attack too: --json keeps what the database says)
    rows = [{"run": r.id, "kind": r.kind, "status": "done" if r.status is RunStatus.INEFFECTIVE else r.status.value,
             "started": r.started_at.isoformat(), "finished": r.finished_at.isoformat() if r.finished_at else None,
             "params": r.parameters, "summary": r.summary, "prompt_set": r.prompt_set_id} for r in runs]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    from ..service.selftests import run_note

    for r in rows:
        note = run_note(r["kind"], r["summary"])
        print(f"#{r['run']:<5} {r['kind']:<9} {r['status']:<10} {r['started'][:19]}  {note}")
    if not rows:
        print("no self-test runs yet")
    return 0


def cmd_selftest_due(args) -> int:
    """The schedule; with --run, the due tests, run as a signed-in manager or, unattended, as the scheduler."""
    from ..service.accounts import check_permission
    from ..service.selftests import due_now, run_due

    if args.images is not None and args.images < 2:
        raise CliError(f"--images {args.images}: a self-test needs at least 2 reference frames")
    records = open_records_of(args)
    try:
        user = sign_in_from_args(args, records.db)
        if args.run and not (user is None and args.unattended):
            check_permission(records.db, user, "selftest.run")  # by hand: a manager; unattended only when asked
        _, due, now = due_now(records)
    finally:
        records.close()
    runs = {}
    if args.run and due:
        data_folder_free(args)
        from ..service.inspection import open_station

        station = open_station(args.data_dir)
        try:
            runs = run_due(station, due, user, args.images,
                           progress=progress_printer("due self-tests", args.quiet or args.json))
        finally:
            station.close()
    records = open_records_of(args)
    try:
        states, due, now = due_now(records)  # after the runs: what is due now
    finally:
        records.close()
    if args.json:
        print(json.dumps({"now": now.isoformat(), "due": due, "ran": runs,
                          "schedule": [{"kind": x.kind, "every_days": x.every_days, "status": x.status(now),
                                        "last_run": x.last_run.isoformat() if x.last_run else None,
                                        "next_due": x.next_due.isoformat() if x.next_due else None} for x in states]},
                         indent=2))
        return 0
    for x in states:
        print(x.describe(now))
    for kind, run_id in runs.items():
        print(f"ran {kind}: run {run_id} (station selftest report {run_id})")
    if due and not args.run:
        print(f"due now: {', '.join(due)}; run them with: station selftest due --run")
    return 0
