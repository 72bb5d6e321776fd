"""`station rollout`: signed packs offered through the plant ([plant] in the settings): publish, list, install."""

from __future__ import annotations

import json

from .common import open_records_of, sign_in_from_args
from .pack_cmds import print_preview, settings_confirmed


def cmd_rollout_publish(args) -> int:
    from ..service.rollout import publish

    records = open_records_of(args)
    try:
        user = sign_in_from_args(args, records.db, needed=True)
        offer, new = publish(records, user, args.file)
    finally:
        records.close()
    said = "offered to the plant's stations" if new else "was offered already (nothing stored twice)"
    print(f"pack {offer.pack_sha256[:12]} ({offer.label}, signed by {offer.signer_name}) {said}")
    return 0


def cmd_rollout_list(args) -> int:
    from ..service.rollout import offers

    records = open_records_of(args)
    try:
        found = offers(records)
    finally:
        records.close()
    if args.json:
        print(json.dumps([{"pack": o.pack_sha256, "products": o.products, "signer": o.signer_name,
                           "published_by": o.published_by, "published_at": o.published_at.isoformat(),
                           "size": o.size, "trusted": o.trusted, "suits": o.suits, "here": o.here} for o in found]))
        return 0
    for o in found:
        state = ("here already" if o.here else "not a key trusted here" if not o.trusted
                 else "made on another CLIP" if not o.suits else "can be installed")
        print(f"{o.pack_sha256[:12]}  {o.label:<24} signed by {o.signer_name}, published by {o.published_by} "
              f"{o.published_at.astimezone():%Y-%m-%d %H:%M}: {state}")
    if not found:
        print("the plant offers no packs")
    return 0


def cmd_rollout_install(args) -> int:
    from ..service.rollout import discard, find_offer, install, preview

    records = open_records_of(args)
    try:
        user = sign_in_from_args(args, records.db, needed=True)
        offer = find_offer(records, args.offer)
        checked = preview(records, user, offer)
        try:
            print_preview(checked)
            if not args.yes and not settings_confirmed(checked):
                print("not installed: nothing was changed")
                return 1
            install(records, user, checked)
        finally:
            discard(checked)  # installed, declined, no terminal to ask on, or Ctrl+C: the fetched copy goes
    finally:
        records.close()
    print(f"{offer.label} installed from the plant (pack {offer.pack_sha256[:12]}); every file matched its sha256. "
          "Its products arrive unsigned: read each report (station product show) and sign it (station product "
          "accept) before using it; restart the station for a changed model or prompt set.")
    return 0
