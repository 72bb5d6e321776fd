"""Inspecting, history, the review queue, accounts, the fail-safe, the audit trail."""

from __future__ import annotations

import json
import math
import sys
import time

from .common import (
    CliError, data_folder_free, inspecting_user, open_db, open_db_to_read, open_records_of, reader_from_args, sign_in_from_args,
    source_from_args, stop_on_signals,
)


def cmd_inspect(args) -> int:
    data_folder_free(args)
    import statistics

    from ..progress import Callbacks
    from ..service.inspection import Pipeline, open_station

    user = inspecting_user(args)  # who may inspect is settled before the models load
    station = open_station(args.data_dir)
    try:
        source = source_from_args(args, station.config)
        pipeline = Pipeline(station, operator=user, source_name=source.description)
        names = station.class_names
        latencies, verdicts, correct, known = [], {}, 0, 0
        if pipeline.manual_mode:
            print("MANUAL MODE: the fail-safe has tripped; every frame goes to review until a manager resets it "
                  "(station failsafe reset).", file=sys.stderr)

        def show(r):
            nonlocal correct, known
            d = r.decision
            latencies.append(r.recorded_latency_ms)  # the figure `history` and `review show` read back
            verdicts[d.verdict] = verdicts.get(d.verdict, 0) + 1
            if r.frame.truth is not None:
                known += 1
                correct += (d.verdict == "PASS") == station.good.get(r.frame.truth, False) and d.verdict != "REVIEW"
            if args.json:
                print(json.dumps({"inspection": r.inspection_id, "frame": r.frame.index, "product": r.product,
                                  "origin": r.frame.origin, "verdict": d.verdict,
                                  "reason": d.reason, "label_a": d.a.label, "conf_a": round(d.a.confidence, 4),
                                  "label_b": d.b.label, "conf_b": round(d.b.confidence, 4),
                                  "latency_ms": round(r.recorded_latency_ms, 2),
                                  "committed_ms": round(r.latency_ms, 2), "truth": r.frame.truth,
                                  "manual_mode": r.manual_mode}), flush=True)
            else:
                print(verdict_line(r, names), flush=True)
            if r.alarm_raised:
                print("ALARM: too many frames need review; the station is now in manual mode", file=sys.stderr)

        t0 = time.monotonic()
        with stop_on_signals() as stop:  # Ctrl+C ends the run; the summary below still prints
            done = pipeline.run(source, max_frames=args.frames, on_result=show, progress=Callbacks(should_stop=stop.is_set))
        elapsed = max(time.monotonic() - t0, 1e-9)
        summary = {
            "frames": done, "verdicts": verdicts, "seconds": round(elapsed, 2), "frames_per_s": round(done / elapsed, 2),
            "latency_ms_mean": round(statistics.fmean(latencies), 2) if latencies else None,
            "latency_ms_p95": round(nearest_rank(latencies, 0.95), 2) if latencies else None,
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


def nearest_rank(values: list[float], q: float) -> float:
    """The q-quantile by nearest rank: the smallest value with at least q of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def verdict_line(r, names: dict[str, str]) -> str:
    """One inspection result for people: id, verdict, both checks' classes and confidences, latency, reason."""
    d = r.decision
    return (f"#{r.inspection_id:<7} {d.verdict:<6}  A: {names[d.a.label]:<24} {d.a.confidence:5.2f}  "
            f"B: {names[d.b.label]:<24} {d.b.confidence:5.2f}  {r.recorded_latency_ms:7.1f} ms"
            f"{'  (' + d.reason + ')' if d.reason else ''}")


def cmd_history(args) -> int:
    from ..service.review_queue import history

    records = open_records_of(args)
    reader_from_args(args, records.db)
    rows, counts = history(records, args.limit)
    if args.json:
        print(json.dumps({"inspections": [r.as_dict() for r in rows], "counts": counts}, indent=2))
        return 0
    for r in rows:
        print(f"#{r.id:<7} {r.at:%Y-%m-%d %H:%M:%S}  {r.verdict:<6}  A {r.label_a} {r.conf_a:.2f}  "
              f"B {r.label_b} {r.conf_b:.2f}{'  (' + r.reason + ')' if r.reason else ''}"
              f"{'  reviewed: ' + r.review_label if r.review_label is not None else ''}")
    print("totals: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no inspections yet"))
    return 0


def cmd_review_list(args) -> int:
    from ..service.review_queue import waiting

    records = open_records_of(args)
    reader_from_args(args, records.db)
    rows, total = waiting(records, after_id=args.after, limit=args.limit)
    if args.json:  # counting stops at a limit: past it, "pending" is that limit and "pending_more" says more wait
        print(json.dumps({"pending": total.count, "pending_more": total.more, "items": [r.as_dict() for r in rows]},
                         indent=2))
        return 0
    for r in rows:
        print(f"#{r.id:<7} {r.at:%Y-%m-%d %H:%M:%S}  {r.reason:<34} A {r.label_a} {r.conf_a:.2f}  B {r.label_b} "
              f"{r.conf_b:.2f}")
    print(f"{'more than ' if total.more else ''}{total.count:,} waiting for review"
          + (f"; next page: --after {rows[-1].id}" if rows and len(rows) == args.limit else ""))
    return 0


