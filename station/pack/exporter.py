"""Writing a signed pack of this station: its model, live prompt set, classes and settings, and its signed
products (station.pack.products)."""

from __future__ import annotations

import hashlib
import os
import time
import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__, audit
from .. import config as config_mod
from ..auth import require
from ..fileio import write_bytes_atomic
from ..models.files import sha256_file
from ..models.identity import foundation_sha256, model_location
from ..paths import data_path
from ..prompts.registry import active
from ..signing import fingerprint, load_private_key, sign
from ..storage.db import Database
from ..storage.models import User
from . import limits
from .errors import PackError
from .manifest import FORMAT, Manifest, manifest_bytes, parse_manifest
from .names import MANIFEST, SETTINGS, SIGNATURE, name_problem
from .products import products_to_send


def _part_files(source: Path, root: str) -> tuple[list[tuple[str, Path]], str]:
    """(stored name, file) for a file or every file of a folder under `root`; and the stored name of the part."""
    if source.is_dir():
        files = [(f"{root}/{f.relative_to(source).as_posix()}", f) for f in sorted(source.rglob("*")) if f.is_file()]
        return files, root
    if not source.is_file():
        raise PackError(f"{source} does not exist; the station's settings name it: fix [model] in the settings")
    return [(f"{root}/{source.name}", source)], f"{root}/{source.name}"


def _checked(files: list[tuple[str, Path]]) -> None:
    """Refuse here what every receiving station would refuse, with the local file named."""
    total = 0
    for name, path in files:
        problem = name_problem(name)
        if problem:
            raise PackError(f"{path}: its name in the pack, {name!r}, {problem}; rename the file")
        size = path.stat().st_size
        total += size
        if size > limits.MAX_ENTRY_BYTES or total > limits.MAX_TOTAL_BYTES:
            raise PackError(f"{path}: the pack would exceed the size caps of station.pack.limits "
                            f"({limits.MAX_TOTAL_BYTES / limits.GIB:.0f} GiB); receiving stations would refuse it")
    if len(files) > limits.MAX_ENTRIES:
        raise PackError(f"the pack would hold {len(files)} files; a pack may hold at most {limits.MAX_ENTRIES}")


def next_sequence(sign_key: Path | str) -> int:
    """The next number for a pack signed with this key: kept beside the private key (`plant.key.sequence`), and
    never behind the clock's seconds, so copies of the key on two machines still count up."""
    counter = Path(str(sign_key) + ".sequence")
    try:
        last = int(counter.read_text(encoding="utf-8").strip() or 0)
    except (FileNotFoundError, ValueError):
        last = 0
    number = max(last + 1, int(time.time()))
    write_bytes_atomic(counter, f"{number}\n".encode("utf-8"))
    os.chmod(counter, 0o600)
    return number


def export_pack(db: Database, cfg: config_mod.StationConfig, out: Path | str, user: User | None,
                sign_key: Path | str) -> Manifest:
    """Write the pack to `out`, signed with the plant's private key file (station pack keygen)."""
    require(user, "models.import")
    out = Path(out)
    data_dir = db.data_dir
    key = load_private_key(sign_key)
    foundation = foundation_sha256(cfg, data_dir)
    with db.session() as s:
        prompt_row = active(s)
        products = products_to_send(s, data_dir, foundation)
    files: list[tuple[str, Path]] = []
    model = {"kind": "demo"}
    if cfg.model.clip != "demo":
        part, stored = _part_files(model_location(cfg.model.clip, data_dir), "model")
        files, model = files + part, {"kind": "file", "stored": stored}
    check_b = None
    if cfg.model.check_b_path:
        part, stored = _part_files(model_location(cfg.model.check_b_path, data_dir), "check_b")
        files, check_b = files + part, {"stored": stored}
    prompt_set = None
    if prompt_row is not None:
        part, stored = _part_files(data_path(data_dir, prompt_row.path), "prompts")
        files, prompt_set = files + part, {"name": prompt_row.name, "version": prompt_row.version, "stored": stored}
    for entry, folder in products:
        files += _part_files(folder, entry.stored)[0]
    _checked(files)
    # the station's wiring (database, PLC links, plant) and the screen's language stay on it: a receiver keeps its own
    local = replace(cfg, database_url="", database_password_file="", links=config_mod.LinksSpec(),
                    plant=config_mod.PlantSpec(), ui=replace(cfg.ui, language="auto"))
    settings = config_mod.to_toml(local)
    hashes = {name: sha256_file(path) for name, path in files} | {SETTINGS: hashlib.sha256(settings).hexdigest()}
    manifest = parse_manifest({  # the exporter's manifest passes the same checks as an importer's
        "format": FORMAT, "station_version": __version__, "created_by": user.username,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "foundation_sha256": foundation, "signer": fingerprint(key.public_key()),
        "model": model, "files": hashes, "sequence": next_sequence(sign_key),
        **({"check_b": check_b} if check_b else {}), **({"prompt_set": prompt_set} if prompt_set else {}),
        **({"products": [e.model_dump() for e, _ in products]} if products else {}),
    }, str(out))
    data = manifest_bytes(manifest)
    tmp = out.with_name(out.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as z:  # model files do not compress
            for name, path in files:
                z.write(path, name)
            z.writestr(SETTINGS, settings)
            z.writestr(MANIFEST, data)
            z.writestr(SIGNATURE, sign(key, data))
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    with db.transaction() as s:
        audit.record(s, user.username, "pack.export", file=str(out), foundation=manifest.foundation_sha256,
                     signer=manifest.signer, prompt_set=prompt_set,
                     products=[f"{e.name} v{e.version}" for e, _ in products])
    return manifest
