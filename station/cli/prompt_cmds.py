"""RVPT prompt sets."""

from __future__ import annotations

import json
import sys

from .common import data_folder_free, open_records_of, progress_printer, reader_from_args, sign_in_from_args


def cmd_prompts_tune(args) -> int:
    data_folder_free(args)
    from ..service.accounts import check_permission
    from ..service.inspection import open_station
    from ..service.prompt_sets import RvptRecipe, collect_shots, tune

    station = open_station(args.data_dir)
    try:
        user = sign_in_from_args(args, station.db, needed=True)
        check_permission(station.db, user, "prompts.manage")
        shots = collect_shots(station, args.folder)
        for reason in shots.skipped:
            print(f"skipped: {reason}", file=sys.stderr)
        recipe = RvptRecipe(first_prompted_block=args.depth, tokens_per_block=args.tokens, shots_per_class=args.shots,
                            epochs=args.epochs, seed=args.seed)
        if args.choose:
            print(f"Tuning RVPT prompts: {recipe.shots_per_class} shots per class, a quarter held out; each recipe of "
                  f"the grid for up to {recipe.epochs} epochs, D, b, alpha and the epoch chosen on the held-out "
                  "shots ...", file=sys.stderr)
        else:
            print(f"Tuning RVPT prompts: {recipe.shots_per_class} shots per class, D={recipe.first_prompted_block}, "
                  f"b={recipe.tokens_per_block}, {recipe.epochs} epochs ...", file=sys.stderr)

        # each recipe tried is a line worth reading, also with --quiet (which silences the passes of one tuning)
        progress = progress_printer("recipe", every=True) if args.choose else progress_printer("tuning", args.quiet)
        made = tune(station, user, recipe, name=args.name, make_live=args.activate, choose=args.choose,
                    progress=progress, shots=shots)
    finally:
        station.close()
    m = made.metrics
    costly = bool(m.get("chosen_on_held_out")) and not m.get("within_budget")
    if m.get("chosen_on_held_out"):
        print(f"chosen on held-out shots: D={made.first_prompted_block} b={made.tokens_per_block} "
              f"alpha={made.recipe['alpha']:g}, epoch {m['epoch']:g}: held-out accuracy "
              f"{m['held_out_accuracy']:.1%} (frozen {m['frozen_held_out_accuracy']:.1%})")
    if costly:
        print(f"WARNING: no recipe stayed within 2 points of the frozen model's held-out accuracy: this set costs "
              f"{m['frozen_held_out_accuracy'] - m['held_out_accuracy']:.1%} on clean parts. Give more shots "
              "(--shots, or review more frames) before making it live.", file=sys.stderr)
    print(f"prompt set {made.name} v{made.version} (id {made.id}) registered"
          + (" and activated" if args.activate else
             "" if costly else "; activate it with: station prompts activate " + str(made.id)))
    return 0


def cmd_prompts_list(args) -> int:
    from ..service.prompt_sets import prompt_sets_on_disk

    records = open_records_of(args)
    reader_from_args(args, records.db)
    rows = prompt_sets_on_disk(records)
    if args.json:
        print(json.dumps([{"id": r.id, "name": r.name, "version": r.version, "active": r.active, "b": r.tokens_per_block,
                           "D": r.first_prompted_block, "base_model": r.base_model_sha256, "metrics": r.metrics}
                          for r in rows], indent=2))
        return 0
    for r in rows:
        print(f"{'*' if r.active else ' '} {r.id:>4}  {r.name} v{r.version}  D={r.first_prompted_block} "
              f"b={r.tokens_per_block}  created {r.created_at:%Y-%m-%d %H:%M}  base {r.base_model_sha256[:12]}")
    if not rows:
        print("no prompt sets yet (station prompts tune)")
    return 0


def cmd_prompts_show(args) -> int:
    from ..service.prompt_sets import prompt_set_details

    records = open_records_of(args)
    reader_from_args(args, records.db)
    print(json.dumps(prompt_set_details(records, args.id), indent=2))
    return 0


def _live_now(args, prompt_set_id: int | None, reason: str = "") -> int:
    from ..service.prompt_sets import activate_on_disk

    records = open_records_of(args)
    user = sign_in_from_args(args, records.db, needed=True)
    row = activate_on_disk(records, user, prompt_set_id, reason)
    print(f"active prompt set: {row.name} v{row.version} (id {row.id})" if row else "no prompt set is active")
    return 0


def cmd_prompts_activate(args) -> int:
    return _live_now(args, args.id, args.reason)


def cmd_prompts_rollback(args) -> int:
    return _live_now(args, None)


def cmd_prompts_export(args) -> int:
    from ..service.prompt_sets import export_prompt_set

    records = open_records_of(args)
    reader_from_args(args, records.db)
    made = export_prompt_set(records, args.id, args.out)
    print(f"prompt set {made.name} v{made.version} exported to {args.out}")
    return 0


def cmd_prompts_import(args) -> int:
    from ..service.prompt_sets import import_prompt_set

    records = open_records_of(args)
    user = sign_in_from_args(args, records.db, needed=True)
    made = import_prompt_set(records, user, args.file, name=args.name or "")
    print(f"imported as {made.name} v{made.version} (id {made.id}); activate it with: station prompts activate "
          f"{made.id}")
    return 0
