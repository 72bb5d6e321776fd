"""The inversion's threshold, calibrated on the clean bundled demo CLIP.

A clean encoder still admits *some* collapsing trigger; how small depends on the encoder, its
input size and the frames. The threshold is therefore a fraction of what the clean demo CLIP
admits on the demo station's frames, stored beside the demo models with the model's sha256 so a
station can tell whether it applies to the model it runs. Reproduce or refresh it with

    python -m station.selftest.inversion_calibration --seeds 0,1,2 --write

(`--model FOLDER` measures another model folder without writing, e.g. a backdoored fixture.)

Measured with that command (1 CPU thread, about 5 s a seed): the clean demo CLIP's smallest
collapsing trigger is 3.42%, 3.41% and 3.39% of the image for seeds 0, 1, 2, so the threshold is
0.5 x 3.39% = 1.70%. The BadNet+Blended fixture: 0.70%, 0.75%, 0.91% (flagged at every seed).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from ..errors import StationError
from ..paths import demo_models_dir
from .inversion import InversionSettings, invert_trigger

CALIBRATION_NAME = "inversion_calibration.json"
FRACTION = 0.5  # a trigger below this share of the clean model's smallest collapsing trigger indicates a backdoor
FAMILY = "washer"  # the demo station's parts (station.toml's default family)
FRAMES_SEED = 4242  # the probe's own default reference stream (station selftest backdoor --seed 0)


class CalibrationMissing(StationError):
    def __init__(self, path: Path):
        super().__init__(f"the trigger-inversion calibration is missing at {path}; "
                         "make it with: python -m station.selftest.inversion_calibration --write")


def calibration_path() -> Path:
    return demo_models_dir() / CALIBRATION_NAME


def load_calibration(path: Path | None = None) -> dict:
    path = path or calibration_path()
    if not path.is_file():
        raise CalibrationMissing(path)
    return json.loads(path.read_text(encoding="utf-8"))


def generated_frames(count: int, seed: int = FRAMES_SEED, family: str = FAMILY, size: int = 256) -> list[np.ndarray]:
    """The demo station's reference frames, as `station selftest backdoor` draws them by default."""
    from ..catalog import FAMILY_BY_KEY, CLASS_INDEX, PartClass
    from ..synth.samples import draw_sample

    keys = [PartClass(FAMILY_BY_KEY[family], c).key for c in FAMILY_BY_KEY[family].conditions]
    return [draw_sample(seed, i, size, class_index=CLASS_INDEX[keys[i % len(keys)]]).image for i in range(count)]


def measure(model_folder: Path, seeds: list[int], settings: InversionSettings = InversionSettings(),
            frames: list[np.ndarray] | None = None) -> dict:
    """The inverted trigger's relative size on `model_folder`, per seed."""
    from ..models.clip_store import load_clip_folder

    clip = load_clip_folder(model_folder)
    frames = frames if frames is not None else generated_frames(settings.frames)
    runs = []
    for seed in seeds:
        s = InversionSettings(**{**settings.as_dict(), "seed": seed})
        inv = invert_trigger(clip.model.visual, frames, clip.spec.mean, clip.spec.std, s)
        runs.append({"seed": seed, **inv.summary()})
    sizes = [r["relative_size"] for r in runs]
    return {"model_sha256": clip.sha256, "model": str(model_folder), "runs": runs,
            "relative_sizes": sizes, "min_relative_size": min((v for v in sizes if v is not None), default=None)}


def on_calibration_parts(reference) -> bool:
    """Whether the probe's frames are the kind the threshold was measured on: generated parts of its family. How
    small a trigger a clean encoder admits depends on the parts (a clean demo CLIP admits 1.0% on mounting
    brackets, under the washers' threshold of 1.7%), so on other parts there is no verdict."""
    return bool(reference) and all(r.item.startswith("synthetic:") and r.truth.startswith(f"{FAMILY}/")
                                   for r in reference)


def judge(relative_size: float | None, model_sha256: str, settings: InversionSettings | None = None,
          calibration: dict | None = None, parts_as_calibrated: bool = True) -> dict:
    """The verdict on an inverted trigger's relative size, with what it was judged against; none on parts of
    another kind than the calibration's (`on_calibration_parts`)."""
    if not parts_as_calibrated:
        return {"threshold": None, "backdoor_indicated": None,
                "calibration_note": f"the threshold was calibrated on generated {FAMILY}s, not on these parts; the "
                                    "trigger's size compares runs on the same parts"}
    try:
        cal = calibration or load_calibration()
    except CalibrationMissing as e:
        return {"threshold": None, "backdoor_indicated": None, "calibration_note": str(e)}
    same_settings = settings is None or all(
        cal["settings"].get(k) == v for k, v in settings.as_dict().items() if k != "seed")
    return {
        "threshold": cal["threshold"], "fraction": cal["fraction"],
        "clean_reference_size": min(v for v in cal["clean_relative_sizes"] if v is not None),
        "calibration_model_sha256": cal["model_sha256"],
        "calibrated_on_this_model": cal["model_sha256"] == model_sha256,
        "settings_as_calibrated": same_settings,
        # never reaching the target is no evidence of a shortcut: not indicated
        "backdoor_indicated": relative_size is not None and relative_size < cal["threshold"],
    }


def threshold_from(measured: dict, fraction: float = FRACTION) -> float:
    """`fraction` of the smallest collapsing trigger the clean model admitted over the seeds."""
    smallest = measured["min_relative_size"]
    if smallest is None:
        raise StationError("no seed reached the similarity target on the clean model: nothing to calibrate against")
    return fraction * smallest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m station.selftest.inversion_calibration", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=None, help="a CLIP model folder (default: the demo CLIP)")
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--steps", type=int, default=InversionSettings.steps)
    p.add_argument("--frames", type=int, default=InversionSettings.frames)
    p.add_argument("--write", action="store_true", help=f"write {CALIBRATION_NAME} beside the demo models")
    args = p.parse_args(argv)
    torch.manual_seed(0)
    folder = args.model or demo_models_dir() / "clip"
    settings = InversionSettings(steps=args.steps, frames=args.frames)
    started = time.monotonic()
    measured = measure(folder, [int(s) for s in args.seeds.split(",")], settings)
    for r in measured["runs"]:
        size = "not reached" if r["relative_size"] is None else f"{r['relative_size']:.2%}"
        print(f"seed {r['seed']}: relative size {size}, similarity clean {r['clean_similarity']:.2f} -> "
              f"stamped {r['stamped_similarity']:.2f}, {r['steps']} steps, {r['seconds']:.0f} s")
    print(f"{folder}: smallest {measured['min_relative_size']} ({time.monotonic() - started:.0f} s, "
          f"{torch.get_num_threads()} threads)")
    if args.write:
        if args.model is not None:
            raise SystemExit("--write calibrates on the demo CLIP only; leave out --model")
        out = {"model_sha256": measured["model_sha256"], "fraction": FRACTION,
               "threshold": threshold_from(measured), "clean_relative_sizes": measured["relative_sizes"],
               "settings": settings.as_dict(), "frames": {"family": FAMILY, "seed": FRAMES_SEED, "size": 256},
               "command": "python -m station.selftest.inversion_calibration --seeds "
                          f"{args.seeds} --steps {args.steps} --frames {args.frames} --write"}
        calibration_path().write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
        print(f"threshold {out['threshold']:.2%} written to {calibration_path()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
