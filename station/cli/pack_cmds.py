"""Station packs and the plant keys that sign them."""

from __future__ import annotations

import json
import sys

from .common import CliError, open_db, open_records_of, reader_from_args, sign_in_from_args


def cmd_pack_keygen(args) -> int:
    from ..service.keys import generate_key_pair

    private, public, fp = generate_key_pair(args.out)
    print(f"private key: {private} (only this account can read it: keep it on the machine that exports packs)")
    print(f"public key:  {public} (give it to every station; a manager there runs: "
          f"station keys trust {public.name} --name \"Plant A\")")
    print(f"fingerprint: {fp}")
    return 0


def cmd_pack_export(args) -> int:
    from ..service.packs import export_pack

    records = open_records_of(args)
    user = sign_in_from_args(args, records.db, needed=True)
    manifest = export_pack(records.db, records.config, args.out, user, args.sign_key)
    prompt = manifest.prompt_set
    print(f"station pack written to {args.out}: model {manifest.model.kind} ({manifest.foundation_sha256[:12]}), "
          f"prompt set {f'{prompt.name} v{prompt.version}' if prompt else 'none'}, {len(manifest.files)} files with "
          f"their sha256, signed by key {manifest.signer}")
    return 0


def print_preview(preview) -> None:
    from ..service.packs import preview_lines

    described, lines = preview_lines(preview)
    print("\n".join(described))
    print(f"settings it would change ({len(lines)}):" if lines else "settings it would change: none")
    for line in lines:
        print(f"  {line}")


def cmd_pack_show(args) -> int:
    from ..service.packs import show_pack

    print_preview(show_pack(open_records_of(args), args.file))
    return 0


def settings_confirmed(preview) -> bool:
    if not sys.stdin.isatty():
        raise CliError("the pack changes this station's settings (above); read them, then run again with --yes "
                       "(a run without a terminal cannot be asked)")
    answer = input(f"Import this pack from {preview.signer_name} and take these settings? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def cmd_pack_import(args) -> int:
    from ..service.packs import import_pack, preview_import

    records = open_records_of(args)
    db, cfg = records.db, records.config
    user = sign_in_from_args(args, db, needed=True)
    preview = preview_import(db, args.data_dir, cfg, args.file, user)
    print_preview(preview)
    if not args.yes and not settings_confirmed(preview):
        print("not imported: nothing was changed")
        return 1
    done = import_pack(db, args.data_dir, cfg, preview, user, allow_older=args.allow_older)
    print(f"station pack {args.file} imported (signed by {done.signer_name}, made by {done.manifest.created_by} on "
          f"{done.manifest.created_at}); every file matched its sha256. Restart the station to use it.")
    return 0


def cmd_keys_trust(args) -> int:
    from ..service.keys import trust

    db = open_db(args)
    user = sign_in_from_args(args, db, needed=True)
    key = trust(db, user, args.file, args.name, fingerprint=args.fingerprint)
    print(f"trusted '{key.name}': packs signed by key {key.fingerprint} are accepted here")
    return 0


def cmd_keys_list(args) -> int:
    from ..service.keys import plant_keys

    db = open_db(args)
    reader_from_args(args, db)
    rows = [{"fingerprint": k.fingerprint, "name": k.name, "added_at": k.added_at.isoformat(timespec="seconds"),
             "trusted": k.trusted} for k in plant_keys(db, include_removed=args.all)]
    if args.json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("no trusted keys: this station refuses every pack (station keys trust FILE.pub --name NAME)")
    for r in rows if not args.json else []:
        print(f"{r['fingerprint']}  {r['name']:<24} added {r['added_at']}{'' if r['trusted'] else '  (removed)'}")
    return 0


def cmd_keys_remove(args) -> int:
    from ..service.keys import remove

    db = open_db(args)
    user = sign_in_from_args(args, db, needed=True)
    key = remove(db, user, args.fingerprint)
    print(f"removed '{key.name}' ({key.fingerprint}): packs it signs are refused from now on")
    return 0
