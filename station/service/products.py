"""Products for managers, in the CLI and the window: check photos, onboard, read the acceptance report, sign it,
make a version live."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..auth import User, acting
from ..jobs import Job
from ..messages import Message
from ..progress import QUIET, Progress
from ..products import store
from ..products.photos import MIN_PHOTOS, MIN_SIDE, PhotoCheck, check_photos  # noqa: F401  (the window's words)
# torch-free: listing, showing, signing and changing over answer without loading torch (onboard imports it)
from ..products.recipe import CheckBRecipe, OnboardingChoices  # noqa: F401  (re-exported: the choices)
from ..products.store import ProductError  # noqa: F401
from .records import has_product

ONBOARDING_JOB = Job.ONBOARDING


@dataclass(frozen=True)
class ProductLine:
    id: int
    name: str
    version: int
    created_at: datetime
    accepted: bool
    accepted_by: str | None
    live: bool
    classes: list[dict] = field(default_factory=list)
    acceptance: dict = field(default_factory=dict)
    folder: str = ""
    recipe: int | None = None  # the number a PLC selects the product by

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "version": self.version, "created_at": self.created_at.isoformat(),
                "accepted": self.accepted, "accepted_by": self.accepted_by, "live": self.live,
                "classes": self.classes, "acceptance": self.acceptance, "folder": self.folder, "recipe": self.recipe}


def _line(session, row, data_dir: Path) -> ProductLine:
    from ..storage.models import User as UserRow

    signer = session.get(UserRow, row.accepted_by) if row.accepted_by else None
    return ProductLine(row.id, row.name, row.version, row.created_at, row.accepted_at is not None,
                       signer.username if signer else None, bool(row.live), list((row.spec or {}).get("classes", [])),
                       dict(row.acceptance or {}), str(Path(data_dir) / row.path), row.recipe)


def onboard_product(station, user: User | None, name: str, folder: Path | str, choices: OnboardingChoices,
                    progress: Progress = QUIET, check: PhotoCheck | None = None) -> ProductLine:
    """A new version of `name` from `folder/<class>/*`, measured, recorded, not live (see products.onboard);
    `check`: the photos as `check_photos` already read them, not read again."""
    from ..products.onboard import onboard

    with station.jobs.running(ONBOARDING_JOB):
        row = onboard(station, user, name, folder, choices, progress, check)
    with station.db.session() as s:
        return _line(s, s.get(type(row), row.id), station.data_dir)


def products_on_disk(records) -> list[ProductLine]:
    with records.db.session() as s:
        return [_line(s, r, records.data_dir) for r in store.versions(s)]


def product_details(records, name: str, version: int | None = None) -> dict:
    """Everything the version's report says, with its file's place and whether it is signed and live."""
    import json

    with records.db.session() as s:
        row = store.find(s, name, version)
        line = _line(s, row, records.data_dir)
    folder = store.verified_folder(records.data_dir, row)
    spec = store.read_spec(folder)
    acceptance = json.loads((folder / store.ACCEPTANCE_NAME).read_text(encoding="utf-8"))
    warning = manual_mode_warning(records, acceptance)
    return {**line.as_dict(), "spec": spec.as_dict(), "acceptance": acceptance,
            "report": str(folder / "acceptance.html"), "warnings": [str(warning)] if warning else []}


def manual_mode_warning(records, acceptance: dict) -> Message | None:
    """Said before a version goes live when its report sends more parts to review than the fail-safe allows: on the
    line the station would stop judging by itself within its first `min_frames` frames. None when it fits."""
    failsafe, share = records.config.failsafe, acceptance.get("review_share")
    if share is None or share <= failsafe.max_review_share:
        return None
    return Message("product.manual_mode_expected", share=share, limit=failsafe.max_review_share,
                   frames=failsafe.min_frames)


def accept_product(records, user: User | None, name: str, version: int | None = None) -> ProductLine:
    with records.db.transaction() as s:
        row = store.accept(s, name, version, acting(s, user))
        s.flush()
        return _line(s, row, records.data_dir)


def use_product(records, user: User | None, name: str, version: int | None = None) -> ProductLine:
    """Make a signed version live: a running line switches at its next frame (`Station.follow_live_product`),
    a stopped station when it next inspects or starts."""
    with records.db.transaction() as s:
        row = store.find(s, name, version)
        store.verified_folder(records.data_dir, row)  # a version whose files changed never goes live
        row = store.make_live(s, name, row.version, acting(s, user))
        s.flush()
        return _line(s, row, records.data_dir)


def set_product_recipe(records, user: User | None, name: str, number: int | None) -> int | None:
    """Give `name` the recipe number a PLC selects it by (None: take it away); returns the number it had."""
    with records.db.transaction() as s:
        before = store.recipe_of(s, name)
        store.set_recipe(s, name, number, acting(s, user))
        return before


def use_no_product(records, user: User | None) -> str | None:
    """No product live: the station inspects its settings' classes from its next start. The label of the version
    that was live, or None. Works when the live version cannot load (its files or the station's CLIP changed)."""
    with records.db.transaction() as s:
        before = store.settings_live(s, acting(s, user))
        return f"{before.name} v{before.version}" if before else None


def change_over(station, user: User | None, name: str | None, version: int | None = None) -> str:
    """A manager's changeover in the window: `name` live (None: the settings' classes), loaded now, so the next
    frame is judged by it (a running line would load it before its next frame anyway). The label now judging;
    ProductError when the station could not load it (the one judging before stays live)."""
    if name is None:
        use_no_product(station, user)
    else:
        use_product(station, user, name, version)
    switch = station.follow_live_product()
    if switch is not None and switch.refused:
        raise ProductError(f"the station could not load it and stays on what it had: {switch.refused}")
    now = station.product  # whoever loaded it (a running line may have, first)
    if (now.name if now is not None else None) != name:
        raise ProductError("the station could not load it and stays on "
                           f"{now.label if now is not None else 'the classes of its settings'} (the audit trail says why)")
    return now.label if now is not None else ""


def bundled_demo_product(station, progress: Progress = QUIET) -> ProductLine | None:
    """On a demo station (the bundled CLIP) that has no washer product yet: record the bundled one, signed by the
    demo manager and live unless another product is (products.bundled). None when there is nothing to do."""
    from sqlalchemy import select

    from ..products.bundled import NAME, record_washer
    from ..storage.models import User as UserRow

    if (station.own_config or station.config).model.clip != "demo" or has_product(station, NAME):
        return None
    with station.db.session() as s:
        manager = s.scalar(select(UserRow).where(UserRow.username == "manager", UserRow.role == "manager",
                                                 UserRow.active.is_(True)))  # the demo's manager account
        if manager is None:
            return None
        s.expunge(manager)
    row = record_washer(station, manager, progress)
    station.follow_live_product()
    with station.db.session() as s:
        return _line(s, s.get(type(row), row.id), station.data_dir)


