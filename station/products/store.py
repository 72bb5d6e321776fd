"""Product versions on disk and in the records: a sealed folder per version, one row each, one live.

    <data>/products/<name>/v<version>/
        product.json        the ProductSpec (classes, check A's texts, thresholds, figures)
        check_b/            the product's CNN and its good-parts memory (station.products.check_b)
        bank.safetensors    the input gate's reference bank, from the product's photos
        prompts.safetensors check A's RVPT prompts (when tuned)
        acceptance.json, acceptance.html, gallery/   the acceptance report
        held_out/<class>/   the held-out photos of the learned classes: the self-tests' frames
        manifest.json       the sha256 of every file above; its own sha256 is the row's `sha256`
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..auth import require
from ..errors import StationError
from ..messages import Message
from ..fileio import write_json_atomic
from ..models.files import MANIFEST_NAME, ModelFileError, sha256_file, verify_manifest, write_manifest
from ..paths import data_path, stored_path
from ..storage.models import AuditEvent, Product, User
from .definition import ProductSpec, product_name

SPEC_NAME = "product.json"
ACCEPTANCE_NAME = "acceptance.json"
BANK_NAME = "bank.safetensors"
PROMPTS_NAME = "prompts.safetensors"
CHECK_B = "check_b"
LIVE_ACTION = "product.live"  # the audit event of every switch of the live product
MAX_RECIPE = 65535  # a recipe number fits one Modbus register
HELD_OUT = "held_out"  # the held-out photos of the learned classes, <class>/*.png: the self-tests' frames


class ProductError(StationError):
    """A product that cannot be used as asked: unknown, not accepted, changed on disk."""


def products_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / "products"


@contextmanager
def staging(data_dir: Path | str, name: str):
    """The folder a new version of `name` is built in; it becomes a version only when complete (`record_version`
    moves it), and is removed when the building stops with an error or a Cancel. Leftovers of a build that was
    killed go first; a build a live process is filling (an onboarding beside a roll-out) is left alone."""
    for old in (products_dir(data_dir) / name).glob(".new-*"):
        if not _being_built(old):
            shutil.rmtree(old, ignore_errors=True)
    folder = products_dir(data_dir) / name / f".new-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    folder.mkdir(parents=True)
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        try:
            folder.parent.rmdir()  # a product's first build that failed leaves no empty folder of its name
        except OSError:  # versions (or another build) in it
            pass
        raise


def _being_built(folder: Path) -> bool:
    """Its name carries the pid of the process building it, and that process is alive (older names: leftovers)."""
    pid = folder.name.split("-")[1] if folder.name.count("-") == 2 else ""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another account's
        return True
    return True


def write_spec(folder: Path, spec: ProductSpec) -> None:
    write_json_atomic(folder / SPEC_NAME, spec.as_dict())


def read_spec(folder: Path) -> ProductSpec:
    try:
        return ProductSpec.from_dict(json.loads((folder / SPEC_NAME).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ModelFileError(folder / SPEC_NAME, f"not a readable product description ({e})"[:300],
                             "Onboard the product again (station product new), or restore its folder.") from e


def seal(folder: Path) -> str:
    """Write the manifest of every file in `folder`; returns the manifest's sha256 (what the record keeps)."""
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p != folder / MANIFEST_NAME)
    write_manifest(folder, files, kind="product")
    return sha256_file(folder / MANIFEST_NAME)


def verified_folder(data_dir: Path | str, row: Product) -> Path:
    """The version's folder, every file checked against the manifest the record names."""
    folder = data_path(data_dir, row.path)
    if not (folder / MANIFEST_NAME).is_file():
        raise ModelFileError(folder, f"product {row.name} v{row.version}: its folder is missing",
                             "Restore the data folder from a backup, or onboard the product again.")
    if sha256_file(folder / MANIFEST_NAME) != row.sha256:
        raise ModelFileError(folder / MANIFEST_NAME, f"product {row.name} v{row.version} was changed after it was "
                             "recorded", "Restore its folder from a backup, or onboard the product again.")
    try:
        verify_manifest(folder)
    except ModelFileError as e:
        raise ModelFileError(e.path, f"product {row.name} v{row.version}: {e.problem}",
                             "Restore the product's folder from a backup, onboard the product again, or make another "
                             "version live (station product use NAME --version N).") from e
    return folder


