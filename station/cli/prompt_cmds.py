"""RVPT prompt sets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .common import acting, CliError, open_db, progress_printer, sign_in_from_args, reader_from_args


def cmd_prompts_tune(args) -> int:
    from ..auth import require
    from ..prompts.rvpt import RvptRecipe
    from ..prompts.workflow import collect_shots, tune_and_register
    from ..runtime import Station

    station = Station.open(args.data_dir)
    try:
        user = sign_in_from_args(args, station.db, needed=True)
        require(user, "prompts.manage")
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
        row = tune_and_register(station, user, recipe, name=args.name, make_active=args.activate, progress=progress,
                                shots=shots, choose=args.choose)
        m = row.metrics or {}
        costly = bool(m.get("chosen_on_held_out")) and not m.get("within_budget")
        if m.get("chosen_on_held_out"):
            print(f"chosen on held-out shots: D={row.first_prompted_block} b={row.tokens_per_block} "
                  f"alpha={row.meta['recipe']['alpha']:g}, epoch {m['epoch']:g}: held-out accuracy "
                  f"{m['held_out_accuracy']:.1%} (frozen {m['frozen_held_out_accuracy']:.1%})")
        if costly:
            print(f"WARNING: no recipe stayed within 2 points of the frozen model's held-out accuracy: this set costs "
                  f"{m['frozen_held_out_accuracy'] - m['held_out_accuracy']:.1%} on clean parts. Give more shots "
                  "(--shots, or review more frames) before making it live.", file=sys.stderr)
        print(f"prompt set {row.name} v{row.version} (id {row.id}) registered"
              + (" and activated" if args.activate else
                 "" if costly else "; activate it with: station prompts activate " + str(row.id)))
        return 0
    finally:
        station.close()


def cmd_prompts_list(args) -> int:
    from sqlalchemy import select

    from ..storage.models import PromptSet

    db = open_db(args)

    reader_from_args(args, db)
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
    from ..storage.models import PromptSet

    row = session.get(PromptSet, prompt_set_id)
    if row is None:
        raise CliError(f"prompt set {prompt_set_id} does not exist (see: station prompts list)")
    return row


def cmd_prompts_show(args) -> int:
    db = open_db(args)
    reader_from_args(args, db)
    with db.session() as s:
        r = _prompt_set(s, args.id)
        print(json.dumps({"id": r.id, "name": r.name, "version": r.version, "active": r.active, "path": r.path,
                          "sha256": r.sha256, "base_model_sha256": r.base_model_sha256, "D": r.first_prompted_block,
                          "b": r.tokens_per_block, "classes": r.classes, "metrics": r.metrics, "meta": r.meta}, indent=2))
    return 0


def _manager_prompt_action(args, action) -> int:
    from ..config import load
    from ..models.identity import encoder_shape, foundation_sha256, station_texts_sha256

    cfg = load(args.data_dir)
    db = open_db(args)
    user = sign_in_from_args(args, db, needed=True)
    model_sha, fit = foundation_sha256(cfg, args.data_dir), {"encoder_shape": encoder_shape(cfg, args.data_dir),
                                                             "texts_sha256": station_texts_sha256(cfg)}
    with db.transaction() as s:
        row = action(s, model_sha, acting(s, user), fit)
        print(f"active prompt set: {row.name} v{row.version} (id {row.id})" if row else "no prompt set is active")
    return 0


def cmd_prompts_activate(args) -> int:
    from ..prompts.registry import activate

    return _manager_prompt_action(args, lambda s, sha, u, fit: activate(s, args.id, sha, u, reason=args.reason, **fit))


def cmd_prompts_rollback(args) -> int:
    from ..prompts.registry import rollback

    return _manager_prompt_action(args, lambda s, sha, u, fit: rollback(s, sha, u, **fit))


def cmd_prompts_export(args) -> int:
    import shutil

    from ..prompts.files import load_prompt_set
    from ..prompts.registry import file_of

    db = open_db(args)

    reader_from_args(args, db)
    with db.session() as s:
        r = _prompt_set(s, args.id)
        load_prompt_set(file_of(r, args.data_dir), expected_sha256=r.sha256)
        shutil.copyfile(file_of(r, args.data_dir), args.out)
    print(f"prompt set {r.name} v{r.version} exported to {args.out}")
    return 0


def cmd_prompts_import(args) -> int:
    from ..prompts.registry import register

    db = open_db(args)
    user = sign_in_from_args(args, db, needed=True)
    with db.transaction() as s:
        row = register(s, args.data_dir, Path(args.file), acting(s, user), name=args.name or "")
    print(f"imported as {row.name} v{row.version} (id {row.id}); activate it with: station prompts activate {row.id}")
    return 0
