"""Taking a pack: verified in full (signature, names, sizes, hashes, settings) before anything is written; then
unpacked into a private folder, its model fingerprint checked, and only then installed, activated and saved.

Every refusal is audited as `pack.import.refused` when the user is known."""

from __future__ import annotations

import logging
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from .. import audit
from .. import config as config_mod
from ..auth import acting, require
from ..errors import StationError
from ..models.identity import encoder_shape, foundation_sha256, station_texts_sha256
from ..paths import demo_models_dir
from ..settings import seal as seal_settings
from ..storage.db import Database
from ..storage.models import User
from .archive import PackArchive, ReadBudget
from .errors import PackError
from .names import SETTINGS
from ..trusted_keys import find_key
from .products import check_products, install_products, install_products_beside_the_line, products_here
from .reader import PackPreview, open_verified

log = logging.getLogger(__name__)
MODEL_PARTS = ("model", "check_b")


def _record_refusal(db: Database, user: User, pack: Path, error: StationError) -> None:
    try:
        with db.transaction() as s:
            audit.record(s, user.username, "pack.import.refused", file=str(pack), reason=str(error),
                         signer=getattr(error, "signer", None))
    except Exception as e:  # the refusal itself must reach the person even when the trail cannot be written
        log.warning("could not audit the refused pack import of %s: %s", pack, e)


@contextmanager
def _refusals_recorded(db: Database, user: User | None, pack: Path):
    try:
        yield
    except StationError as e:
        if user is not None:
            _record_refusal(db, user, pack, e)
        raise


def _may_import(user: User | None) -> None:
    require(user, "models.import")
    require(user, "settings.change")
    require(user, "products.manage")


def preview_import(db: Database, data_dir: Path | str, current: config_mod.StationConfig, pack: Path | str,
                   user: User | None) -> PackPreview:
    """What importing would change, for the person to confirm; refusals are audited as the import's."""
    pack = Path(pack)
    with _refusals_recorded(db, user, pack):
        _may_import(user)
        with PackArchive(pack) as archive, db.session() as s:
            return open_verified(archive, s, current, Path(data_dir))


def _unpacked_fingerprint(archive: PackArchive, preview: PackPreview, into: Path) -> str:
    """Unpack every model and prompt file into `into` (hashes checked again as written); the model's fingerprint."""
    budget = ReadBudget()
    for name, expected in preview.manifest.files.items():
        if name == SETTINGS:
            continue  # verified and held in memory already
        if archive.extract(name, into, budget) != expected:
            raise PackError(f"{archive.path}: '{name}' changed while it was being read; copy the pack to the "
                            "station's own disk and import it again", signer=preview.signer)
    manifest = preview.manifest
    clip = "demo" if manifest.model.kind == "demo" else str(into / manifest.model.stored)
    try:
        return foundation_sha256(replace(preview.settings, model=replace(preview.settings.model, clip=clip)))
    except StationError as e:
        raise PackError(f"{archive.path}: its model cannot be identified: {e}", signer=preview.signer) from None
    except (KeyError, ValueError, TypeError, OSError) as e:
        raise PackError(f"{archive.path}: its model folder is not a station model folder ({type(e).__name__}: "
                        f"{str(e)[:200]}); export the pack again", signer=preview.signer) from None


def _move_in(unpacked: Path, home: Path, trash: Path) -> None:
    """Put the pack's model parts in place; an older copy of the same model goes to `trash` (deleted after)."""
    for part in MODEL_PARTS:
        if not (unpacked / part).exists():
            continue
        home.mkdir(parents=True, exist_ok=True)
        if (home / part).exists() or (home / part).is_symlink():
            (home / part).rename(trash / part)
        (unpacked / part).rename(home / part)


