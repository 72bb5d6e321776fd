"""Station packs for the window and the command line: check one (signature, every file's sha256, what its settings
would change), take it, export this station's.

A manager previews first and confirms; the import then takes exactly what was shown (the manifest's sha256).
Exporting and importing load prompt sets (torch), so those are imported only when called.
"""

from __future__ import annotations

from pathlib import Path

from ..pack import PackPreview, read_pack
from ..pack.summary import change_lines, describe


def show_pack(records, pack: Path | str) -> PackPreview:
    """What `pack` holds and would change here, checked like an import but taking nothing (no account needed)."""
    with records.db.session() as s:
        return read_pack(s, records.config, pack, records.data_dir)


def preview_lines(preview: PackPreview) -> tuple[list[str], list[str]]:
    """What a person reads before confirming: the pack in lines, and each setting it would change."""
    return describe(preview), change_lines(preview.changes)


def preview_import(db, data_dir: Path | str, config, pack: Path | str, user) -> PackPreview:
    """Check `pack` for this station (a manager; refusals are audited) and say what importing would change."""
    from ..pack.importer import preview_import as preview

    return preview(db, data_dir, config, pack, user)


def import_pack(db, data_dir: Path | str, config, preview: PackPreview, user, allow_older: bool = False) -> PackPreview:
    """Take the pack the person confirmed (refused if its manifest is not the one previewed); used from the next
    start of the station."""
    from ..pack.importer import import_pack as take

    return take(db, data_dir, config, preview.path, user, expected_manifest_sha256=preview.manifest_sha256,
                allow_older=allow_older)


def export_pack(db, config, out: Path | str, user, sign_key: Path | str):
    """This station's model, live prompt set and settings, signed with the plant's private key; the manifest."""
    from ..pack.exporter import export_pack as export

    return export(db, config, out, user, sign_key)
