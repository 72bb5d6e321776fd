"""Prompt-set files: one safetensors file holding the prompt tokens and, in its
header, the JSON metadata (base model, classes, D, b, shots, metrics, creator).

Keeping both in one file means one sha256 covers the tokens and what they claim.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from ..models.files import ModelFileError, require_file, sha256_file

FORMAT = "station-rvpt-prompts/1"


@dataclass
class PromptSetMeta:
    base_model_sha256: str
    classes: list[dict]  # [{"key", "name", "text"}]: the text is "a photo of a <name>."
    first_prompted_block: int
    tokens_per_block: int
    shots: list[dict] = field(default_factory=list)  # [{"label", "inspection_id" or "file_sha256"}]
    seed: int = 0
    recipe: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    created_by: str = ""
    created_at: str = ""
    name: str = ""


def save_prompt_set(path: Path | str, prompts: torch.Tensor, meta: PromptSetMeta) -> str:
    """Write the file; returns its sha256."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    header = {"format": FORMAT, "meta": json.dumps(asdict(meta), sort_keys=True)}
    save_file({"prompts": prompts.detach().float().contiguous()}, str(tmp), metadata=header)
    tmp.replace(path)
    return sha256_file(path)


def load_prompt_set(path: Path | str, expected_sha256: str | None = None) -> tuple[torch.Tensor, PromptSetMeta]:
    path = require_file(path, "prompt set file")
    if expected_sha256:
        found = sha256_file(path)
        if found != expected_sha256:
            raise ModelFileError(path, f"prompt set has sha256 {found}, its record says {expected_sha256}",
                                 "The file was changed after it was registered: restore it, or import it again "
                                 "as a new prompt set (station prompts import).")
    try:
        with safe_open(str(path), framework="pt") as f:
            header = f.metadata() or {}
            prompts = f.get_tensor("prompts")
    except Exception as e:
        raise ModelFileError(path, f"not a readable prompt set ({e})"[:300], "Export it again from the station that made it.") from e
    if header.get("format") != FORMAT:
        raise ModelFileError(path, f"unknown prompt set format {header.get('format')!r}", f"Expected {FORMAT}.")
    meta = PromptSetMeta(**json.loads(header["meta"]))
    if prompts.ndim != 3 or prompts.shape[1] != meta.tokens_per_block:
        raise ModelFileError(path, f"prompt tokens shaped {tuple(prompts.shape)} disagree with b={meta.tokens_per_block}",
                             "The file is damaged; export it again.")
    if not bool(torch.isfinite(prompts).all()):
        raise ModelFileError(path, "prompt tokens hold values that are not numbers (NaN or infinite)",
                             "The file is damaged or was made to harm the station; tune a new prompt set.")
    return prompts, meta
