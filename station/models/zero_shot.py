"""Check A: zero-shot classification by the frozen CLIP with the active visual prompts."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

from .clip_store import LoadedClip, encode_text_classes
from .identity import class_texts_sha256
from .preprocess import to_model_input
from .prompted import PromptedVisionEncoder
from ..errors import InvalidInput


@dataclass(frozen=True)
class ClassPrompt:
    key: str
    texts: tuple[str, ...]


class TextEmbeddingCache:
    """Class text embeddings, computed once per (model sha256, texts) and kept on disk."""

    def __init__(self, folder: Path | str | None = None):
        self.folder = Path(folder) if folder else None
        self._memory: dict[str, torch.Tensor] = {}

    @staticmethod
    def key(model_sha256: str, classes: list[ClassPrompt]) -> str:
        payload = json.dumps([model_sha256, [[c.key, list(c.texts)] for c in classes]], sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def get(self, clip: LoadedClip, classes: list[ClassPrompt]) -> torch.Tensor:
        key = self.key(clip.sha256, classes)
        if key in self._memory:
            return self._memory[key]
        path = self.folder / f"{key}.safetensors" if self.folder else None
        emb = None
        if path and path.exists():
            try:
                emb = load_file(str(path))["text"]
            except Exception:  # a damaged cache file is only a cache: recompute
                emb = None
        if emb is None or emb.shape[0] != len(classes):
            emb = encode_text_classes(clip, [list(c.texts) for c in classes]).float()
            if path:
                path.parent.mkdir(parents=True, exist_ok=True)
                save_file({"text": emb.contiguous()}, str(path))
        self._memory[key] = emb
        return emb


class ZeroShotCheck:
    """Softmax over `logit_scale * cos(image, class text)` for the station's classes."""

    def __init__(self, clip: LoadedClip, classes: list[ClassPrompt], cache: TextEmbeddingCache | None = None,
                 device: str | torch.device = "cpu"):
        self.clip = clip
        self.classes = classes
        self.device = torch.device(device)
        self.encoder = PromptedVisionEncoder(clip.model.visual).to(self.device)
        self.text = (cache or TextEmbeddingCache()).get(clip, classes).to(self.device)
        self.logit_scale = float(clip.model.logit_scale.exp())
        self.prompt_set_id: int | None = None
        self.texts_sha256 = class_texts_sha256([(c.key, c.texts) for c in classes])

    @property
    def mean(self):
        return self.clip.spec.mean

    @property
    def std(self):
        return self.clip.spec.std

    @property
    def image_size(self) -> int:
        return self.clip.image_size

    def set_prompts(self, prompts: torch.Tensor | None, first_prompted_block: int = 3, prompt_set_id: int | None = None):
        self.encoder.set_prompts(None if prompts is None else prompts.to(self.device), first_prompted_block)
        self.prompt_set_id = prompt_set_id if prompts is not None else None

    def logits_from_pixels(self, x01: torch.Tensor) -> torch.Tensor:
        """Differentiable class logits for images in 0..1 (normalised here): for white-box attacks."""
        m = torch.tensor(self.mean, device=x01.device).view(1, 3, 1, 1)
        s = torch.tensor(self.std, device=x01.device).view(1, 3, 1, 1)
        image = F.normalize(self.encoder((x01 - m) / s).embedding.float(), dim=-1)
        return self.logit_scale * image @ self.text.T

    @torch.inference_mode()
    def try_prompts(self, prompts: torch.Tensor, first_prompted_block: int) -> None:
        """ValueError unless `prompts` give class probabilities on reference frames (a grey frame and noise).

        Runs on a wrapper of its own around the same frozen weights: the live check is not touched."""
        trial = PromptedVisionEncoder(self.encoder.visual, prompts.to(self.device), first_prompted_block)
        size = self.image_size
        frames = torch.stack([torch.full((3, size, size), 0.5),
                              torch.rand((3, size, size), generator=torch.Generator().manual_seed(0))])
        m = torch.tensor(self.mean).view(1, 3, 1, 1)
        s = torch.tensor(self.std).view(1, 3, 1, 1)
        embedding = F.normalize(trial(((frames - m) / s).to(self.device)).embedding.float(), dim=-1)
        probs = self.probabilities_of(embedding)
        if not bool(torch.isfinite(probs).all()) or not bool(((probs >= 0) & (probs <= 1)).all()):
            raise InvalidInput("on reference frames the vision model gives no valid probabilities with these prompts")

    @torch.inference_mode()
    def embed(self, x: torch.Tensor, use_prompts: bool = True) -> torch.Tensor:
        """x: normalised N x 3 x S x S -> unit image embeddings N x D (on the check's device)."""
        return F.normalize(self.encoder(x.to(self.device), use_prompts=use_prompts).embedding.float(), dim=-1)

    @torch.inference_mode()
    def probabilities_of(self, embeddings: torch.Tensor) -> torch.Tensor:
        """Unit embeddings from `embed` -> N x classes (the input gate reuses the same embeddings)."""
        return (self.logit_scale * embeddings @ self.text.T).softmax(dim=-1).cpu()

    def classify(self, images, use_prompts: bool = True, batch: int = 64) -> list[int]:
        """Class index for each RGB frame (read-only: live inspection may share the check)."""
        out = []
        for i in range(0, len(images), batch):
            x = to_model_input(images[i : i + batch], self.mean, self.std, size=self.image_size)
            out.extend(self.probabilities(x, use_prompts=use_prompts).argmax(1).tolist())
        return out

    def probabilities(self, x: torch.Tensor, use_prompts: bool = True) -> torch.Tensor:
        """x: normalised N x 3 x S x S -> N x classes. use_prompts=False: the bare CLIP (self-tests)."""
        return self.probabilities_of(self.embed(x, use_prompts))