def cmd_review_show(args) -> int:
    from ..service.review_queue import ReviewError, inspection

    records = open_records_of(args)
    reader_from_args(args, records.db)
    try:
        line, image, answers = inspection(records, args.id)
    except ReviewError as e:
        raise CliError(str(e)) from e
    print(json.dumps({**line.as_dict(), "image_file": str(image), "classes": [a.key for a in answers]}, indent=2))
    return 0


def cmd_review_decide(args) -> int:
    from ..service.review_queue import ReviewError, decide

    records = open_records_of(args)
    user = sign_in_from_args(args, records.db, needed=True)
    try:
        good = decide(records, user, args.id, args.label, note=args.note)
    except ReviewError as e:
        raise CliError(str(e)) from e
    print(f"inspection {args.id}: recorded as {args.label} ({'good' if good else 'defective'}) by {user.username}")
    return 0


def cmd_users_add(args) -> int:
    import getpass
    import os

    from ..service.accounts import add_account, needs_first_account

    db = open_db(args)
    actor = None if needs_first_account(db) else sign_in_from_args(args, db, needed=True)
    password = os.environ.get("STATION_NEW_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise CliError("no password for the new account: set STATION_NEW_PASSWORD or run from a terminal")
        password = getpass.getpass(f"new password for {args.username}: ")
    add_account(db, actor, args.username, args.role, password, display_name=args.name or "", via="cli")
    print(f"user {args.username} ({args.role}) added")
    return 0


def cmd_users_list(args) -> int:
    from ..service.accounts import accounts

    db = open_db(args)
    user = reader_from_args(args, db, permission="users.manage")
    for u in accounts(db, user) if user is not None else []:  # None: a station without accounts yet
        print(f"{u.username:<20} {u.role:<9} {'active' if u.active else 'deactivated'}")
    return 0


def cmd_failsafe_status(args) -> int:
    from ..service.alarms import open_alarm

    db = open_db(args)
    reader_from_args(args, db)
    alarm = open_alarm(db)
    if alarm is None:
        print("normal: the station decides PASS/FAIL on its own")
    else:
        print(f"MANUAL MODE since {alarm.raised_at:%Y-%m-%d %H:%M:%S}: {json.dumps(alarm.detail)}; "
              "a manager resets it with: station --user NAME failsafe reset")
    return 0


def cmd_failsafe_reset(args) -> int:
    from ..service.alarms import reset_alarms

    db = open_db(args)
    try:
        user = sign_in_from_args(args, db, needed=True)
        closed = reset_alarms(db, user, note=args.note)
    finally:
        db.close()
    print(f"fail-safe reset by {user.username}: {closed} alarm(s) closed; automatic verdicts resume")
    return 0


def cmd_db_upgrade(args) -> int:
    """The one command (besides a station starting on its own database) that changes the schema."""
    from ..service.records import upgrade_database

    before, after = upgrade_database(args.data_dir)
    print(f"database schema {before or 'none'} -> {after}" if before != after else f"database schema {after}: current")
    return 0


def _verify_plant(args) -> int:
    from ..service.plant import verify_plant_trails

    records = open_records_of(args)
    try:
        trails = verify_plant_trails(records)
    finally:
        records.close()
    if args.json:
        print(json.dumps([{"station": t.station, "ok": t.ok, "events": t.events, "sealed_frames": t.sealed_frames,
                           "newer_frames": t.newer_frames, "findings": t.findings, "more": t.more} for t in trails]))
        return 0 if all(t.ok for t in trails) else 1
    for t in trails:
        waiting = f"; {t.newer_frames} newer frames wait for their seals to arrive" if t.newer_frames else ""
        if t.ok:
            print(f"{t.station}: trail intact, {t.events} events in one chain; {t.sealed_frames} frames sealed in "
                  f"it{waiting}")
        else:
            print(f"{t.station}: trail NOT intact ({len(t.findings) + t.more} problem(s) in {t.events} events)")
            for finding in t.findings:
                print(f"  - {finding}")
    if not trails:
        print("the plant holds no station's trail yet")
    print("MACs are checked at each station (its key never leaves it): run `station audit verify` there")
    return 0 if all(t.ok for t in trails) else 1


def cmd_audit_verify(args) -> int:
    """A read-only check for whoever can read the data folder: no sign-in, so it runs when accounts, the trail or
    the key are the very things that were damaged."""
    from ..service.records import check_station_records

    if args.plant:
        return _verify_plant(args)
    db = open_db_to_read(args)
    try:
        report = check_station_records(db, args.data_dir)
    finally:
        db.close()
    for note in report.notes:
        print(f"note: {note}")
    if report.ok:
        print(f"audit trail intact: {report.events} events; {report.records} records match their seals")
        return 0
    print(f"audit trail NOT intact: {len(report.findings) + report.more} problem(s) in {report.events} events "
          f"and {report.records} records")
    for finding in report.findings:
        print(f"  - {finding}")
    if report.more:
        print(f"  ... and {report.more} more")
    print("Keep a copy of the data folder as it is now and report this to IT and quality.")
    return 1
