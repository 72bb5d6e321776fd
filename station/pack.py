"""Station packs: the model, the live prompt set, the classes and settings of one station, for another.

A pack is a zip file with `manifest.json` naming every other file and its sha256.
Import checks every hash before anything is written, copies the models under the
data directory, registers and activates the prompt set, and saves the settings
(the database address and the camera stay those of the receiving station).
"""

from __future__ import annotations

import hashlib
import tomllib
import json
import shutil
import tempfile
import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import tomli_w

from . import __version__, audit
from . import config as config_mod
from .auth import require
from .models.files import sha256_file
from .paths import demo_models_dir
from .prompts.registry import activate, active, register
from .models.identity import encoder_shape, foundation_sha256
from .storage.db import Database
from .storage.models import User
from .errors import StationError

FORMAT = 1
MANIFEST = "manifest.json"


class PackError(StationError):
    """The pack is damaged, incomplete or does not fit; the message says which file and what to do."""


def _add_path(z: zipfile.ZipFile, source: Path, arc_root: str, hashes: dict) -> str:
    """A file or every file of a folder, stored under arc_root; returns the stored name of the top."""
    files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
    for f in files:
        arcname = f"{arc_root}/{f.relative_to(source).as_posix()}" if source.is_dir() else f"{arc_root}/{f.name}"
        z.write(f, arcname)
        hashes[arcname] = sha256_file(f)
    return arc_root if source.is_dir() else f"{arc_root}/{source.name}"


def export_pack(db: Database, cfg: config_mod.StationConfig, out: Path | str, user: User | None) -> dict:
    require(user, "models.import")
    out = Path(out)
    hashes: dict[str, str] = {}
    manifest: dict = {"format": FORMAT, "station_version": __version__, "created_by": user.username,
                      "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                      "foundation_sha256": foundation_sha256(cfg)}
    with db.session() as s:
        prompt_row = active(s)
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as z:  # model files do not compress
        if cfg.model.clip == "demo":
            manifest["model"] = {"kind": "demo"}
        else:
            manifest["model"] = {"kind": "file", "stored": _add_path(z, Path(cfg.model.clip).expanduser(), "model", hashes)}
        if cfg.model.check_b_path:
            manifest["check_b"] = {"stored": _add_path(z, Path(cfg.model.check_b_path).expanduser(), "check_b", hashes)}
        if prompt_row is not None:
            manifest["prompt_set"] = {"name": prompt_row.name, "version": prompt_row.version,
                                      "stored": _add_path(z, Path(prompt_row.path), "prompts", hashes)}
        settings = tomli_w.dumps(replace(cfg, database_url="").to_dict()).encode("utf-8")
        z.writestr("settings.toml", settings)
        hashes["settings.toml"] = hashlib.sha256(settings).hexdigest()
        manifest["files"] = hashes
        z.writestr(MANIFEST, json.dumps(manifest, indent=2))
    tmp.replace(out)
    with db.transaction() as s:
        audit.record(s, user.username, "pack.export", file=str(out), foundation=manifest["foundation_sha256"],
                     prompt_set=manifest.get("prompt_set"))
    return manifest


def _read_verified(pack: Path, into: Path) -> dict:
    try:
        z = zipfile.ZipFile(pack)
    except (zipfile.BadZipFile, OSError) as e:
        raise PackError(f"{pack}: not a readable station pack ({e}); copy it again") from e
    with z:
        try:
            manifest = json.loads(z.read(MANIFEST))
        except KeyError:
            raise PackError(f"{pack}: no {MANIFEST}; this is not a station pack") from None
        if manifest.get("format") != FORMAT:
            raise PackError(f"{pack}: pack format {manifest.get('format')} is not supported (this station reads {FORMAT})")
        names = set(z.namelist()) - {MANIFEST}
        if names != set(manifest["files"]):
            extra, missing = names - set(manifest["files"]), set(manifest["files"]) - names
            raise PackError(f"{pack}: files {sorted(extra | missing)} do not match the manifest; the pack was altered")
        for name, expected in manifest["files"].items():
            target = into / name
            if not target.resolve().is_relative_to(into.resolve()):
                raise PackError(f"{pack}: file name '{name}' points outside the pack")
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(name) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            found = sha256_file(target)
            if found != expected:
                raise PackError(f"{pack}: '{name}' has sha256 {found[:16]}..., the manifest says {expected[:16]}...; "
                                "the pack is damaged or was altered: get it again from the sending station")
    return manifest


def import_pack(db: Database, data_dir: Path | str, current: config_mod.StationConfig, pack: Path | str,
                user: User | None) -> dict:
    """Returns the manifest; the new settings and models take effect when the station next starts."""
    require(user, "models.import")
    require(user, "settings.change")
    data_dir, pack = Path(data_dir), Path(pack)
    with tempfile.TemporaryDirectory(dir=data_dir) as tmp:
        manifest = _read_verified(pack, Path(tmp))
        home = data_dir / "packs" / manifest["foundation_sha256"][:16]
        cfg = config_mod.parse(tomllib.loads((Path(tmp) / "settings.toml").read_text()), pack)
        model_kind = manifest["model"]["kind"]
        for part in ("model", "check_b"):
            if (Path(tmp) / part).exists():
                shutil.rmtree(home / part, ignore_errors=True)
                (home / part).parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(Path(tmp) / part), str(home / part))
        clip = "demo" if model_kind == "demo" else str(home / manifest["model"]["stored"])
        check_b_path = str(home / manifest["check_b"]["stored"]) if "check_b" in manifest else ""
        cfg = replace(cfg, database_url=current.database_url, source=current.source,
                      model=replace(cfg.model, clip=clip, check_b_path=check_b_path))
        found = foundation_sha256(cfg)
        if found != manifest["foundation_sha256"]:
            where = demo_models_dir() if model_kind == "demo" else clip
            raise PackError(f"{pack}: the vision model here ({where}) has fingerprint {found[:12]}, the pack was made "
                            f"with {manifest['foundation_sha256'][:12]}; install the same station version or send the model")
        with db.transaction() as s:
            row = None
            if "prompt_set" in manifest:
                source = Path(tmp) / manifest["prompt_set"]["stored"]
                row = register(s, data_dir, source, s.merge(user), name=manifest["prompt_set"]["name"])
                activate(s, row.id, found, s.merge(user), reason=f"from station pack {pack.name}",
                         encoder_shape=encoder_shape(cfg))
            audit.record(s, user.username, "pack.import", file=str(pack), foundation=found,
                         prompt_set=row.id if row else None, created_by=manifest.get("created_by"))
            config_mod.save(cfg, data_dir)
    return manifest
