"""Verifying a pack and what it would change here, writing nothing: structure, signature, every hash, the settings."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from .. import config as config_mod
from ..errors import StationError
from ..settings import changed_keys
from ..signing import load_public_key, signature_valid
from ..trusted_keys import find_key
from .archive import PackArchive, ReadBudget
from .errors import PackError
from .manifest import Manifest, load_json, parse_manifest
from .names import MANIFEST, SETTINGS, SIGNATURE, is_sha256

GET_AGAIN = "get it again from the sending station"


@dataclass(frozen=True)
class PackPreview:
    """A verified pack and what importing it would do to this station."""

    path: Path
    manifest: Manifest
    manifest_sha256: str  # what was shown is what is imported: the import compares this
    signer: str  # fingerprint of the plant key that signed it
    signer_name: str  # the name a manager trusted it under
    settings: config_mod.StationConfig  # this station's settings after the import
    changes: dict  # settings.changed_keys(current, settings): {key: [old, new]}
    last_sequence: int = 0  # the newest pack sequence taken from this signer before

    @property
    def older(self) -> bool:
        """Not newer than a pack this station took from the same signer: a replay, or a deliberate rollback."""
        return self.last_sequence > 0 and self.manifest.sequence <= self.last_sequence

    @property
    def home(self) -> str:
        return home_folder(self.manifest)


def home_folder(manifest: Manifest) -> str:
    """Where the pack's model files go, relative to the data folder (the fingerprint is checked hex)."""
    return f"packs/{manifest.foundation_sha256[:16]}"


def _checked_signature(archive: PackArchive, session: Session, budget: ReadBudget) -> tuple[bytes, str, str, int]:
    """The manifest's exact bytes once they are proven to come from a trusted key: (bytes, signer, signer name,
    the newest sequence taken from that key)."""
    pack = archive.path
    if MANIFEST not in archive.entries:
        raise PackError(f"{pack}: no {MANIFEST}; this is not a station pack")
    data = archive.read(MANIFEST, budget)
    raw = load_json(data, str(pack))
    if SIGNATURE not in archive.entries:
        raise PackError(f"{pack}: the pack is not signed, so nothing shows who made it; ask the sending station for "
                        "a signed pack (station pack export FILE --sign-key plant.key)")
    signer = raw.get("signer")
    if not is_sha256(signer):
        raise PackError(f"{pack}: {MANIFEST} does not name its signer as a key fingerprint (64 hex digits); "
                        f"the pack is damaged: {GET_AGAIN}")
    row = find_key(session, signer)
    if row is None:
        raise PackError(f"{pack}: signed by key {signer}, which this station does not trust. If that is your "
                        "plant's key (compare the fingerprint with the sender), a manager runs: "
                        "station keys trust PLANT.pub --name \"Plant A\"", signer=signer)
    if not row.active:
        raise PackError(f"{pack}: signed by key {signer} ('{row.name}'), which was removed from this station's "
                        "trusted keys; ask for a pack signed with a current key, or a manager trusts it again: "
                        "station keys trust PLANT.pub --name NAME", signer=signer)
    signature = archive.read(SIGNATURE, budget)
    if not signature_valid(load_public_key(row.public_key, f"trusted key '{row.name}'"), signature, data):
        raise PackError(f"{pack}: {MANIFEST} does not match its signature by '{row.name}' ({signer[:16]}): it was "
                        f"altered after signing. Do not use it; {GET_AGAIN}", signer=signer)
    return data, signer, row.name, row.last_sequence


def _checked_files(archive: PackArchive, manifest: Manifest, budget: ReadBudget) -> bytes:
    """Every entry against its sha256, streamed (nothing written); returns the verified settings file."""
    pack = archive.path
    listed = set(manifest.files) | {MANIFEST, SIGNATURE}
    if set(archive.entries) != listed:
        odd = sorted(set(archive.entries) ^ listed)
        raise PackError(f"{pack}: files {odd[:5]} do not match the manifest; the pack was altered: {GET_AGAIN}",
                        signer=manifest.signer)
    found = {}
    settings = b""
    for name in manifest.files:
        if name == SETTINGS:
            settings = archive.read(name, budget)
            found[name] = hashlib.sha256(settings).hexdigest()
        else:
            found[name] = archive.sha256(name, budget)
        if found[name] != manifest.files[name]:
            raise PackError(f"{pack}: '{name}' has sha256 {found[name][:16]}..., the manifest says "
                            f"{manifest.files[name][:16]}...; the pack is damaged or was altered: {GET_AGAIN}",
                            signer=manifest.signer)
    return settings


def _pack_settings(data: bytes, pack: Path) -> config_mod.StationConfig:
    try:
        return config_mod.parse(tomllib.loads(data.decode("utf-8")), f"{pack}:{SETTINGS}")
    except StationError as e:
        raise PackError(f"{pack}: its settings are not valid here: {e}") from None
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as e:  # TOML and decoding errors too
        raise PackError(f"{pack}: {SETTINGS} is not valid station settings ({type(e).__name__}: {str(e)[:200]})") from None


def planned_settings(manifest: Manifest, pack_cfg: config_mod.StationConfig, current: config_mod.StationConfig,
                     data_dir: Path) -> config_mod.StationConfig:
    """The pack's settings as this station would save them: its own database, camera, PLC links, plant and language,
    the models where the import puts them."""
    home = Path(home_folder(manifest))  # relative to the data folder, as every path the station writes
    clip = "demo" if manifest.model.kind == "demo" else (home / manifest.model.stored).as_posix()
    check_b_path = (home / manifest.check_b.stored).as_posix() if manifest.check_b else ""
    return replace(pack_cfg, database_url=current.database_url, database_password_file=current.database_password_file,
                   source=current.source, links=current.links, plant=current.plant,
                   ui=replace(pack_cfg.ui, language=current.ui.language),
                   model=replace(pack_cfg.model, clip=clip, check_b_path=check_b_path))


def open_verified(archive: PackArchive, session: Session, current: config_mod.StationConfig,
                  data_dir: Path) -> PackPreview:
    """Check everything in an opened pack, reading each entry once and writing nothing."""
    budget = ReadBudget()
    data, signer, signer_name, last_sequence = _checked_signature(archive, session, budget)
    manifest = parse_manifest(load_json(data, str(archive.path)), str(archive.path))
    settings_data = _checked_files(archive, manifest, budget)
    pack_cfg = _pack_settings(settings_data, archive.path)
    try:
        planned = config_mod.validate(planned_settings(manifest, pack_cfg, current, data_dir),
                                      f"{archive.path}:{SETTINGS}")
    except StationError as e:
        raise PackError(f"{archive.path}: its settings would not be valid here: {e}") from None
    except (ValueError, TypeError) as e:
        raise PackError(f"{archive.path}: its settings would not be valid here ({e})") from None
    return PackPreview(archive.path, manifest, hashlib.sha256(data).hexdigest(), signer, signer_name, planned,
                       changed_keys(current, planned), last_sequence)


def read_pack(session: Session, current: config_mod.StationConfig, pack: Path | str, data_dir: Path | str) -> PackPreview:
    """Verify a pack and say what it would change, changing nothing (`station pack show`)."""
    with PackArchive(pack) as archive:
        return open_verified(archive, session, current, Path(data_dir))
