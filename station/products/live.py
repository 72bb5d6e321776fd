"""The live product at a station's start: its classes, thresholds and check B replace the settings' own, its
prompts go into check A and its bank into the input gate. Every file is checked against the version's seal."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..config_schema import ClassSpec, StationConfig
from . import store
from .definition import ProductSpec


@dataclass(frozen=True)
class LiveProduct:
    id: int
    name: str
    version: int
    folder: Path
    spec: ProductSpec
    base_model_sha256: str
    recipe: int | None = None  # the number a PLC selects it by

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"


def live_product(db, data_dir: Path) -> LiveProduct | None:
    """The live version, its folder verified against its record; None when the station runs its settings' classes."""
    with db.session() as s:
        return loaded(s, store.live(s), data_dir)


def loaded(session, row, data_dir: Path) -> LiveProduct | None:
    """Version `row` (a record read in `session`), its record against its seal and its folder against the record."""
    if row is None:
        return None
    store.refuse_unsealed(session, row)
    folder = store.verified_folder(data_dir, row)
    return LiveProduct(row.id, row.name, row.version, folder, store.read_spec(folder), row.base_model_sha256,
                       row.recipe)


def applied(cfg: StationConfig, product: LiveProduct) -> StationConfig:
    """The settings as the product makes them: its learned classes, its thresholds, its check B."""
    spec = product.spec
    classes = [ClassSpec(c.key, c.name, list(c.prompts), c.good, c.name_ja) for c in spec.learned]
    return replace(cfg, classes=classes,
                   thresholds=replace(cfg.thresholds, conf_a=spec.conf_a, conf_b=spec.conf_b),
                   model=replace(cfg.model, check_b=spec.check_b_kind, check_b_path=str(product.folder / store.CHECK_B)))


def prompts_of(product: LiveProduct):
    """(prompts, first prompted block) of the product's check A, or None when it was onboarded without prompts."""
    from ..prompts.files import load_prompt_set

    path = product.folder / store.PROMPTS_NAME
    if not path.is_file():
        return None
    prompts, meta = load_prompt_set(path)  # its sha256 was checked with the folder's seal
    return prompts, meta.first_prompted_block


def gate_of_product(product: LiveProduct, station):
    from ..gate.bank import load_bank
    from ..gate.store import gate_of
    from ..models.identity import foundation_sha256

    bank = load_bank(product.folder / store.BANK_NAME, model_sha256=foundation_sha256(station.config, station.data_dir))
    return gate_of(bank, station.config.gate)