def import_pack(db: Database, data_dir: Path | str, current: config_mod.StationConfig, pack: Path | str,
                user: User | None, expected_manifest_sha256: str | None = None,
                allow_older: bool = False) -> PackPreview:
    """Take the pack's model, prompt set and settings; they take effect when the station next starts.

    `expected_manifest_sha256` (from preview_import) makes sure what is imported is what the person confirmed.
    """
    from ..prompts.registry import activate, register  # torch: only once a pack is being taken

    data_dir, pack = Path(data_dir), Path(pack)
    with _refusals_recorded(db, user, pack):
        _may_import(user)
        with PackArchive(pack) as archive:
            with db.session() as s:
                preview = open_verified(archive, s, current, data_dir)
            if expected_manifest_sha256 is not None and preview.manifest_sha256 != expected_manifest_sha256:
                raise PackError(f"{pack}: the pack changed since it was shown; look at it again (station pack show)",
                                signer=preview.signer)
            manifest = preview.manifest
            if preview.older and not allow_older:
                raise PackError(f"{pack}: sequence {manifest.sequence} is not newer than {preview.last_sequence}, the "
                                f"last pack this station took from '{preview.signer_name}': an old pack replayed over "
                                "a newer one would undo its settings. If going back is meant, import it with "
                                "--allow-older", signer=preview.signer)
            with tempfile.TemporaryDirectory(dir=data_dir, prefix=".pack-") as tmp:
                unpacked, trash = Path(tmp) / "unpacked", Path(tmp) / "replaced"
                unpacked.mkdir()
                trash.mkdir()
                found = _unpacked_fingerprint(archive, preview, unpacked)
                if found != manifest.foundation_sha256:
                    where = demo_models_dir() if manifest.model.kind == "demo" else "the pack's model"
                    raise PackError(f"{pack}: the vision model ({where}) has fingerprint {found[:12]}, the pack was "
                                    f"made with {manifest.foundation_sha256[:12]}; install the same station version "
                                    "or send the model", signer=preview.signer)
                arriving = check_products(manifest, unpacked, pack)  # all of them, before anything is moved in
                with db.transaction() as s:
                    _move_in(unpacked, data_dir / preview.home, trash)
                    row = None
                    if manifest.prompt_set is not None:
                        row = register(s, data_dir, unpacked / manifest.prompt_set.stored, acting(s, user),
                                       name=manifest.prompt_set.name)
                        activate(s, row.id, found, acting(s, user), reason=f"from station pack {pack.name}",
                                 encoder_shape=encoder_shape(preview.settings, data_dir),
                                 texts_sha256=station_texts_sha256(preview.settings))
                    # the import's event also seals the new settings, so the next start knows them as recorded
                    seal_settings(s, preview.settings, user.username, "pack.import", file=str(pack),
                                  signer=preview.signer, signer_name=preview.signer_name,
                                  manifest_sha256=preview.manifest_sha256, foundation=found,
                                  prompt_set=row.id if row else None, created_by=manifest.created_by,
                                  settings_changed=preview.changes, sequence=manifest.sequence,
                                  older_than=preview.last_sequence if preview.older else None)
                    install_products(s, data_dir, arriving, found, acting(s, user), pack)
                    signer = find_key(s, preview.signer)
                    signer.last_sequence = max(signer.last_sequence, manifest.sequence)
                    config_mod.save(preview.settings, data_dir)
    return preview


def import_products_only(db: Database, data_dir: Path | str, current: config_mod.StationConfig, pack: Path | str,
                         user: User, foundation: str, only: str | None = None) -> list[str]:
    """Take only the products of a pack (the plant's roll-out at a changeover): the same checks as an import (a
    trusted signature, every file's sha256, each product's own seal), products made on this station's CLIP
    (`foundation`) only, and nothing else of the pack: its settings, models and prompt set stay where they are.
    Each product is recorded as a new version here, unsigned and not live (`only`: that product alone). The labels
    recorded."""
    data_dir, pack = Path(data_dir), Path(pack)
    with _refusals_recorded(db, user, pack):
        require(user, "products.receive")
        with PackArchive(pack) as archive:
            with db.session() as s:
                preview = open_verified(archive, s, current, data_dir)
            manifest = preview.manifest
            if preview.older:  # an older pack replayed (a plant row may name any pack): never taken unasked
                raise PackError(f"{pack}: sequence {manifest.sequence} is not newer than {preview.last_sequence}, "
                                f"the last pack this station took from '{preview.signer_name}'", signer=preview.signer)
            if manifest.foundation_sha256 != foundation:
                raise PackError(f"{pack}: its products were made on another vision model ({manifest.foundation_sha256[:12]}"
                                f", this station runs {foundation[:12]}); they could not judge here",
                                signer=preview.signer)
            with tempfile.TemporaryDirectory(dir=data_dir, prefix=".pack-") as tmp:
                unpacked, budget = Path(tmp), ReadBudget()
                with db.session() as s:
                    here = products_here(s)
                wanted = [e for e in manifest.products or [] if (only is None or e.name == only)
                          and e.sha256 not in here]
                folders = tuple(f"{e.stored}/" for e in wanted)
                for name, expected in manifest.files.items():
                    if name.startswith(folders) and archive.extract(name, unpacked, budget) != expected:
                        raise PackError(f"{pack}: '{name}' changed while it was being read; fetch it again",
                                        signer=preview.signer)
                arriving = check_products(manifest.model_copy(update={"products": wanted}), unpacked, pack)
                labels = install_products_beside_the_line(db, data_dir, arriving, foundation, user, pack)
                with db.transaction() as s:  # later packs of this signer only, from now on
                    signer = find_key(s, preview.signer)
                    signer.last_sequence = max(signer.last_sequence, manifest.sequence)
                return labels
