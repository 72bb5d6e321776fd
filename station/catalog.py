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
    kind: str = ""  # the defect kind it is an instance of (KINDS), shared across families; "" for its key

    @property
    def defect_kind(self) -> str:
        return "" if self.good else (self.kind or self.key)


@dataclass(frozen=True)
class Family:
    key: str
    name: str  # as spoken in captions
    conditions: tuple[Condition, ...]
    name_ja: str = ""
    trained: bool = True  # in the bundled demo models' training (their classes, ALL_CLASSES)
    unseen: bool = False  # kept out of every demo training: a part the foundation model has never seen


KINDS = ("missing_feature", "scratch", "crack", "stain", "deformation", "chip", "contamination", "misprint", "porosity")
"""Defect kinds that recur across families: a foundation model that learned a kind on some parts may know it on a
part it never saw."""

GOOD = Condition("good", "good", "no defects", good=True, name_ja="良品")
SCRATCH = Condition("scratch", "scratched", "a scratch", name_ja="傷")
CRACK = Condition("crack", "cracked", "a crack", name_ja="割れ")
STAIN = Condition("stain", "stained", "a stain", name_ja="汚れ")
CONTAMINATION = Condition("contamination", "contaminated", "contamination", name_ja="異物")
MISPRINT = Condition("misprint", "misprinted", "a misprint", name_ja="印刷不良")

DRAWN_FAMILIES: tuple[Family, ...] = (  # every family the generator draws
    Family("washer", "washer", (GOOD, SCRATCH, CRACK, STAIN, Condition("dent", "dented", "a dent", name_ja="打痕", kind="deformation")),
           name_ja="座金"),
    Family(
        "hex_nut",
        "hex nut",
        (GOOD, SCRATCH, CRACK, STAIN, Condition("chipped", "chipped", "a chipped corner", name_ja="欠け", kind="chip")),
        name_ja="六角ナット",
    ),
    Family(
        "pcb_tile",
        "circuit board",
        (GOOD, SCRATCH, CRACK, STAIN, Condition("missing_part", "incomplete", "a missing chip", name_ja="部品欠落",
                                                kind="missing_feature")),
        name_ja="基板",
    ),
    Family("bracket", "mounting bracket",
           (GOOD, SCRATCH, CRACK, STAIN, Condition("missing_hole", "unpunched", "a missing hole", name_ja="穴なし",
                                                     kind="missing_feature")),
           name_ja="取付金具", trained=False, unseen=True),
    # the wider generator's families (drawn; not yet in the bundled models)
    Family("spring", "coil spring", (GOOD, STAIN, Condition("deformed", "deformed", "a deformation", name_ja="変形", kind="deformation"),
                                     Condition("broken", "broken", "a broken coil", name_ja="折損", kind="missing_feature")),
           name_ja="コイルばね", trained=False),
    Family("bolt", "hex bolt", (GOOD, SCRATCH, STAIN, Condition("deformed", "bent", "a bent shank", name_ja="曲がり", kind="deformation")),
           name_ja="六角ボルト", trained=False),
    Family("gear", "spur gear", (GOOD, SCRATCH, CRACK, Condition("missing_tooth", "damaged", "a missing tooth",
                                                                 name_ja="歯欠け", kind="missing_feature")),
           name_ja="平歯車", trained=False),
    Family("bearing", "ball bearing", (GOOD, SCRATCH, STAIN, CONTAMINATION,
                                       Condition("missing_ball", "incomplete", "a missing ball", name_ja="玉欠落",
                                                 kind="missing_feature")),
           name_ja="玉軸受", trained=False),
    Family("bottle_cap", "bottle cap", (GOOD, SCRATCH, MISPRINT, Condition("dent", "dented", "a dent", name_ja="打痕", kind="deformation")),
           name_ja="キャップ", trained=False),
    Family("label", "product label", (GOOD, STAIN, MISPRINT, Condition("torn", "torn", "a torn corner", name_ja="破れ", kind="chip")),
           name_ja="ラベル", trained=False),
    Family("casting", "aluminium casting", (GOOD, CRACK, Condition("chipped", "chipped", "a chipped edge", name_ja="欠け", kind="chip"),
                                            Condition("porosity", "porous", "porosity", name_ja="巣")),
           name_ja="鋳物", trained=False),
    Family("connector", "connector", (GOOD, CRACK, CONTAMINATION,
                                      Condition("missing_pin", "incomplete", "a missing pin", name_ja="ピン欠落",
                                                kind="missing_feature"),
                                      Condition("bent_pin", "bent", "a bent pin", name_ja="ピン曲がり", kind="deformation")),
           name_ja="コネクタ", trained=False, unseen=True),
)

FAMILY_BY_KEY = {f.key: f for f in DRAWN_FAMILIES}
FAMILIES = TRAINED_FAMILIES = tuple(f for f in DRAWN_FAMILIES if f.trained)  # the ones the demo models learned
SEEN_FAMILIES = tuple(f for f in DRAWN_FAMILIES if not f.unseen)  # what a demo foundation model may learn from
UNSEEN_FAMILIES = tuple(f for f in DRAWN_FAMILIES if f.unseen)  # kept back to measure it on parts it never saw


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


def classes_of(family_keys) -> tuple[PartClass, ...]:
    """The classes of these families, in order: a model's outputs, a training pool's labels."""
    return tuple(PartClass(FAMILY_BY_KEY[k], c) for k in family_keys for c in FAMILY_BY_KEY[k].conditions)


TRAINED_KEYS = tuple(f.key for f in TRAINED_FAMILIES)
SEEN_KEYS = tuple(f.key for f in SEEN_FAMILIES)
ALL_CLASSES: tuple[PartClass, ...] = classes_of(TRAINED_KEYS)  # the bundled demo models' classes, in their output order
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


KIND_WORDS = {"missing_feature": "a missing feature", "scratch": "a scratch", "crack": "a crack",
              "stain": "a stain or corrosion", "deformation": "a deformation", "chip": "a chipped edge",
              "contamination": "contamination", "misprint": "a misprint", "porosity": "porosity"}
_TEMPLATES_KIND = (
    "a photo of a {part} with {kind}.",
    "a {part} with {kind}: {noun}.",
    "an inspection image showing {kind} on a {part}.",
)


def captions(part_class: PartClass, kinds: bool = False) -> list[str]:
    """Every caption template filled in for one class (several per class). With `kinds`, defect captions also name
    the defect's kind ("a spur gear with a missing feature: a missing tooth"), which recurs across families: what a
    foundation model needs to know a defect on a part it never saw."""
    templates = _TEMPLATES_GOOD if part_class.good else _TEMPLATES_DEFECT
    c = part_class.condition
    out = [t.format(adj=c.adjective, noun=c.noun, part=part_class.family.name) for t in templates]
    if kinds and not c.good:
        out += [t.format(kind=KIND_WORDS[c.defect_kind], noun=c.noun, part=part_class.family.name) for t in _TEMPLATES_KIND]
    return out
