"""Products in a pack: the newest signed version of each product, its sealed folder whole (check B, the gate's
bank, prompts, the acceptance report and held-out photos). A receiving station records each as a new version of
its own, not signed and not live: its managers read the report and sign it there."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models.files import MANIFEST_NAME, ModelFileError, sha256_file, verify_manifest
from ..products import store
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


def install_products(session: Session, data_dir: Path, manifest: Manifest, unpacked: Path, foundation: str,
                     user: User, pack: Path) -> list[str]:
    """Record each product of the pack as a new version here (not signed, not live); the labels given."""
    labels = []
    for entry in manifest.products or []:
        folder = unpacked / entry.stored
        try:
            verify_manifest(folder)  # every file against the folder's own seal
        except ModelFileError as e:
            raise PackError(f"{pack}: product {entry.name} v{entry.version} is damaged ({e.problem})") from None
        if sha256_file(folder / MANIFEST_NAME) != entry.sha256:
            raise PackError(f"{pack}: product {entry.name} v{entry.version} is not the version its manifest names")
        spec = store.read_spec(folder)
        acceptance = json.loads((folder / store.ACCEPTANCE_NAME).read_text(encoding="utf-8"))
        store.remove_stale_staging(data_dir, entry.name)
        staged = store.staging_dir(data_dir, entry.name)
        shutil.rmtree(staged)
        shutil.copytree(folder, staged)
        (staged / MANIFEST_NAME).unlink()  # sealed again here, with this station's version number
        local = replace(spec, version=store.next_version(session, entry.name))
        row = store.record_version(session, data_dir, staged, local, acceptance, foundation, user)
        audit.record(session, user.username, "product.imported", name=row.name, version=row.version, file=str(pack),
                     source_version=entry.version, source_sha256=entry.sha256, accepted_there_by=entry.accepted_by)
        labels.append(f"{row.name} v{row.version}")
    return labels