def next_version(session: Session, name: str) -> int:
    return (session.scalar(select(func.max(Product.version)).where(Product.name == name)) or 0) + 1


def record_version(session: Session, data_dir: Path, staged: Path, spec: ProductSpec, acceptance: dict,
                   base_model_sha256: str, user: User) -> Product:
    """Seal the staged folder, move it to its version's place, record and audit it (unsigned, not live)."""
    require(user, "products.receive")
    if spec.version != next_version(session, spec.name):  # its report already names the version it measured
        raise ProductError(f"another onboarding of {spec.name} recorded v{spec.version} first: onboard again")
    write_spec(staged, spec)
    sha = seal(staged)
    final = products_dir(data_dir) / spec.name / f"v{spec.version}"
    if final.exists():  # left by an onboarding that stopped before its record was committed
        shutil.rmtree(final)
    staged.replace(final)
    row = Product(name=spec.name, version=spec.version, path=stored_path(data_dir, final), sha256=sha,
                  base_model_sha256=base_model_sha256, spec=_summary(spec), acceptance=_figures(acceptance),
                  created_by=user.id, live=False, recipe=recipe_of(session, spec.name))
    session.add(row)
    session.flush()
    audit.record(session, user.username, "product.created", name=spec.name, version=spec.version, sha256=sha,
                 acceptance=_figures(acceptance))
    return row


def _summary(spec: ProductSpec) -> dict:
    return {"name_en": spec.name_en, "name_ja": spec.name_ja, "conf_a": spec.conf_a, "conf_b": spec.conf_b,
            "classes": [{"key": c.key, "name": c.name, "name_ja": c.name_ja, "good": c.good, "learned": c.learned}
                        for c in spec.classes]}  # names: what a reviewer reads on the buttons, from the records


def _figures(acceptance: dict) -> dict:
    """The report's numbers (the gallery stays in the folder)."""
    return {k: v for k, v in acceptance.items() if k not in ("gallery", "confusion_a", "confusion_b")}


def refuse_unsealed(session: Session, row: Product) -> None:
    """A product row edited outside the station (made live or signed by hand in the database) does not match its
    audit seal: it is never used, as the active prompt set's is not."""
    from ..audit.seals import matches_seal

    if not matches_seal(session, row):
        raise ProductError(f"the record of product {row.name} v{row.version} was changed outside the station (it does "
                           "not match its audit seal): run `station audit verify` and report it; make a version live "
                           "again with `station product use NAME`")


def find(session: Session, name: str, version: int | None = None) -> Product:
    product_name(name)
    q = select(Product).where(Product.name == name)
    q = q.where(Product.version == version) if version else q.order_by(Product.version.desc())
    row = session.scalar(q.limit(1))
    if row is None:
        known = sorted(set(session.scalars(select(Product.name))))
        raise ProductError(f"no product {name}" + (f" v{version}" if version else "") +
                           (f"; this station has: {', '.join(known)}" if known else "; this station has none yet: "
                            "onboard one with `station product new NAME --from DIR --good CLASS`"))
    return row


def accept(session: Session, name: str, version: int | None, user: User) -> Product:
    """A manager signs the version's acceptance report: named and audited. Only then may it go live."""
    require(user, "products.manage")
    row = find(session, name, version)
    refuse_unsealed(session, row)
    if row.accepted_at is not None:
        return row
    row.accepted_at, row.accepted_by = datetime.now(timezone.utc), user.id
    audit.record(session, user.username, "product.accepted", name=row.name, version=row.version, sha256=row.sha256,
                 acceptance=row.acceptance)
    return row


def make_live(session: Session, name: str, version: int | None, user: User | None) -> Product:
    """Switch the live product (audited). Refused for a version whose acceptance nobody signed."""
    require(user, "products.manage")
    return _switch(session, find(session, name, version), user.username)


