"""Who may write what in a plant database (PostgreSQL): one role per station, named as the station, that can add
and change only its own rows (row-level security), and desk roles that claim and decide frames of every station.
The plant's administrator runs the SQL this writes, as the owner of the plant tables, after `station plant upgrade`.

Without it, any role that can write the plant tables can write any station's rows: `station audit verify --plant`
would find such rows (not sealed by that station), but nothing would stop them being written.
"""

from __future__ import annotations

from .plant import checked_station_name

STATIONS, DESKS = "plant_stations", "plant_desks"  # group roles; each station or desk role is a member of one

# tables whose rows belong to one station (their `station` column): a station writes only its own
STATION_ROWS = ("plant_inspection", "plant_review", "plant_audit", "plant_alarm", "plant_selftest", "plant_station")
EVERY_TABLE = STATION_ROWS + ("plant_claim", "plant_desk_decision", "plant_offer", "plant_schema_version")


def _quoted(name: str) -> str:
    return '"' + checked_station_name(name) + '"'  # letters, digits, '.', '_', '-' only: nothing to escape


def roles_sql(stations: list[str], desks: list[str]) -> str:
    """The script: group roles, their rights, the row policies, and a LOGIN role for each station and desk named
    (its password set afterwards by the administrator: ALTER ROLE ... PASSWORD)."""
    out = [f"-- plant roles for {len(stations)} station(s) and {len(desks)} desk(s); run as the tables' owner",
           "BEGIN;"]
    for group in (STATIONS, DESKS):
        out.append(f"DO $$ BEGIN CREATE ROLE {group} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;")
        out.append(f"GRANT USAGE ON SCHEMA public TO {group};")
        out.append(f"GRANT SELECT ON {', '.join(EVERY_TABLE)} TO {group};")
    out += [
        f"GRANT INSERT, UPDATE ON {', '.join(STATION_ROWS)} TO {STATIONS};",
        f"GRANT INSERT ON plant_offer TO {STATIONS};  -- roll-out: a manager publishes from a station",
        f"GRANT UPDATE (outcome) ON plant_desk_decision TO {STATIONS};  -- what became of a desk decision",
        f"GRANT INSERT, UPDATE, DELETE ON plant_claim TO {DESKS};",
        f"GRANT INSERT ON plant_desk_decision TO {DESKS};",
    ]
    for table in STATION_ROWS:
        out += [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;", f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;",
                f"DROP POLICY IF EXISTS everyone_reads ON {table};",
                f"CREATE POLICY everyone_reads ON {table} FOR SELECT USING (true);",
                f"DROP POLICY IF EXISTS own_rows_added ON {table};",
                f"CREATE POLICY own_rows_added ON {table} FOR INSERT TO {STATIONS} WITH CHECK (station = current_user);",
                f"DROP POLICY IF EXISTS own_rows_changed ON {table};",
                f"CREATE POLICY own_rows_changed ON {table} FOR UPDATE TO {STATIONS} USING (station = current_user) "
                "WITH CHECK (station = current_user);"]
    out += ["ALTER TABLE plant_desk_decision ENABLE ROW LEVEL SECURITY;",
            "ALTER TABLE plant_desk_decision FORCE ROW LEVEL SECURITY;",
            "DROP POLICY IF EXISTS everyone_reads ON plant_desk_decision;",
            "CREATE POLICY everyone_reads ON plant_desk_decision FOR SELECT USING (true);",
            "DROP POLICY IF EXISTS desks_decide ON plant_desk_decision;",
            f"CREATE POLICY desks_decide ON plant_desk_decision FOR INSERT TO {DESKS} WITH CHECK (true);",
            "DROP POLICY IF EXISTS station_answers ON plant_desk_decision;",
            f"CREATE POLICY station_answers ON plant_desk_decision FOR UPDATE TO {STATIONS} "
            "USING (station = current_user) WITH CHECK (station = current_user);"]
    for name, group in [(s, STATIONS) for s in stations] + [(d, DESKS) for d in desks]:
        role = _quoted(name)
        out.append(f"DO $$ BEGIN CREATE ROLE {role} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;")
        out.append(f"GRANT {group} TO {role};")
    out.append("COMMIT;")
    out.append("-- then, for each role: ALTER ROLE \"line-1\" PASSWORD '...'; (or certificate authentication)")
    return "\n".join(out) + "\n"
