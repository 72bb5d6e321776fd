"""Part families, their conditions, and the captions that describe them.

The catalogue is the single source of truth for class names: the generator draws
from it, the demo models are trained on it and the station's default classes come
from it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Bumped whenever rendering changes in a way that alters images for a given seed.
GENERATOR_VERSION = "3"


@dataclass(frozen=True)
class Condition:
    key: str  # machine name, e.g. "scratch"
    adjective: str  # "scratched" -> "a scratched washer"
    noun: str  # "a scratch" -> "a washer with a scratch"
    good: bool = False
    name_ja: str = ""  # for the Japanese window: 傷 -> 座金（傷）


@dataclass(frozen=True)
class Family:
    key: str
    name: str  # as spoken in captions
    conditions: tuple[Condition, ...]
    name_ja: str = ""
    trained: bool = True  # False: drawn, but never in the demo models' training (a part they have not seen)


GOOD = Condition("good", "good", "no defects", good=True, name_ja="良品")
SCRATCH = Condition("scratch", "scratched", "a scratch", name_ja="傷")
CRACK = Condition("crack", "cracked", "a crack", name_ja="割れ")
STAIN = Condition("stain", "stained", "a stain", name_ja="汚れ")

DRAWN_FAMILIES: tuple[Family, ...] = (  # every family the generator draws
    Family("washer", "washer", (GOOD, SCRATCH, CRACK, STAIN, Condition("dent", "dented", "a dent", name_ja="打痕")),
           name_ja="座金"),
    Family(
        "hex_nut",
        "hex nut",
        (GOOD, SCRATCH, CRACK, STAIN, Condition("chipped", "chipped", "a chipped corner", name_ja="欠け")),
        name_ja="六角ナット",
    ),
    Family(
        "pcb_tile",
        "circuit board",
        (GOOD, SCRATCH, CRACK, STAIN, Condition("missing_part", "incomplete", "a missing chip", name_ja="部品欠落")),
        name_ja="基板",
    ),
    Family("bracket", "mounting bracket",
           (GOOD, SCRATCH, CRACK, STAIN, Condition("missing_hole", "unpunched", "a missing hole", name_ja="穴なし")),
           name_ja="取付金具", trained=False),
)

FAMILY_BY_KEY = {f.key: f for f in DRAWN_FAMILIES}
FAMILIES = TRAINED_FAMILIES = tuple(f for f in DRAWN_FAMILIES if f.trained)  # the ones the demo models learned


@dataclass(frozen=True)
class PartClass:
    """One inspection class: a (family, condition) pair."""

    family: Family
    condition: Condition

    @property
    def key(self) -> str:
        return f"{self.family.key}/{self.condition.key}"

    @property
    def label(self) -> str:
        """Plain words for people and for the class prompt: "scratched washer"."""
        return f"{self.condition.adjective} {self.family.name}"

    @property
    def label_ja(self) -> str:
        """The Japanese window's name: 座金（傷）."""
        if not (self.family.name_ja and self.condition.name_ja):
            return ""
        return f"{self.family.name_ja}（{self.condition.name_ja}）"

    @property
    def good(self) -> bool:
        return self.condition.good

    def prompt_texts(self) -> list[str]:
        """Texts whose embeddings are averaged for zero-shot classification."""
        return [
            f"a photo of a {self.label}.",
            f"a photo of a {self.family.name} with {self.condition.noun}.",
        ]


ALL_CLASSES: tuple[PartClass, ...] = tuple(  # the demo models' classes, in their output order
    PartClass(f, c) for f in TRAINED_FAMILIES for c in f.conditions
)
CLASS_INDEX = {c.key: i for i, c in enumerate(ALL_CLASSES)}


def family_class_indices(family_key: str) -> list[int]:
    return [i for i, c in enumerate(ALL_CLASSES) if c.family.key == family_key]


_TEMPLATES_DEFECT = (
    "a photo of a {adj} {part}.",
    "a photo of a {part} with {noun}.",
    "a close-up photo of a {adj} {part}.",
    "an inspection image of a {part} with {noun}.",
    "a {adj} {part} on the line.",
    "a top view of a {adj} {part}.",
    "a {part} showing {noun}.",
    "a camera image of a {adj} {part}.",
)
_TEMPLATES_GOOD = (
    "a photo of a good {part}.",
    "a photo of a {part} with no defects.",
    "a close-up photo of a good {part}.",
    "an inspection image of a flawless {part}.",
    "a good {part} on the line.",
    "a top view of a defect-free {part}.",
    "a {part} in perfect condition.",
    "a camera image of a good {part}.",
)


def captions(part_class: PartClass) -> list[str]:
    """Every caption template filled in for one class (several per class)."""
    templates = _TEMPLATES_GOOD if part_class.good else _TEMPLATES_DEFECT
    c = part_class.condition
    return [
        t.format(adj=c.adjective, noun=c.noun, part=part_class.family.name) for t in templates
    ]
