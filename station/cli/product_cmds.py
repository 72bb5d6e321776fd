"""Products: check a folder of photos, onboard a product, read and sign its acceptance report, make it live."""

from __future__ import annotations

import json
from pathlib import Path

from .common import data_folder_free, open_db, open_records_of, progress_printer, reader_from_args, sign_in_from_args


def _pct(x) -> str:
    return "not measured" if x is None else f"{x:.1%}"


def acceptance_lines(a: dict) -> list[str]:
    lines = [f"  defective parts passed (escapes): {a['escapes']} of {a['defects']} ({_pct(a['escape_rate'])}), "
             f"95% upper bound {_pct(a['escape_rate_upper_95'])}",
             f"  good parts failed: {a['false_fails']} of {a['goods']} ({_pct(a['false_fail_rate'])})",
             f"  sent to review: {a['reviews']} of {a['photos']} ({_pct(a['review_share'])})"]
    lines += [f"  not measured: {n}" for n in a.get("not_measured", [])]
    return lines


def cmd_product_check(args) -> int:
    from ..service.products import check_photos

    from ..errors import InvalidInput

    check = check_photos(args.folder, args.good, progress_printer("photo check", args.quiet))
    problems = check.blocking()
    print(json.dumps({**check.as_dict(), "blocking": problems}, indent=2) if args.json else "\n".join(check.lines()))
    if problems:
        raise InvalidInput("cannot onboard these photos yet:\n- " + "\n- ".join(problems))
    return 0


def _class_names(path: Path) -> tuple:
    """(key, name, name_ja) rows from a TOML file of tables named by class folder: [scratch] name = "...", name_ja = "..."."""
    import tomllib

    from ..errors import InvalidInput

    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise InvalidInput(f"--class-names {path}: cannot be read as TOML ({e}); write one table per class folder, "
                           'e.g. [scratch] name = "scratched face", name_ja = "傷"') from e
    rows = []
    for key, table in tables.items():
        if not isinstance(table, dict) or set(table) - {"name", "name_ja"} or not all(
                isinstance(v, str) for v in table.values()):
            raise InvalidInput(f"--class-names {path}: [{key}] may hold only name and name_ja, as text")
        rows.append((key, table.get("name", ""), table.get("name_ja", "")))
    return tuple(rows)


def cmd_product_new(args) -> int:
    data_folder_free(args)
    from ..service.accounts import check_permission
    from ..service.inspection import open_station
    from ..service.products import CheckBRecipe, OnboardingChoices, check_photos, onboard_product

    db = open_db(args)  # who may onboard is settled before anything is read or loaded
    try:
        user = sign_in_from_args(args, db, needed=True)
        check_permission(db, user, "products.manage")
    finally:
        db.close()
    check = check_photos(args.source_folder, args.good, progress_printer("photo check", args.quiet))
    if not args.json:
        print("\n".join(check.lines()), flush=True)
    choices = OnboardingChoices(good=args.good, name_en=args.name_en or "", name_ja=args.name_ja or "", seed=args.seed,
                                tune_prompts=not args.no_prompts,
                                check_b=CheckBRecipe(epochs=args.epochs, seed=args.seed),
                                class_names=_class_names(args.class_names) if args.class_names else ())
    station = open_station(args.data_dir)
    try:
        line = onboard_product(station, user, args.name, args.source_folder, choices,
                               progress_printer("onboarding", args.quiet), check)
    finally:
        station.close()
    if args.json:
        print(json.dumps(line.as_dict(), indent=2))
        return 0
    print(f"{line.label} onboarded (not live). Acceptance on held-out photos:")
    print("\n".join(acceptance_lines(line.acceptance)))
    print(f"  report: {Path(line.folder) / 'acceptance.html'}")
    print(f"Read it, then sign it: station --user NAME product accept {line.name}; then: product use {line.name}")
    return 0


def cmd_product_list(args) -> int:
    from ..service.products import products_on_disk

    records = open_records_of(args)
    try:
        reader_from_args(args, records.db)
        lines = products_on_disk(records)
    finally:
        records.close()
    if args.json:
        print(json.dumps([p.as_dict() for p in lines], indent=2))
        return 0
    if not lines:
        print("no products yet: the station inspects the classes of its settings. Onboard one with: "
              "station --user NAME product new NAME --from DIR --good CLASS")
    for p in lines:
        signed = f"signed by {p.accepted_by}" if p.accepted else "not signed"
        state = f"LIVE, {signed}" if p.live else signed
        a = p.acceptance
        recipe = f"recipe {p.recipe}" if p.recipe else ""
        print(f"{'*' if p.live else ' '} {p.label:<24} {state:<24} {recipe:<12} escapes {a.get('escapes')}/"
              f"{a.get('defects')} (bound {_pct(a.get('escape_rate_upper_95'))}), review {_pct(a.get('review_share'))}")
    return 0


