"""A product's photos, checked before anything is trained: `DIR/<class>/*` read once, with every problem named.

What is checked, and why:
- unreadable or non-image files: named and left out;
- exact duplicates (the same pixels twice) count once; a photo filed under two classes is a labelling conflict
  and is left out of both;
- near duplicates (the same part shot twice, re-encoded or nudged) are grouped, so a group never straddles
  training and held-out (that would flatter the acceptance report);
- sizes: a photo smaller than the models' inputs cannot show a thin defect;
- classes with too few photos: each part of the split needs some (see `MIN_PHOTOS`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ..capture.decode import MAX_PIXELS, ImageDecodeError, decode_file
from ..capture.folder import IMAGE_SUFFIXES
from ..errors import InvalidInput
from ..messages import Message
from ..models.resize import shrink
from ..progress import QUIET, Progress, stop_if_asked

# A class needs this many distinct photos to be learned and measured: about 6 to train on, 2 to calibrate the
# thresholds and 2 held out for the acceptance report. A defect class with fewer is not learned: all its photos
# are held out, so the report shows whether the good-parts check (the anomaly score) stops that kind.
MIN_PHOTOS = 10
# The good class needs more: the anomaly score and the input gate learn what a good part looks like from it.
MIN_GOOD_PHOTOS = 20
MIN_SIDE = 64  # pixels: below the models' own input
MIN_ALL_PHOTOS = 50  # in the learned classes: 40 outside the held-out fifth, the input gate's bank and calibration
# Two photos are one shot when their grey 32 x 32 thumbnails (mean removed) have a cosine of at least this: measured
# on generated parts, a re-encoded JPEG, sensor noise, a 10% brighter copy or a 2-pixel nudge stay above 0.99,
# while two different shots of a part reach at most 0.98.
NEAR = 0.99
KEEP_SIDE = 256  # photos are kept this small on the long side: enough for every model, and 200 fit in 40 MB


@dataclass(frozen=True)
class Photo:
    path: Path
    class_key: str
    sha256: str  # of the decoded pixels: the same picture in another file format is the same photo
    width: int
    height: int
    thumbnail: np.ndarray = field(repr=False, compare=False, hash=False)  # unit grey 32 x 32, for near duplicates
    image: np.ndarray = field(repr=False, compare=False, hash=False)  # RGB, at most KEEP_SIDE on the long side


@dataclass
class PhotoCheck:
    folder: Path
    photos: list[Photo]  # usable: decoded, each distinct picture once, no labelling conflicts
    class_keys: list[str]  # the sub-folders with at least one usable photo, in name order
    good: str
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, problem)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path left out, the photo it repeats)
    conflicts: list[tuple[str, list[str]]] = field(default_factory=list)  # (path, the classes it was filed under)
    too_small: list[tuple[str, int, int]] = field(default_factory=list)
    # near duplicates within a class (indices into photos), groups of two or more
    groups: list[list[int]] = field(default_factory=list)

    def count(self, key: str) -> int:
        return sum(p.class_key == key for p in self.photos)

    @property
    def learned(self) -> list[str]:
        """Classes with enough photos to be learned (the good class always, if it has enough)."""
        return [k for k in self.class_keys if self.count(k) >= (MIN_GOOD_PHOTOS if k == self.good else MIN_PHOTOS)]

    @property
    def held_out_whole(self) -> list[str]:
        """Defect classes too small to learn: every photo of theirs is held out, to measure the anomaly score."""
        return [k for k in self.class_keys if k != self.good and k not in self.learned]

    def units(self, key: str) -> int:
        """Distinct shots of the class: near-duplicate groups count once."""
        grouped = {i for g in self.groups for i in g}
        return (sum(self.photos[g[0]].class_key == key for g in self.groups)
                + sum(p.class_key == key and i not in grouped for i, p in enumerate(self.photos)))

    def blocking(self) -> list[str]:
        """Problems that stop onboarding, each with what to do."""
        from .definition import class_key

        out = []
        for key in self.class_keys:
            try:
                class_key(key)
            except InvalidInput as e:
                out.append(str(e))
        outside_held_out = sum(self.count(k) for k in self.learned) * 0.8
        if self.good in self.learned and outside_held_out < MIN_ALL_PHOTOS * 0.8:
            out.append(Message("photos.too_few", have=sum(self.count(k) for k in self.learned), need=MIN_ALL_PHOTOS))
        if self.good not in self.class_keys:
            out.append(Message("photos.no_good", good=self.good, folder=str(self.folder / self.good),
                               found=", ".join(self.class_keys) or "none"))
        elif self.count(self.good) < MIN_GOOD_PHOTOS:
            out.append(Message("photos.few_good", good=self.good, have=self.count(self.good), need=MIN_GOOD_PHOTOS))
        if not [k for k in self.learned if k != self.good]:
            out.append(Message("photos.no_defect_class", need=MIN_PHOTOS))
        return out

    def lines(self) -> list[str]:
        """The check as a person reads it, before anything is trained."""
        out = [f"Photos in {self.folder}: {len(self.photos)} usable, in {len(self.class_keys)} classes"]
        for k in self.class_keys:
            note = ("  (good)" if k == self.good else
                    f"  (too few to learn, under {MIN_PHOTOS}: all held out, to test the good-parts check)"
                    if k in self.held_out_whole else "")
            out.append(f"  {k:<24}{self.count(k):>6}{note}")
        sizes = [(p.width, p.height) for p in self.photos]
        if sizes:
            out.append(f"  sizes: {min(w for w, _ in sizes)}x{min(h for _, h in sizes)} to "
                       f"{max(w for w, _ in sizes)}x{max(h for _, h in sizes)} px")
        for title, items in (("unreadable, left out", [f"{p}: {why}" for p, why in self.unreadable]),
                             ("exact duplicates, counted once", [f"{p} = {same}" for p, same in self.duplicates]),
                             ("filed under more than one class, left out",
                              [f"{p}: {', '.join(c)}" for p, c in self.conflicts]),
                             (f"smaller than {MIN_SIDE} px on a side, left out",
                              [f"{p}: {w}x{h}" for p, w, h in self.too_small])):
            if items:
                out.append(f"  {len(items)} {title}:")
                out += [f"    {i}" for i in items[:10]] + ([f"    ... and {len(items) - 10} more"] if len(items) > 10 else [])
        if self.groups:
            out.append(f"  {len(self.groups)} groups of near duplicates ({sum(map(len, self.groups))} photos): "
                       "each group stays in one part of the split")
        return out

    def as_dict(self) -> dict:
        return {"folder": str(self.folder), "usable": len(self.photos), "good": self.good,
                "classes": {k: self.count(k) for k in self.class_keys}, "learned": self.learned,
                "held_out_whole": self.held_out_whole, "unreadable": [list(u) for u in self.unreadable],
                "duplicates": [list(d) for d in self.duplicates],
                "conflicts": [[p, c] for p, c in self.conflicts],
                "too_small": [list(t) for t in self.too_small],
                "near_duplicate_groups": [[str(self.photos[i].path) for i in g] for g in self.groups]}


def thumbnail(image: np.ndarray, side: int = 32) -> np.ndarray:
    """The photo's grey thumbnail, mean removed, unit length: what near duplicates share."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    small = cv2.resize(grey, (side, side), interpolation=cv2.INTER_AREA).flatten()
    small -= small.mean()
    return small / max(float(np.linalg.norm(small)), 1e-6)


