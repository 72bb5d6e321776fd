"""Prompt-set files: one safetensors file holding the prompt tokens and, in its
header, the JSON metadata (base model, classes, D, b, shots, metrics, creator).

Keeping both in one file means one sha256 covers the tokens and what they claim.
"""

from __future__ import annotations

import json
import re
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import get_origin, get_type_hints

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from ..models.files import ModelFileError, require_file, sha256_file

FORMAT = "station-rvpt-prompts/1"
# Tuned prompt tokens live in the encoder's residual stream, whose values stay within a few hundred in CLIP ViTs
# (the demo's tuned tokens: below 1). 1e4 leaves a wide margin; a value beyond it is damage or an attack, and
# 1e38 overflows float32 inside LayerNorm (NaN for every frame).
PROMPT_VALUE_LIMIT = 1e4


@dataclass
class PromptSetMeta:
    base_model_sha256: str
    classes: list[dict]  # [{"key", "name", "texts"}]: check A's classifier the prompts were tuned against
    first_prompted_block: int
    tokens_per_block: int
    shots: list[dict] = field(default_factory=list)  # [{"label", "inspection_id" or "file_sha256"}]
    seed: int = 0
    recipe: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    created_by: str = ""
    created_at: str = ""
    name: str = ""
    class_texts_sha256: str = ""  # of check A's class texts (models.zero_shot.class_texts_sha256); "" before 0.13


# Each field's JSON type (str, int, list, dict), and the fields without a default. The header is read from files
# made elsewhere: a wrong type must stop here, not in the database (a huge integer), a listing (a number where
# the model hash belongs) or a file name.
_FIELD_TYPES = {name: get_origin(kind) or kind for name, kind in get_type_hints(PromptSetMeta).items()}
_REQUIRED = [f.name for f in fields(PromptSetMeta) if f.default is MISSING and f.default_factory is MISSING]


def _read_meta(path: Path, text: str | None) -> PromptSetMeta:
    def bad(problem: str) -> ModelFileError:
        return ModelFileError(path, f"prompt set metadata {problem}"[:300], "The file is damaged; export it again.")

    try:
        raw = json.loads(text)
    except (TypeError, ValueError, RecursionError) as e:  # TypeError: no metadata; RecursionError: nested too deep
        raise bad(f"is not readable JSON ({e})") from e
    if not isinstance(raw, dict):
        raise bad("is not a JSON object")
    unknown, missing = set(raw) - set(_FIELD_TYPES), [k for k in _REQUIRED if k not in raw]
    if unknown or missing:
        raise bad(f"has unknown fields {sorted(unknown)} or lacks {missing}")
    for key, value in raw.items():
        kind = _FIELD_TYPES[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise bad(f"field {key!r} is {type(value).__name__}, not {kind.__name__}")
    if not re.fullmatch(r"[0-9a-f]{64}", raw["base_model_sha256"]):
        raise bad("field 'base_model_sha256' is not a sha256 in hex")
    if not (0 <= raw["first_prompted_block"] < 1 << 16 and 0 <= raw["tokens_per_block"] < 1 << 16
            and -(1 << 63) <= raw.get("seed", 0) < 1 << 63):
        raise bad("has D, b or seed out of range")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in raw.get("metrics", {}).values()):
        raise bad("field 'metrics' holds values that are not numbers")
    return PromptSetMeta(**raw)


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
    meta = _read_meta(path, header.get("meta"))
    if not prompts.is_floating_point():
        raise ModelFileError(path, f"prompt tokens are {prompts.dtype}, not floating point", "The file is damaged; export it again.")
    if prompts.ndim != 3 or prompts.shape[1] != meta.tokens_per_block:
        raise ModelFileError(path, f"prompt tokens shaped {tuple(prompts.shape)} disagree with b={meta.tokens_per_block}",
                             "The file is damaged; export it again.")
    if not bool(torch.isfinite(prompts).all()):
        raise ModelFileError(path, "prompt tokens hold values that are not numbers (NaN or infinite)",
                             "The file is damaged or was made to harm the station; tune a new prompt set.")
    largest = float(prompts.abs().max()) if prompts.numel() else 0.0
    if largest > PROMPT_VALUE_LIMIT:
        raise ModelFileError(path, f"a prompt token holds the value {largest:.3g}, beyond the {PROMPT_VALUE_LIMIT:g} a "
                                   "tuned prompt never comes near", "The file is damaged or was made to harm the "
                                   "station; tune a new prompt set.")
    return prompts, meta
