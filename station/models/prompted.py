"""A frozen open_clip VisionTransformer with deep visual prompts (VPT-deep, as RVPT uses).

Blocks 0..D-1 run unprompted. Every later block i gets b learnable tokens of its
own: before block i the previous block's prompt outputs are dropped and block i's
prompts are inserted right after the CLS token. The prompts are removed before
pooling, so with no prompts this module computes exactly `encode_image`.

One forward serves three callers: the station (embedding only), RVPT tuning
(per-block CLS tokens for the feature-repelling loss, from the tokens entering block D,
which it computes once) and PRM (per-layer token sequences of the unprompted encoder).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class VisionOutput:
    embedding: torch.Tensor  # N x embed_dim (projected, not normalised)
    block_cls: list[torch.Tensor] = field(default_factory=list)  # CLS after each block, N x width
    # token sequence after ln_pre, then after each block (prompts removed), N x L x width
    layer_tokens: list[torch.Tensor] = field(default_factory=list)


class PromptedVisionEncoder(nn.Module):
    """Wraps `clip.visual` without copying or changing its weights."""

    def __init__(self, visual: nn.Module, prompts: torch.Tensor | None = None, first_prompted_block: int = 3):
        super().__init__()
        for name in ("conv1", "class_embedding", "positional_embedding", "ln_pre", "transformer", "ln_post"):
            if not hasattr(visual, name):
                raise TypeError(f"visual prompts need an open_clip VisionTransformer; this tower has no '{name}'")
        self.visual = visual
        self.depth = len(visual.transformer.resblocks)
        self.width = visual.class_embedding.shape[-1]
        self._pos_cache: dict[tuple[int, int], torch.Tensor] = {}
        self.first_prompted_block = first_prompted_block
        self.prompts: torch.Tensor | None = None
        self.set_prompts(prompts, first_prompted_block)

    @property
    def num_prompted_blocks(self) -> int:
        return self.depth - self.first_prompted_block

    def set_prompts(self, prompts: torch.Tensor | None, first_prompted_block: int | None = None) -> None:
        """prompts: (depth - D) x b x width, or None for the plain frozen encoder."""
        if first_prompted_block is not None:
            if not 0 <= first_prompted_block < self.depth:
                raise ValueError(f"first prompted block must be in 0..{self.depth - 1}, got {first_prompted_block}")
            self.first_prompted_block = first_prompted_block
        if prompts is not None:
            expected = (self.num_prompted_blocks, self.width)
            if prompts.ndim != 3 or (prompts.shape[0], prompts.shape[2]) != expected:
                raise ValueError(
                    f"prompts must be shaped ({expected[0]}, b, {expected[1]}) for this encoder "
                    f"(depth {self.depth}, D={self.first_prompted_block}), got {tuple(prompts.shape)}"
                )
        self.prompts = prompts

    @staticmethod
    def init_prompts(num_blocks: int, tokens: int, width: int, std: float = 0.02, generator=None) -> torch.Tensor:
        """Zero-mean Gaussian initial prompts."""
        return torch.randn(num_blocks, tokens, width, generator=generator) * std

    def _positional(self, grid: tuple[int, int], dtype) -> torch.Tensor:
        pos = self.visual.positional_embedding
        native = self.visual.grid_size
        native = tuple(native) if isinstance(native, (tuple, list)) else (native, native)
        if grid == native:
            return pos.to(dtype)
        if grid not in self._pos_cache:
            cls_pos, grid_pos = pos[:1], pos[1:]
            grid_pos = grid_pos.reshape(1, native[0], native[1], -1).permute(0, 3, 1, 2)
            grid_pos = F.interpolate(grid_pos, size=grid, mode="bicubic", align_corners=False)
            grid_pos = grid_pos.permute(0, 2, 3, 1).reshape(grid[0] * grid[1], -1)
            self._pos_cache[grid] = torch.cat([cls_pos, grid_pos]).detach()
        return self._pos_cache[grid].to(dtype)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Pixels -> token sequence after ln_pre (position embeddings fitted to the input's grid)."""
        v = self.visual
        x = v.conv1(x)
        grid = (x.shape[2], x.shape[3])
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        cls = v.class_embedding.to(x.dtype).view(1, 1, -1).expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1) + self._positional(grid, x.dtype)
        x = v.patch_dropout(x)
        return v.ln_pre(x)

    def forward(
        self,
        x: torch.Tensor,
        *,
        return_block_cls: bool = False,
        return_layer_tokens: bool = False,
        use_prompts: bool = True,
    ) -> VisionOutput:
        out = VisionOutput(embedding=torch.empty(0))
        h = self.embed(x)
        if return_layer_tokens:
            out.layer_tokens.append(h)
        return self._finish(h, 0, out, use_prompts, return_block_cls, return_layer_tokens)

    def prefix(self, x: torch.Tensor) -> torch.Tensor:
        """The tokens entering block D: the part of the forward no prompt changes, the same for every prompt set.
        A tuning loop computes them once instead of at every step (`forward_from_prefix`)."""
        h = self.embed(x)
        for block in self.visual.transformer.resblocks[: self.first_prompted_block]:
            h = self._block(block, h)
        return h

    def forward_from_prefix(self, h: torch.Tensor, *, return_block_cls: bool = False,
                            use_prompts: bool = True) -> VisionOutput:
        """`forward` from the tokens `prefix` gave, for the same D; `block_cls` then holds blocks D.. only."""
        return self._finish(h, self.first_prompted_block, VisionOutput(embedding=torch.empty(0)), use_prompts,
                            return_block_cls, False)

    def _block(self, block: nn.Module, h: torch.Tensor) -> torch.Tensor:
        if getattr(self.visual.transformer, "batch_first", True):
            return _run_block(block, h)
        return block(h.transpose(0, 1)).transpose(0, 1)

    def _finish(self, h: torch.Tensor, start: int, out: VisionOutput, use_prompts: bool, return_block_cls: bool,
                return_layer_tokens: bool) -> VisionOutput:
        """Blocks `start`.. on tokens h, then pooling and projection into `out`."""
        v = self.visual
        prompts = self.prompts if use_prompts else None
        n_prompt = 0
        for i, block in enumerate(v.transformer.resblocks[start:], start=start):
            if prompts is not None and i >= self.first_prompted_block:
                p = prompts[i - self.first_prompted_block].to(h.dtype).unsqueeze(0).expand(h.shape[0], -1, -1)
                h = torch.cat([h[:, :1], p, h[:, 1 + n_prompt :]], dim=1)
                n_prompt = p.shape[1]
            h = self._block(block, h)
            if return_block_cls:
                out.block_cls.append(h[:, 0])
            if return_layer_tokens:
                out.layer_tokens.append(torch.cat([h[:, :1], h[:, 1 + n_prompt :]], dim=1) if n_prompt else h)
        if n_prompt:
            h = torch.cat([h[:, :1], h[:, 1 + n_prompt :]], dim=1)
        pooled, _ = v._pool(h)
        if v.proj is not None:
            pooled = pooled @ v.proj
        out.embedding = pooled
        return out