def _switch(session: Session, row: Product, actor: str) -> Product:
    refuse_unsealed(session, row)
    if row.accepted_at is None:
        raise ProductError(Message("product.not_signed", label=row.label, name=row.name))
    before = live(session)
    for other in session.scalars(select(Product).where(Product.live.is_(True))):
        other.live = False
    row.live = True
    audit.record(session, actor, LIVE_ACTION, name=row.name, version=row.version, recipe=row.recipe,
                 before=f"{before.name} v{before.version}" if before else None)
    return row


def recipe_of(session: Session, name: str) -> int | None:
    return session.scalar(select(Product.recipe).where(Product.name == name, Product.recipe.is_not(None)).limit(1))


def set_recipe(session: Session, name: str, number: int | None, user: User | None) -> None:
    """Give product `name` (every version) the recipe number a PLC selects it by; None takes it away. Audited."""
    require(user, "products.manage")
    find(session, name)
    if number is not None:
        if not 1 <= number <= MAX_RECIPE:
            raise ProductError(f"recipe number {number}: use 1 to {MAX_RECIPE} (0 is what a PLC reads while the "
                               "station inspects its settings' classes)")
        taken = session.scalar(select(Product.name).where(Product.recipe == number, Product.name != name).limit(1))
        if taken:
            raise ProductError(f"recipe number {number} is {taken}'s: choose another, or take it from {taken} first "
                               f"(station product recipe {taken} --none)")
    before = recipe_of(session, name)
    for row in session.scalars(select(Product).where(Product.name == name)):
        row.recipe = number
    audit.record(session, user.username, "product.recipe", name=name, recipe=number, before=before)


def switch_by_recipe(session: Session, number: int, actor: str) -> Product:
    """A PLC's changeover: the newest signed version of the product with recipe `number` goes live, audited under
    `actor` (the link); when a version of it is live already, nothing changes. Refused, saying why, for a number no product has or one whose versions nobody signed."""
    rows = list(session.scalars(select(Product).where(Product.recipe == number).order_by(Product.version.desc())))
    if not rows:
        raise ProductError(f"no product has recipe number {number}")
    already = next((r for r in rows if r.live), None)
    if already is not None:  # a PLC repeating its number changes nothing (nor a manager's choice of version)
        return already
    signed = [r for r in rows if r.accepted_at is not None]
    if not signed:
        raise ProductError(f"{rows[0].name} (recipe {number}) has no signed version")
    return _switch(session, signed[0], actor)


def live_since(session: Session):
    """When the live product was last switched (the audit event's time), or None when it never was. Read from the
    newest event back: a switch just happened, so this stays quick however long the trail is."""
    return session.scalar(select(AuditEvent.at).where(AuditEvent.action == LIVE_ACTION)
                          .order_by(AuditEvent.id.desc()).limit(1))


def restore_live(session: Session, product_id: int | None, reason: str) -> None:
    """After a switch the running station could not load: the product that still judges is live again (audited)."""
    for other in session.scalars(select(Product).where(Product.live.is_(True))):
        other.live = False
    row = session.get(Product, product_id) if product_id is not None else None
    if row is not None:
        row.live = True
    audit.record(session, "system", LIVE_ACTION, name=row.name if row else None, version=row.version if row else None,
                 recipe=row.recipe if row else None, refused=reason[:300])


def live(session: Session) -> Product | None:
    return session.scalar(select(Product).where(Product.live.is_(True)).limit(1))


def versions(session: Session) -> list[Product]:
    return list(session.scalars(select(Product).order_by(Product.name, Product.version)))


def refuse_foreign_model(row: Product, model_sha256: str) -> None:
    if row.base_model_sha256 != model_sha256:
        raise ProductError(f"{row.name} v{row.version} was onboarded on CLIP {row.base_model_sha256[:12]}; this station "
                           f"runs {model_sha256[:12]}: onboard it again on this model")


def settings_live(session: Session, user: User | None, actor: str = "") -> Product | None:
    """No product live: the station inspects the classes of its settings again (audited). The way back when the
    live version cannot be used (its files changed, or the station's CLIP did). `actor`: a PLC link ("plc:modbus"),
    instead of a manager."""
    if not actor:
        require(user, "products.manage")
    before = live(session)
    if before is not None:
        before.live = False
        audit.record(session, actor or user.username, LIVE_ACTION, name=None, version=None, recipe=0,
                     before=f"{before.name} v{before.version}")
    return before
