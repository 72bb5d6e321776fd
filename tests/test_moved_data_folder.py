"""A data folder keeps working when it is moved, copied or named relatively: every file a record points to is
stored relative to the folder, so the copy uses its own prompt set and reference bank, not the original's; and
when a file is gone the gate says so (closed, with why) in `gate show` as well as at the station."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import torch
from sqlalchemy import select

from station.auth import create_user
from station.cli import main
from station.gate.gate import ClosedGate, InputGate
from station.prompts.files import PromptSetMeta, save_prompt_set
from station.prompts.registry import activate, register
from station.runtime import Station
from station.service.prompt_sets import fit
from station.storage.models import PromptSet, ReferenceBankRecord

PW = "password-123"


def make_station(data: Path) -> None:
    """A station with a live prompt set and its reference bank, as a plant would have it."""
    st = Station.open(data)
    try:
        with st.db.transaction() as s:
            boss = create_user(s, "boss", "manager", PW, None)
        depth, width = st.check_a.encoder.depth, st.check_a.encoder.width
        meta = PromptSetMeta(base_model_sha256=st.clip.sha256, classes=[], first_prompted_block=3, tokens_per_block=2,
                             class_texts_sha256=st.check_a.texts_sha256)
        source = data.parent / "tuned.safetensors"
        save_prompt_set(source, torch.zeros((depth - 3, 2, width)), meta)
        with st.db.transaction() as s:
            row = register(s, data, source, boss, name="line")
            activate(s, row.id, st.clip.sha256, boss, **fit(st))
    finally:
        st.close()


def paths(data: Path) -> list[str]:
    st = Station.open(data)
    try:
        with st.db.session() as s:
            return [p for (p,) in s.execute(select(PromptSet.path))] + \
                   [p for (p,) in s.execute(select(ReferenceBankRecord.path))]
    finally:
        st.close()


def test_a_copied_folder_uses_its_own_files(tmp_path):
    original = tmp_path / "a" / "data"
    make_station(original)
    assert all(not Path(p).is_absolute() for p in paths(original))  # recorded inside the folder
    copy = tmp_path / "b" / "data"
    shutil.copytree(original, copy)
    shutil.rmtree(original)  # the original is gone: the copy must not need it
    st = Station.open(copy)
    try:
        assert st.check_a.prompt_set_id is not None and st.check_a.encoder.prompts is not None
        assert isinstance(st.gate, InputGate)
        assert st.gate.bank.path.is_relative_to(copy)
    finally:
        st.close()


def test_a_relatively_named_folder_works_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_station(Path("rel"))
    monkeypatch.chdir(tmp_path.parent)  # a later command from another working folder, with the absolute name
    st = Station.open(tmp_path / "rel")
    try:
        assert st.check_a.prompt_set_id is not None and isinstance(st.gate, InputGate)
    finally:
        st.close()


def test_a_missing_bank_closes_the_gate_and_gate_show_says_so(tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    make_station(data)
    bank = next(p for p in paths(data) if p.startswith("gate/"))
    (data / bank).unlink()
    st = Station.open(data)
    try:
        assert isinstance(st.gate, ClosedGate) and "not found" in st.gate.why
    finally:
        st.close()
    monkeypatch.setenv("STATION_PASSWORD", PW)
    assert main(["--data-dir", str(data), "--user", "boss", "gate", "show"]) == 0
    out = capsys.readouterr().out
    assert "input gate CLOSED" in out and "not found" in out
    assert main(["--data-dir", str(data), "--user", "boss", "gate", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "closed"


def test_records_from_before_relative_paths_find_the_files_in_this_folder(tmp_path):
    """An absolute path recorded by an older version: the file at its place under this folder wins (a copy uses
    its own), and a file outside any data folder is used where it is."""
    from station.paths import data_path, stored_path

    here, old = tmp_path / "here", tmp_path / "old"
    for folder in (here, old):
        (folder / "prompts").mkdir(parents=True)
        (folder / "prompts" / "p-v1.safetensors").write_bytes(folder.name.encode())
    assert data_path(here, str(old / "prompts" / "p-v1.safetensors")) == here / "prompts" / "p-v1.safetensors"
    outside = tmp_path / "elsewhere.pt"
    assert data_path(here, str(outside)) == outside
    assert stored_path(here, here / "prompts" / "p-v1.safetensors") == "prompts/p-v1.safetensors"
    assert stored_path(here, outside) == str(outside)
