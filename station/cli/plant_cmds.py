"""`station plant`: the plant database's administration: its tables brought up to date, its roles and row rules."""

from __future__ import annotations

from .common import open_records_of


def cmd_plant_upgrade(args) -> int:
    """Make or upgrade the plant's tables, as the owner of the plant database (the [plant] database_url's role)."""
    from ..service.plant import upgrade_plant_tables

    records = open_records_of(args)
    try:
        before, now = upgrade_plant_tables(records)
    finally:
        records.close()
    print(f"the plant's tables are at {now}" + (f" (were at {before})" if before != now else " (nothing to do)"))
    return 0


def cmd_plant_roles(args) -> int:
    from ..service.plant import plant_roles_sql

    print(plant_roles_sql(args.station or [], args.desk or []), end="")
    return 0
