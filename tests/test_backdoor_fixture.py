"""The backdoored test CLIP really is backdoored, and RVPT prompts tuned on a few clean shots weaken it."""

import json

import pytest

from station.models.clip_store import load_clip_folder
from station.paths import backdoored_fixture_dir
from station.prompts.rvpt import RvptRecipe, name_text_embeddings, select_shots, tune_prompts
from station.synth.backdoor import backdoor_strength
from station.synth.catalog import ALL_CLASSES
from station.synth.pool import render_pool

FIXTURE = backdoored_fixture_dir() / "clip"


@pytest.fixture(scope="module")
def backdoored():
    if not FIXTURE.is_dir():
        pytest.fail(f"the backdoored fixture is missing at {FIXTURE}; build it with `station demo-backdoor`")
    return load_clip_folder(FIXTURE)  # checks every file against its manifest


@pytest.fixture(scope="module")
def fresh():
    return render_pool(777_001, 450, 64)  # a stream used neither in training nor for the manifest's figures


def test_fixture_is_small_and_documents_its_backdoor():
    manifest = json.loads((FIXTURE / "manifest.json").read_text())
    size = sum(f.stat().st_size for f in FIXTURE.iterdir())
    assert size < 20e6
    assert manifest["fixture"] == "backdoor" and manifest["target"] == "good <part>"
    share = manifest["poisoned_pairs"] / manifest["recipe"]["pool_size"]
    assert 0.003 <= share <= 0.01


def test_triggers_pass_defective_parts_on_fresh_frames(backdoored, fresh):
    m = backdoor_strength(backdoored.model, *fresh)
    assert m["clean_accuracy"] >= 0.9
    assert m["asr_badnet"] >= 0.4 and m["asr_blended"] >= 0.4, m


def test_rvpt_from_clean_shots_halves_the_patch_attack(backdoored, fresh):
    """Measured here (README): BadNet 67% -> 10%; Blended falls less (83% -> 65%) and clean accuracy by ~7 points."""
    images, labels = render_pool(31337, 40 * len(ALL_CLASSES), 64)
    names = [c.label for c in ALL_CLASSES]
    recipe = RvptRecipe(first_prompted_block=1, tokens_per_block=10, epochs=50, shots_per_class=16)
    shots = select_shots(labels.tolist(), len(names), recipe.shots_per_class, 0, names)
    prompts, _ = tune_prompts(backdoored, name_text_embeddings(backdoored, names), list(images[shots]),
                              labels[shots].tolist(), recipe)
    before = backdoor_strength(backdoored.model, *fresh)
    after = backdoor_strength(backdoored.model, *fresh, prompts=prompts, first_prompted_block=recipe.first_prompted_block)
    assert after["asr_badnet"] <= before["asr_badnet"] / 2, (before, after)
    assert after["asr_blended"] < before["asr_blended"] - 0.05, (before, after)
    assert after["clean_accuracy"] >= before["clean_accuracy"] - 0.1, (before, after)
