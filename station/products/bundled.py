"""The demo washer as a product: the bundled demo CNN as check B and the bundled bank, with thresholds calibrated
and the acceptance measured through the station on generated washers none of them was trained or calibrated on.
`station demo` records it on the demo station, signed by the demo manager and live, so the demo runs the same
product machinery (report, held-out photos for the self-tests, changeover, packs) as a factory's own part."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from ..auth import User, require
from ..datalock import tighten_files
from ..judging import Judge
from ..models.zero_shot import ClassPrompt, TextEmbeddingCache, ZeroShotCheck
from ..paths import demo_models_dir
from ..progress import QUIET, Progress
from . import acceptance as acceptance_mod
from . import store
from .calibration import choose_thresholds
from .definition import ProductClass, ProductSpec
from .photos import Photo

NAME = "washer"
CALIBRATION_SEED, HELD_OUT_SEED = 606_001, 606_002  # streams the demo models and the bundled bank never used
# 256 px, as the demo camera takes them: smaller frames would be quicker to draw but judged differently (measured:
# 160 px 1.3% to review, 128 px 8.8%, 256 px 2.5%)
FRAMES = 80  # generated washers for each of calibration and held-out, about half of them defective


def _generated(seed: int, count: int) -> list[Photo]:
    from ..synth.samples import draw_sample

    out = []
    for i in range(count):
        sample = draw_sample(seed, i, 256, defect_rate=0.5, family="washer")
        image = np.ascontiguousarray(sample.image)
        out.append(Photo(Path(f"generated/{seed}/{i:04d}.png"), sample.part_class.key, "", image.shape[1],
                         image.shape[0], None, image))
    return out


def record_washer(station, user: User, progress: Progress = QUIET):
    """A new, signed version of the bundled washer product on a demo station (its settings' washer classes and its
    bundled models); returns its record. Check A is the plain demo CLIP with the washer texts."""
    from ..gate.bank import load_bank
    from ..gate.store import bundled_bank_path, gate_of
    from .onboard import _keep_held_out

    require(user, "products.manage")
    cfg = station.own_config or station.config
    classes = [ProductClass(c.key, c.name, c.good, tuple(c.prompts), c.name_ja) for c in cfg.classes]
    with station.db.session() as s:
        version = store.next_version(s, NAME)
    spec = ProductSpec(NAME, version, classes, "washer (demo)", "座金（デモ）", check_b_kind="demo_cnn")
    with store.staging(station.data_dir, NAME) as staged:
        shutil.copytree(demo_models_dir() / "cnn", staged / store.CHECK_B)
        shutil.copy2(bundled_bank_path(), staged / store.BANK_NAME)
        tighten_files(staged)  # copies keep the installed files' modes: the data folder's files are its owner's
        keys = [c.key for c in classes]
        check_a = ZeroShotCheck(station.clip, [ClassPrompt(c.key, c.prompts) for c in classes],
                                TextEmbeddingCache(station.data_dir / "cache" / "text"), station.check_a.device)
        check_b = _demo_check_b(station, staged, keys)
        gate = gate_of(load_bank(staged / store.BANK_NAME), cfg.gate) if cfg.gate.enabled else None
        judge = Judge(check_a, check_b, gate, keys, spec.good, 0.5, 0.5)
        calibration = _generated(CALIBRATION_SEED, FRAMES)
        opinions = judge.opinions([p.image for p in calibration])
        spec.conf_a, spec.conf_b, figures = choose_thresholds(opinions, [spec.good[p.class_key] for p in calibration],
                                                              spec.good, 0, 0.05)
        held_out = _generated(HELD_OUT_SEED, FRAMES)
        judge = Judge(check_a, check_b, gate, keys, spec.good, spec.conf_a, spec.conf_b)
        accepted = acceptance_mod.measure(judge, spec, held_out, staged, progress)
        (staged / store.ACCEPTANCE_NAME).write_text(json.dumps(accepted, indent=1), encoding="utf-8")
        _keep_held_out(staged, held_out)
        spec.details = {"thresholds": figures, "bundled": "the demo models of this station version",
                        "seeds": {"calibration": CALIBRATION_SEED, "held_out": HELD_OUT_SEED}}
        with station.db.transaction() as s:
            row = store.record_version(s, station.data_dir, staged, spec, accepted, station.clip.sha256, user)
            s.flush()
            store.accept(s, NAME, row.version, user)
            if store.live(s) is None:
                store.make_live(s, NAME, row.version, user)
            s.flush()
            s.expunge(row)
        return row


def _demo_check_b(station, folder: Path, keys: list[str]):
    from ..models.check_b_kinds import KINDS
    from ..plugins import load

    return load(KINDS["demo_cnn"].loader)(folder / store.CHECK_B, station.clip, keys, station.check_a.device)