def cmd_product_show(args) -> int:
    from ..service.products import product_details

    records = open_records_of(args)
    try:
        reader_from_args(args, records.db)
        d = product_details(records, args.name, args.version)
    finally:
        records.close()
    if args.json:
        print(json.dumps(d, indent=2, default=str))
        return 0
    state = "LIVE" if d["live"] else (f"signed by {d['accepted_by']}" if d["accepted"] else "not signed")
    print(f"{d['name']} v{d['version']} ({state}); classes: "
          + ", ".join(f"{c['key']}{' (good)' if c['good'] else ''}{'' if c['learned'] else ' (held out whole)'}"
                      for c in d["spec"]["classes"]))
    print(f"thresholds: conf_a {d['spec']['conf_a']:.2f}, conf_b {d['spec']['conf_b']:.2f}")
    print("acceptance on held-out photos:")
    print("\n".join(acceptance_lines(d["acceptance"])))
    print(f"report with every escape, false fail and review: {d['report']}")
    for warning in d["warnings"]:
        print(f"warning: {warning}")
    return 0


def _signed_act(args, act):
    """A manager's act on a version, by the records alone (no models loaded), and the warning its acceptance
    gives (service.products.manual_mode_warning), if any."""
    from ..service.products import manual_mode_warning

    records = open_records_of(args)
    try:
        user = sign_in_from_args(args, records.db, needed=True)
        line = act(records, user, args.name, args.version)
        return line, manual_mode_warning(records, line.acceptance)
    finally:
        records.close()


def _still_manual(args) -> None:
    """A changeover leaves manual mode as it was: said, with how to leave it."""
    from ..service.alarms import open_alarm

    db = open_db(args)
    try:
        if open_alarm(db) is not None:
            print("note: the station is still in manual mode (every part goes to review) since the fail-safe "
                  "tripped; a manager resets it, once the cause is dealt with, with: station --user NAME failsafe "
                  "reset")
    finally:
        db.close()


def cmd_product_accept(args) -> int:
    from ..service.products import accept_product

    line, warning = _signed_act(args, accept_product)
    print(f"{line.label}: acceptance signed by {line.accepted_by}; make it live with: product use {line.name}")
    if warning:
        print(f"warning: {warning}")
    return 0


def cmd_product_use(args) -> int:
    from ..errors import InvalidInput
    from ..service.products import use_no_product, use_product

    if args.none or not args.name:
        if not args.none:
            raise InvalidInput("name the product to make live (station product list shows them), or --none to go "
                               "back to the classes of the settings")
        records = open_records_of(args)
        try:
            before = use_no_product(records, sign_in_from_args(args, records.db, needed=True))
        finally:
            records.close()
        print(f"no product live ({before or 'none was'}): the station inspects the classes of its settings from "
              f"its next frame{NEXT_FRAME}")
        _still_manual(args)
        return 0
    line, warning = _signed_act(args, use_product)
    print(f"{line.label} is the live product: the station inspects with it from its next frame{NEXT_FRAME}")
    if warning:
        print(f"warning: {warning}")
    _still_manual(args)
    _take_plant_version(args, line.name)
    return 0


def _take_plant_version(args, name: str) -> None:
    """With [plant] install_at_changeover: the plant's newer version of `name`, taken unsigned (service.rollout)."""
    from ..service.rollout import arrival_words, follow_up_changeover

    records = open_records_of(args)
    try:
        if records.config.plant.install_at_changeover and records.config.plant.database_url:
            said = arrival_words(follow_up_changeover(records, name))
            if said:
                print(said)
    finally:
        records.close()


NEXT_FRAME = " (a running line switches at once; frames already taken are judged by the product before)"


def cmd_product_recipe(args) -> int:
    from ..errors import InvalidInput
    from ..service.products import set_product_recipe

    if args.none == (args.number is not None):
        raise InvalidInput("give a recipe number (1 to 65535) or --none to take the product's number away")
    records = open_records_of(args)
    try:
        before = set_product_recipe(records, sign_in_from_args(args, records.db, needed=True), args.name, args.number)
    finally:
        records.close()
    was = f" (was {before})" if before is not None else ""
    print(f"{args.name}: recipe {args.number}{was}; a PLC selects it by writing {args.number} to RecipeRequest (OPC UA) "
          "or holding register 8 (Modbus), with [links] recipe_select = true" if args.number is not None
          else f"{args.name}: no recipe number{was}")
    return 0
