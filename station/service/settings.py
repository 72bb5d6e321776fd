"""Applying settings from the GUI (and packs): saved and audited, with what takes effect only after a restart."""

from __future__ import annotations

from dataclasses import dataclass

from ..auth import User
from ..catalog import FAMILY_BY_KEY  # noqa: F401  (re-exported: what the window shows and edits)
from ..config import (  # noqa: F401
    CONFIG_NAME, SECTIONS, SOURCE_KINDS, ClassSpec, FailSafe, ScheduleSpec, SourceSpec, StationConfig, Thresholds,
    UiSpec, bounds,
)
from ..config_schema import read_at_start
from ..errors import InvalidInput
from ..messages import Message


@dataclass(frozen=True)
class AppliedSettings:
    changed: dict  # key -> [old, new]
    restart_needed: list[str]  # changed keys the running station uses only from its next start

    @property
    def nothing_changed(self) -> bool:
        return not self.changed


def apply_settings(station, user: User | None, new: StationConfig) -> AppliedSettings:
    """Validate, save and audit `new` (a manager only). A section with keys the station reads anew (for each frame,
    page or timer) applies at once; a key marked READ_AT_START is used from the next start."""
    from ..environment import overrides
    from ..settings import change_settings, changed_keys

    _, variables = overrides()
    fixed = [key for key in changed_keys(station.config, new) if key in variables]
    if fixed:  # saved, it would not be used: the environment's value wins at every start
        raise InvalidInput(Message("settings.from_environment", keys=", ".join(fixed),
                                   variables=", ".join(variables[k] for k in fixed)))
    old = station.config
    if station.product is not None:  # the settings' own values are edited; the product's stay the product's
        new, old = _onto_own_settings(station, new), station.own_config
    changed = change_settings(station.db, station.data_dir, old, new, user)
    if station.product is not None:
        from ..products.live import applied

        station.own_config, new = new, applied(new, station.product)
    for section in SECTIONS:
        if not all(read_at_start(f"{section}.{name}") for name in getattr(new, section).__pydantic_fields__):
            setattr(station.config, section, getattr(new, section))
    return AppliedSettings(changed, [k for k in changed if read_at_start(k)])


PRODUCT_KEYS = ("classes", "thresholds.conf_a", "thresholds.conf_b", "model.check_b", "model.check_b_path")


def _onto_own_settings(station, new: StationConfig) -> StationConfig:
    """`new` (edited from what the running station shows) as a change of the settings' own values: refused for
    what the live product sets (PRODUCT_KEYS), every other change carried over."""
    import copy

    from ..settings import changed_keys

    changes = changed_keys(station.config, new)
    owned = [k for k in changes if k in PRODUCT_KEYS]
    if owned:
        raise InvalidInput(f"the live product {station.product.label} sets {', '.join(owned)}: they change with a "
                           "new version of the product (station product new), or with no product live "
                           "(station product use --none)")
    own = copy.deepcopy(station.own_config)
    for key in changes:
        section, _, name = key.partition(".")
        if name:
            setattr(getattr(own, section), name, copy.deepcopy(getattr(getattr(new, section), name)))
        else:
            setattr(own, section, copy.deepcopy(getattr(new, section)))
    return own
