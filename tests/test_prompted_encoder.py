"""Deep visual prompts on a frozen open_clip ViT."""

import open_clip
import pytest
import torch

from station.models.clip_store import load_clip_folder
from station.models.prompted import PromptedVisionEncoder


@pytest.fixture(scope="module")
def vit_b32():
    torch.manual_seed(0)
    return open_clip.create_model("ViT-B-32").eval()


@pytest.fixture(scope="module")
def demo_clip(demo_dir):
    return load_clip_folder(demo_dir / "clip").model


@torch.no_grad()
def test_without_prompts_equals_encode_image(vit_b32, demo_clip):
    for model, size in ((vit_b32, 224), (demo_clip, demo_clip.visual.image_size[0])):
        x = torch.randn(2, 3, size, size)
        enc = PromptedVisionEncoder(model.visual)
        assert torch.allclose(enc(x).embedding, model.encode_image(x), atol=1e-5, rtol=1e-5)


@torch.no_grad()
def test_prompts_change_output_but_not_weights(demo_clip):
    before = {k: v.clone() for k, v in demo_clip.visual.state_dict().items()}
    enc = PromptedVisionEncoder(demo_clip.visual, first_prompted_block=3)
    x = torch.randn(2, 3, *demo_clip.visual.image_size)
    plain = enc(x).embedding
    enc.set_prompts(PromptedVisionEncoder.init_prompts(enc.num_prompted_blocks, 5, enc.width, std=1.0))
    prompted = enc(x, return_block_cls=True, return_layer_tokens=True)
    assert not torch.allclose(prompted.embedding, plain)
    assert torch.equal(enc(x, use_prompts=False).embedding, plain)
    # blocks before D are untouched by prompts
    plain_out = enc(x, use_prompts=False, return_block_cls=True)
    for i in range(3):
        assert torch.equal(prompted.block_cls[i], plain_out.block_cls[i])
    assert not torch.allclose(prompted.block_cls[3], plain_out.block_cls[3])
    # layer tokens never include the prompt tokens
    assert len(prompted.layer_tokens) == enc.depth + 1
    assert all(t.shape[1] == 65 for t in prompted.layer_tokens)
    after = demo_clip.visual.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


@torch.no_grad()
def test_starting_from_the_unprompted_prefix_gives_the_whole_forward(demo_clip):
    """Prompt tuning computes the tokens entering block D once and runs only blocks D.. at each step: the
    embedding and the prompted blocks' class tokens must be the whole forward's, with prompts and without."""
    x = torch.randn(4, 3, *demo_clip.visual.image_size)
    for first in (0, 1, 3):
        enc = PromptedVisionEncoder(demo_clip.visual, first_prompted_block=first)
        enc.set_prompts(PromptedVisionEncoder.init_prompts(enc.num_prompted_blocks, 5, enc.width, std=1.0))
        prefix = enc.prefix(x)
        for use_prompts in (True, False):
            whole = enc(x, return_block_cls=True, use_prompts=use_prompts)
            part = enc.forward_from_prefix(prefix, return_block_cls=True, use_prompts=use_prompts)
            assert torch.allclose(part.embedding, whole.embedding, atol=1e-5, rtol=1e-5)
            assert len(part.block_cls) == enc.depth - first
            for mine, theirs in zip(part.block_cls, whole.block_cls[first:]):
                assert torch.allclose(mine, theirs, atol=1e-5, rtol=1e-5)


@torch.no_grad()
def test_other_input_sizes_interpolate_position_embeddings(demo_clip):
    enc = PromptedVisionEncoder(demo_clip.visual)
    out = enc(torch.randn(1, 3, 96, 128), return_layer_tokens=True)
    assert out.embedding.shape == (1, demo_clip.visual.output_dim)
    assert out.layer_tokens[0].shape[1] == 1 + 12 * 16


def test_wrong_prompt_shape_is_explained(demo_clip):
    enc = PromptedVisionEncoder(demo_clip.visual, first_prompted_block=3)
    with pytest.raises(ValueError, match=r"prompts must be shaped \(3, b, 128\)"):
        enc.set_prompts(torch.zeros(2, 5, 128))


def test_with_autograd_the_blocks_compute_what_open_clip_s_own_blocks_do(vit_b32, demo_clip, monkeypatch):
    """Under autograd the encoder runs each block's attention on a sequence-first copy (one matmul instead of a
    batched one): the tokens, the prompted embedding and the gradients that PRM and RVPT follow are those of
    open_clip's own block forward (to the bit in most shapes; matmul kernels may round an odd batch differently).
    Fails if open_clip's block changes under the copy of its forward."""
    import station.models.prompted as prompted

    for model, size in ((vit_b32, 64), (demo_clip, demo_clip.visual.image_size[0])):
        enc = PromptedVisionEncoder(model.visual, first_prompted_block=1)
        enc.set_prompts(PromptedVisionEncoder.init_prompts(enc.num_prompted_blocks, 3, enc.width, std=0.5))
        x = torch.rand(3, 3, size, size)

        def run():
            pixels = x.clone().requires_grad_(True)
            out = enc(pixels, return_layer_tokens=True)
            (out.embedding.square().sum() + sum(t.mean() for t in out.layer_tokens)).backward()
            return [out.embedding.detach(), *[t.detach() for t in out.layer_tokens], pixels.grad]

        ours = run()
        with monkeypatch.context() as m:
            m.setattr(prompted, "_run_block", lambda block, h: block(h))
            theirs = run()
        for a, b in zip(ours, theirs):
            assert (a - b).abs().max() <= 1e-5 * b.abs().max()


def test_a_forward_hook_on_a_block_still_sees_it_called_under_autograd(demo_clip):
    """Hooks (a profiler's, a debugging probe's) see every block called, with or without autograd."""
    enc = PromptedVisionEncoder(demo_clip.visual)
    seen = []
    handle = demo_clip.visual.transformer.resblocks[0].register_forward_hook(lambda *args: seen.append(1))
    try:
        enc(torch.rand(2, 3, *demo_clip.visual.image_size, requires_grad=True)).embedding.sum().backward()
        with torch.no_grad():
            enc(torch.rand(2, 3, *demo_clip.visual.image_size))
    finally:
        handle.remove()
    assert len(seen) == 2
