"""Model files for the command line: import a CLIP checkpoint, verify or check a model, train a linear probe as
check B. Each reads or writes files; none needs the running station."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..auth import User, acting
from ..errors import InvalidInput


def import_clip(records, user: User | None, path: Path | str, arch: str, sha256: str | None = None,
                quick_gelu: bool = False, use_from_next_start: bool = False) -> tuple[str, str]:
    """Check and copy a CLIP checkpoint into the station (a manager; audited); with `use_from_next_start`, the
    settings name it (audited too). (where it now lies, its sha256)."""
    from ..models.importer import import_clip_checkpoint
    from ..settings import change_settings

    with records.db.transaction() as s:
        record = import_clip_checkpoint(s, records.data_dir, path, arch, acting(s, user), sha256,
                                        quick_gelu=quick_gelu)
        dest, digest = record.path, record.sha256
    if use_from_next_start:
        cfg = records.config
        new = replace(cfg, model=replace(cfg.model, clip=dest, clip_arch=arch, clip_quick_gelu=quick_gelu))
        change_settings(records.db, records.data_dir, cfg, new, user)
    return dest, digest


def verify_model_folder(folder: Path | str) -> dict[str, str]:
    """Every file a model folder's manifest names, checked against its sha256: {name: sha256}."""
    from ..models.files import verify_manifest

    return dict(verify_manifest(Path(folder))["files"])


def check_clip(path: Path | str, arch: str = "", quick_gelu: bool = False, sha256: str | None = None) -> dict:
    """Load a CLIP checkpoint or folder the way the station would, and say what it is."""
    from ..models.clip_store import ClipSpec, load_clip_checkpoint, load_clip_folder

    path = Path(path)
    if path.is_dir():
        loaded = load_clip_folder(path)
    else:
        if not arch:
            raise InvalidInput(f"{path} is a file: name its architecture with --arch (e.g. --arch ViT-B-32)")
        loaded = load_clip_checkpoint(path, ClipSpec(arch, quick_gelu=quick_gelu), sha256=sha256)
    return {"path": str(loaded.path), "arch": loaded.spec.arch, "sha256": loaded.sha256,
            "image_size": loaded.image_size, "parameters": sum(p.numel() for p in loaded.model.parameters()),
            "spec": loaded.spec.as_dict()}


def _generated_examples(keys: list[str], count: int, seed: int):
    from ..catalog import CLASS_INDEX
    from ..synth.samples import draw_sample  # the demo generator, only for this choice

    unknown = [k for k in keys if k not in CLASS_INDEX]
    if unknown:
        raise InvalidInput(f"classes {unknown} are not generated parts; train from --folder or reviewed frames")
    images = [draw_sample(seed, i, 256, class_index=CLASS_INDEX[keys[i % len(keys)]]).image for i in range(count)]
    return images, [i % len(keys) for i in range(count)]


def train_linear_probe(records, out: Path | str, folder: Path | str | None = None, generated: int = 0,
                       seed: int = 0) -> tuple[str, int]:
    """Check B as a linear probe on the station's frozen CLIP features, from a labelled folder, `generated` demo
    parts, or else the reviewed frames; written to `out`. (the CLIP's sha256, how many images)."""
    import torch

    from ..models.preprocess import to_model_input
    from ..models.second_check import save_linear_probe, train_linear_probe as train
    from ..prompts.shots import from_folder, from_reviews
    from ..runtime import load_foundation

    cfg = records.config
    keys, names = [c.key for c in cfg.classes], [c.name for c in cfg.classes]
    clip = load_foundation(cfg, records.data_dir)
    if folder:
        shots = from_folder(folder, keys, names)
        images, labels = shots.images, shots.labels
    elif generated:
        images, labels = _generated_examples(keys, generated, seed)
    else:
        with records.db.session() as s:
            shots = from_reviews(s, records.images, keys)
        images, labels = shots.images, shots.labels
    missing = [names[c] for c in range(len(keys)) if c not in set(labels)]
    if missing:
        raise InvalidInput(f"no labelled images of {', '.join(missing)}; every class needs some")
    x = to_model_input(images, clip.spec.mean, clip.spec.std, size=clip.image_size)
    save_linear_probe(train(clip, x, torch.as_tensor(labels), keys, seed=seed), out, images=len(images))
    return clip.sha256, len(images)