def near_duplicate_groups(thumbnails: list[np.ndarray], near: float = NEAR) -> list[list[int]]:
    """Groups of two or more: each photo joins the group of the first photo (a group's first member) it repeats.
    Not transitive: a slow drift (a fixed camera, light changing over a shift) does not chain a whole class
    into one group."""
    n = len(thumbnails)
    rows = np.stack(thumbnails) if n else np.zeros((0, 1), np.float32)
    leader = list(range(n))
    for start in range(0, n, 512):
        sims = rows[start : start + 512] @ rows.T
        for i in range(sims.shape[0]):
            me = start + i
            earlier = np.flatnonzero(sims[i, :me] >= near)
            firsts = [j for j in earlier if leader[j] == j]
            if firsts:
                leader[me] = int(firsts[0])
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(leader[i], []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def class_folders(folder: Path) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInput(f"no folder {folder}: give the folder that holds one sub-folder of photos per class "
                           "(e.g. photos/good/, photos/scratch/)")
    subs = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not subs:
        raise InvalidInput(f"{folder} has no class sub-folders: put each class's photos in its own sub-folder "
                           "named by the class (e.g. photos/good/, photos/scratch/)")
    return subs


def check_photos(folder: Path | str, good: str, progress: Progress = QUIET,
                 max_pixels: int = MAX_PIXELS) -> PhotoCheck:
    """Read `folder/<class>/*` and check it (module docstring). Nothing is trained or written."""
    folder = Path(folder)
    files = [(sub.name, p) for sub in class_folders(folder) for p in sorted(sub.rglob("*")) if p.is_file()]
    check = PhotoCheck(folder, [], [], good)
    by_pixels: dict[str, list[tuple[str, Path]]] = {}
    decoded: dict[Path, tuple[np.ndarray, int, int]] = {}
    for n, (key, path) in enumerate(files):
        stop_if_asked(progress, "photo check")
        progress.report(n, len(files), Message("photos.reading", file=path.name))
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            check.unreadable.append((str(path), f"not an image file ({path.suffix or 'no suffix'})"))
            continue
        try:
            image = decode_file(path, max_pixels)
        except ImageDecodeError as e:
            check.unreadable.append((str(path), str(e).replace(f"{path}: ", "")))
            continue
        h, w = image.shape[:2]
        if min(h, w) < MIN_SIDE:
            check.too_small.append((str(path), w, h))
            continue
        digest = hashlib.sha256(image.tobytes() + bytes(f"{w}x{h}", "ascii")).hexdigest()
        by_pixels.setdefault(digest, []).append((key, path))
        decoded[path] = (shrink(image, KEEP_SIDE), w, h)
    progress.report(len(files), len(files), Message("photos.read"))
    for digest, copies in by_pixels.items():
        keys = sorted({k for k, _ in copies})
        if len(keys) > 1:
            check.conflicts += [(str(p), keys) for _, p in copies]
            continue
        (key, first), rest = copies[0], copies[1:]
        check.duplicates += [(str(p), str(first)) for _, p in rest]
        image, w, h = decoded[first]
        check.photos.append(Photo(first, key, digest, w, h, thumbnail(image), image))
    check.photos.sort(key=lambda p: (p.class_key, str(p.path)))
    check.class_keys = sorted({p.class_key for p in check.photos})
    # within a class only: across classes, a fixtured part looks the same good or with a thin defect
    for key in check.class_keys:
        members = [i for i, p in enumerate(check.photos) if p.class_key == key]
        check.groups += [[members[j] for j in g]
                         for g in near_duplicate_groups([check.photos[i].thumbnail for i in members])]
    return check


def part_photos(folder: Path | str, max_pixels: int = MAX_PIXELS) -> tuple[list[np.ndarray], list[tuple[str, str]]]:
    """Every readable photo of `folder/*` or `folder/<class>/*` (each shows a part, whatever its class), kept small,
    and the files left out with why: the input gate's bank from photos (`station gate build --folder`)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInput(f"no folder {folder}: give a folder of photos of the station's parts")
    files = sorted(p for p in folder.iterdir() if p.is_file())
    if not any(p.suffix.lower() in IMAGE_SUFFIXES for p in files):
        files = sorted(p for sub in class_folders(folder) for p in sub.iterdir() if p.is_file())
    images, skipped = [], []
    for path in files:
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            skipped.append((str(path), f"not an image file ({path.suffix or 'no suffix'})"))
            continue
        try:
            images.append(shrink(decode_file(path, max_pixels), KEEP_SIDE))
        except ImageDecodeError as e:
            skipped.append((str(path), str(e).replace(f"{path}: ", "")))
    return images, skipped