def _run_block(block: nn.Module, h: torch.Tensor) -> torch.Tensor:
    """`block(h)` for N x L x width tokens. While autograd records (PRM, RVPT tuning, trigger inversion), torch's
    batch-first MultiheadAttention projects a transposed view of its input, which its linear computes as a batched
    matmul against copies of the weight: about twice the time of one matmul on ViT-B-32. The same attention on a
    sequence-first copy is one matmul. Without autograd (the line) torch's fused path is used, as before."""
    attn = getattr(block, "attn", None)
    if not (torch.is_grad_enabled() and _is_plain_block(block) and type(attn) is nn.MultiheadAttention
            and attn.batch_first and attn._qkv_same_embed_dim and not _hooked(block, attn)):
        return block(h)
    q = block.ln_1(h).transpose(0, 1).contiguous()
    attended, _ = F.multi_head_attention_forward(
        q, q, q, attn.embed_dim, attn.num_heads, attn.in_proj_weight, attn.in_proj_bias, attn.bias_k, attn.bias_v,
        attn.add_zero_attn, attn.dropout, attn.out_proj.weight, attn.out_proj.bias, training=attn.training,
        need_weights=False)
    x = h + block.ls_1(attended.transpose(0, 1))
    return x + block.ls_2(block.mlp(block.ln_2(x)))


def _hooked(*modules: nn.Module) -> bool:
    """Whether a forward hook would see these modules called (calling their parts directly would skip it)."""
    from torch.nn.modules import module as torch_module

    global_hooks = (getattr(torch_module, "_global_forward_hooks", None),
                    getattr(torch_module, "_global_forward_pre_hooks", None))
    return any(global_hooks) or any(m._forward_hooks or m._forward_pre_hooks for m in modules)


def _is_plain_block(block: nn.Module) -> bool:
    """open_clip's ResidualAttentionBlock as self-attention (no cross-attention norm), whose forward `_run_block`
    repeats."""
    from open_clip.transformer import ResidualAttentionBlock

    return type(block) is ResidualAttentionBlock and not hasattr(block, "ln_1_kv")
