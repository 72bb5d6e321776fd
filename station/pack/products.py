"""Products in a pack: the newest signed version of each product, its sealed folder whole (check B, the gate's
bank, prompts, the acceptance report and held-out photos). A receiving station records each as a new version of
its own, not signed and not live: its managers read the report and sign it there."""

from __future__ import annotations

import json
import shutil
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..auth import acting
from ..models.files import MANIFEST_NAME, ModelFileError, sha256_file, verify_manifest
from ..products import store
from ..products.definition import ProductSpec
from ..storage.models import Product, User
from .errors import PackError
from .manifest import Manifest, ProductEntry


def products_to_send(session: Session, data_dir: Path, foundation: str) -> list[tuple[ProductEntry, Path]]:
    """(entry, verified folder) for the live version of each product, else its newest signed one; only versions
    onboarded on the pack's model (another model's product could not run where the pack goes)."""
    chosen: dict[str, Product] = {}
    rows = session.scalars(select(Product).where(Product.accepted_at.is_not(None)).order_by(Product.version))
    for row in rows:
        if row.base_model_sha256 == foundation and not (chosen.get(row.name) and chosen[row.name].live):
            chosen[row.name] = row
    out = []
    for row in chosen.values():
        store.refuse_unsealed(session, row)
        try:
            folder = store.verified_folder(data_dir, row)
        except ModelFileError as e:
            raise PackError(f"product {row.name} v{row.version} cannot go in a pack: {e}") from None
        signer = session.get(User, row.accepted_by)
        out.append((ProductEntry(name=row.name, version=row.version, sha256=row.sha256,
                                 accepted_by=signer.username if signer else "?"), folder))
    return out


@dataclass(frozen=True)
class ArrivingProduct:
    entry: ProductEntry
    folder: Path  # unpacked, checked
    spec: ProductSpec
    acceptance: dict


def check_products(manifest: Manifest, unpacked: Path, pack: Path) -> list[ArrivingProduct]:
    """Every product of the unpacked pack, checked before anything is written: its files exactly those its own seal
    lists (no file it does not vouch for), each matching its sha256, the seal the one the manifest names, its
    name the manifest's (the name makes its folder here), its report readable."""
    out = []
    for entry in manifest.products or []:
        folder, label = unpacked / entry.stored, f"{pack}: product {entry.name} v{entry.version}"
        try:
            listed = set(verify_manifest(folder)["files"])  # every file against the folder's own seal
            spec = store.read_spec(folder)
            acceptance = json.loads((folder / store.ACCEPTANCE_NAME).read_text(encoding="utf-8"))
        except (ModelFileError, OSError, ValueError) as e:
            raise PackError(f"{label} is damaged ({getattr(e, 'problem', e)})") from None
        present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST_NAME}
        if present != listed:
            raise PackError(f"{label} holds files its seal does not list: {sorted(present - listed)[:3]}")
        if sha256_file(folder / MANIFEST_NAME) != entry.sha256:
            raise PackError(f"{label} is not the version its manifest names")
        if spec.name != entry.name or not isinstance(acceptance, dict):
            raise PackError(f"{label}: its description names another product ({spec.name[:64]!r})")
        out.append(ArrivingProduct(entry, folder, spec, acceptance))
    return out


def install_products(session: Session, data_dir: Path, arriving: list[ArrivingProduct], foundation: str,
                     user: User, pack: Path) -> list[str]:
    """Record each checked product as a new version here (not signed, not live); the labels given."""
    labels = []
    for p in arriving:
        with store.staging(data_dir, p.entry.name) as staged:
            _stage(p, staged)
            labels.append(_record(session, data_dir, p, staged, foundation, user, pack))
    return labels


def install_products_beside_the_line(db, data_dir: Path, arriving: list[ArrivingProduct], foundation: str,
                                     user: User, pack: Path) -> list[str]:
    """As `install_products`, for a running station: each product copied into its staging folder before the
    database's write lock is taken (the line records meanwhile), and one already here (taken by another process
    since it was looked for) skipped inside the transaction."""
    with ExitStack() as folders:
        staged = []
        for p in arriving:
            staged.append((p, folders.enter_context(store.staging(data_dir, p.entry.name))))
            _stage(p, staged[-1][1])
        with db.transaction() as s:
            here = products_here(s)
            return [_record(s, data_dir, p, folder, foundation, acting(s, user), pack)
                    for p, folder in staged if p.entry.sha256 not in here]


def _stage(p: ArrivingProduct, staged: Path) -> None:
    shutil.copytree(p.folder, staged, dirs_exist_ok=True)
    (staged / MANIFEST_NAME).unlink()  # sealed again here, with this station's version number


def _record(session: Session, data_dir: Path, p: ArrivingProduct, staged: Path, foundation: str, user: User,
            pack: Path) -> str:
    local = replace(p.spec, version=store.next_version(session, p.entry.name))
    row = store.record_version(session, data_dir, staged, local, p.acceptance, foundation, user)
    audit.record(session, user.username, "product.imported", name=row.name, version=row.version, file=str(pack),
                 source_version=p.entry.version, source_sha256=p.entry.sha256, accepted_there_by=p.entry.accepted_by)
    return f"{row.name} v{row.version}"


def products_here(session: Session) -> set[str]:
    """The sha256 of every product version this station has: made here, or as signed where it came from."""
    from ..storage.models import AuditEvent

    made = set(session.scalars(select(Product.sha256)))
    came = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "product.imported"))
    return made | {d.get("source_sha256") for d in came if isinstance(d, dict)}
