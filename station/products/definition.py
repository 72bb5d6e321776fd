"""What a product is: its name, its names for people, its classes (with check A's texts) and its thresholds."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ..errors import InvalidInput
from ..messages import Message

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def product_name(name: str) -> str:
    """A product's name is part of folder names and PLC recipes: letters, digits, '.', '_' and '-'."""
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise InvalidInput(Message("product.bad_name", name=repr(str(name)[:80])))
    return name


def class_key(folder_name: str) -> str:
    if not _KEY.fullmatch(folder_name) or ".." in folder_name:
        raise InvalidInput(f"class folder {folder_name[:80]!r}: a class folder's name becomes the class key; use "
                           "1 to 64 letters, digits, '.', '_' or '-' (e.g. good, scratch, missing_clip)")
    return folder_name


@dataclass(frozen=True)
class ProductClass:
    key: str  # the photo folder's name, e.g. "scratch"
    name: str  # for people, e.g. "scratch"
    good: bool
    prompts: tuple[str, ...]  # check A's texts
    name_ja: str = ""
    learned: bool = True  # False: too few photos to learn; held out whole (see products.photos)


def default_prompts(product: str, key: str, good: bool) -> tuple[str, ...]:
    """Check A's texts for a class of a product it has never been told about."""
    part, words = product.replace("_", " ").replace("-", " "), key.replace("_", " ").replace("-", " ")
    if good:
        return (f"a photo of a good {part}.", f"a photo of a {part} with no defects.")
    return (f"a photo of a {part} with {words}.", f"a photo of a defective {part}: {words}.")


@dataclass
class ProductSpec:
    name: str
    version: int
    classes: list[ProductClass]
    name_en: str = ""
    name_ja: str = ""
    conf_a: float = 0.5
    conf_b: float = 0.7
    details: dict = field(default_factory=dict)  # photo check, split, training and calibration figures
    check_b_kind: str = "product_cnn"  # check B's kind (station.models.check_b_kinds); the bundled demo: demo_cnn

    @property
    def learned(self) -> list[ProductClass]:
        """The classes both checks answer with (a class held out whole is not one of them)."""
        return [c for c in self.classes if c.learned]

    @property
    def good(self) -> dict[str, bool]:
        return {c.key: c.good for c in self.classes}

    def as_dict(self) -> dict:
        d = asdict(self)
        d["classes"] = [{**asdict(c), "prompts": list(c.prompts)} for c in self.classes]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> ProductSpec:
        from ..models.check_b_kinds import KINDS

        product_name(d["name"])  # it names the product's folder: never a path
        if d.get("check_b_kind", "product_cnn") not in KINDS:
            raise ValueError(f"check B of kind {d.get('check_b_kind')!r} is none this station knows")
        classes = [ProductClass(c["key"], c["name"], bool(c["good"]), tuple(c["prompts"]), c.get("name_ja", ""),
                                bool(c.get("learned", True))) for c in d["classes"]]
        return cls(d["name"], int(d["version"]), classes, d.get("name_en", ""), d.get("name_ja", ""),
                   float(d["conf_a"]), float(d["conf_b"]), d.get("details", {}), d.get("check_b_kind", "product_cnn"))
