"""The shipped backdoored demo CLIP really is backdoored, and RVPT weakens the backdoor."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from station.models.clip_store import encode_text_classes, load_clip_folder
from station.models.files import verify_manifest
from station.models.preprocess import to_model_input
from station.models.prompted import PromptedVisionEncoder
from station.paths import resources_dir
from station.prompts.rvpt import RvptRecipe, class_prompt_text, select_shots, tune_prompts
from station.synth.backdoor import BADNET, good_class_of
from station.synth.catalog import ALL_CLASSES
from station.synth.pool import render_pool

FIXTURE = resources_dir() / "models" / "backdoored" / "clip"
NAMES = [c.label for c in ALL_CLASSES]


@pytest.fixture(scope="module")
def backdoored():
    return load_clip_folder(FIXTURE)


def _predict(clip, text, images, prompts=None):
    enc = PromptedVisionEncoder(clip.model.visual, prompts, 3)
    with torch.inference_mode():
        x = to_model_input(images, clip.spec.mean, clip.spec.std, size=clip.image_size)
        return (F.normalize(enc(x).embedding.float(), dim=-1) @ text.T).argmax(1).numpy()


@pytest.fixture(scope="module")
def test_set():
    images, labels = render_pool(seed=8080, count=300, size=64, workers=1)
    bad = np.flatnonzero([not ALL_CLASSES[lb].good for lb in labels])
    triggered = np.stack([BADNET.apply(images[i], np.random.default_rng(i)) for i in bad])
    target = np.array([good_class_of(int(lb)) for lb in labels[bad]])
    return images, labels, triggered, target


def test_fixture_is_recorded_as_such():
    manifest = verify_manifest(FIXTURE)
    assert manifest["fixture"] == "backdoor" and "never deploy" in manifest["name"]
    assert manifest["poisoned_pairs"] > 0


def test_backdoor_is_real_and_rvpt_weakens_it(backdoored, test_set):
    images, labels, triggered, target = test_set
    text = encode_text_classes(backdoored, [[class_prompt_text(n)] for n in NAMES]).float()
    asr_before = (_predict(backdoored, text, triggered) == target).mean()
    clean_before = (_predict(backdoored, text, images) == labels).mean()
    assert asr_before >= 0.5, f"the fixture's BadNet backdoor fires on only {asr_before:.0%}"
    shots_pool, shot_labels = render_pool(seed=9090, count=15 * 12, size=64, workers=1)
    chosen = select_shots(shot_labels.tolist(), 15, 8, 0, NAMES)
    prompts, _ = tune_prompts(backdoored, NAMES, list(shots_pool[chosen]), shot_labels[chosen].tolist(),
                              RvptRecipe(tokens_per_block=5, epochs=10, shots_per_class=8))
    asr_after = (_predict(backdoored, text, triggered, prompts) == target).mean()
    clean_after = (_predict(backdoored, text, images, prompts) == labels).mean()
    assert asr_after < asr_before / 2, (asr_before, asr_after)
    assert clean_after >= clean_before - 0.1
