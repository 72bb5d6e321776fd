"""manifest.json: what a pack holds, parsed strictly. Wrong types, unknown keys, unsafe names and hashes that
are not 64 lowercase hex digits are refused here, before any of it is used."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import limits
from .errors import PackError
from .names import PART_ROOTS, SETTINGS, is_sha256, name_problem

FORMAT = 2  # 2: signed (manifest.sig, `signer`); format 1 packs were unsigned and are refused

Short = Annotated[str, Field(min_length=1, max_length=128)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


def _checked_name(value: str) -> str:
    problem = name_problem(value)
    if problem:
        raise ValueError(f"file name {value[:80]!r} {problem}")
    return value


def _checked_sha(value: str, what: str) -> str:
    if not is_sha256(value):
        raise ValueError(f"{what} must be a sha256: exactly 64 lowercase hex digits")
    return value


class ModelEntry(_Strict):
    kind: Literal["demo", "file"]
    stored: str | None = None

    _name = field_validator("stored")(lambda v: v if v is None else _checked_name(v))


class StoredEntry(_Strict):
    stored: str

    _name = field_validator("stored")(_checked_name)


class PromptEntry(_Strict):
    name: Short
    version: Annotated[int, Field(ge=1, le=1_000_000_000)]
    stored: str

    _name = field_validator("stored")(_checked_name)


class ProductEntry(_Strict):
    """A signed product version: its sealed folder, stored as products/<name>/v<version>/."""

    name: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    version: Annotated[int, Field(ge=1, le=1_000_000_000)]
    sha256: str  # of the folder's manifest.json, as the sending station recorded it
    accepted_by: Short  # who signed its acceptance there

    _sha = field_validator("sha256")(lambda v: _checked_sha(v, "a product's sha256"))

    @property
    def stored(self) -> str:
        return f"products/{self.name}/v{self.version}"


class Manifest(_Strict):
    format: int
    station_version: Short
    created_by: Short
    created_at: Short
    foundation_sha256: str
    signer: str
    model: ModelEntry
    check_b: StoredEntry | None = None
    prompt_set: PromptEntry | None = None
    products: Annotated[list[ProductEntry], Field(max_length=100)] | None = None  # None: none (older packs)
    files: dict[str, str]
    # counts up with each pack a plant key signs: a station refuses one not newer than the last it took from that
    # key unless told (`--allow-older`), so an old pack cannot be replayed over a newer one (0: before sequences)
    sequence: Annotated[int, Field(ge=0, le=2**53)] = 0

    @field_validator("format")
    @classmethod
    def _format(cls, v: int) -> int:
        if v != FORMAT:
            raise ValueError(f"pack format {v} is not supported (this station reads format {FORMAT}, signed packs)")
        return v

    @field_validator("foundation_sha256", "signer")
    @classmethod
    def _sha(cls, v: str, info) -> str:
        return _checked_sha(v, info.field_name)

    @field_validator("files")
    @classmethod
    def _files(cls, files: dict[str, str]) -> dict[str, str]:
        if len(files) > limits.MAX_ENTRIES:
            raise ValueError(f"names {len(files)} files; a pack may hold at most {limits.MAX_ENTRIES}")
        for name, sha in files.items():
            _checked_name(name)
            _checked_sha(sha, f"the sha256 of {name!r}")
        return files

    @model_validator(mode="after")
    def _consistent(self) -> "Manifest":
        files = set(self.files)
        if SETTINGS not in files:
            raise ValueError(f"no {SETTINGS} in files")
        parts = {"model": self.model.stored if self.model.kind == "file" else None,
                 "check_b": self.check_b.stored if self.check_b else None,
                 "prompts": self.prompt_set.stored if self.prompt_set else None}
        if self.model.kind == "file" and self.model.stored is None:
            raise ValueError("model of kind 'file' must name where it is stored")
        if self.model.kind == "demo" and self.model.stored is not None:
            raise ValueError("the demo model is not stored in a pack")
        folders = [p.stored + "/" for p in self.products or []]
        if len(set(folders)) != len(folders):
            raise ValueError("a product version is listed twice")
        for folder in folders:
            if folder + "manifest.json" not in files:
                raise ValueError(f"product {folder[:-1]!r} has no manifest.json among the files")
        for name in files:
            root = name.split("/", 1)[0]
            if root == "products":
                if not any(name.startswith(f) for f in folders):
                    raise ValueError(f"file {name!r} belongs to no product the manifest lists")
                continue
            if name != SETTINGS and (root not in PART_ROOTS or "/" not in name or parts[root] is None):
                raise ValueError(f"file {name!r} belongs to no part of the pack (model, check_b, prompts, products, "
                                 f"{SETTINGS})")
            for i in range(len(name)):  # a name that is also another's folder could not be unpacked
                if name[i] == "/" and name[:i] in files:
                    raise ValueError(f"{name[:i]!r} is both a file and a folder")
        for root, stored in parts.items():
            if stored is None:
                continue
            inside = {n for n in files if n.startswith(root + "/")}
            folder = stored == root and bool(inside)
            if not (folder or (stored in inside and root != "prompts") or (root == "prompts" and inside == {stored})):
                raise ValueError(f"{root} is said to be stored as {stored!r}, which is not among the files under {root}/")
        return self


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a key appears twice: {sorted({k for k in keys if keys.count(k) > 1})[:3]}")
    return dict(pairs)


def load_json(data: bytes, pack: str) -> dict:
    """The manifest's JSON object; any malformed input gives a PackError."""
    try:
        raw = json.loads(data, object_pairs_hook=_no_duplicate_keys)
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise PackError(f"{pack}: manifest.json is not valid JSON ({str(e)[:200]}); the pack is damaged: "
                        "get it again from the sending station") from None
    if not isinstance(raw, dict):
        raise PackError(f"{pack}: manifest.json is not a JSON object; this is not a station pack")
    return raw


def parse_manifest(raw: dict, pack: str) -> Manifest:
    try:
        return Manifest.model_validate(raw)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'manifest'}: {err['msg']}"
                             for err in e.errors(include_url=False, include_input=False)[:3])
        raise PackError(f"{pack}: manifest.json is not a valid station pack manifest ({problems[:600]}); "
                        "export the pack again with this station version") from None


def manifest_bytes(manifest: Manifest) -> bytes:
    """The exact bytes that are signed and stored."""
    return json.dumps(manifest.model_dump(exclude_none=True), indent=2, sort_keys=True).encode("utf-8")
