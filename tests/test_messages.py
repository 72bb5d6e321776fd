"""The station's messages: codes with parameters whose str() is the English the command line prints, and the
window's catalogue that words every one of them (with no parameter the station does not give)."""

from __future__ import annotations

import pickle
from string import Formatter

import pytest

from station.messages import ENGLISH, Message, message_of
from ui.messages import WORDS


def fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in Formatter().parse(template) if name}


def test_every_code_the_station_says_has_window_words_and_back():
    assert set(ENGLISH) == set(WORDS)


@pytest.mark.parametrize("code", sorted(ENGLISH))
def test_the_window_words_only_what_the_station_gives(code):
    assert fields(WORDS[code]) <= fields(ENGLISH[code]), f"{code}: the window's words need parameters the station " \
                                                         f"does not give"


def test_a_message_is_its_english_text_and_keeps_its_code():
    m = Message("review.reviewed_already", id=140)
    assert m == "inspection 140 has been reviewed already" and isinstance(m, str)
    assert (m.code, m.params) == ("review.reviewed_already", {"id": 140})
    again = pickle.loads(pickle.dumps(m))
    assert again == m and again.code == m.code and again.params == m.params
    assert message_of(ValueError(m)) is m and message_of(ValueError("plain")) is None


def test_the_command_line_keeps_english(tmp_path):
    from station.capture import open_source

    with pytest.raises(Exception) as missing:
        open_source("folder", str(tmp_path / "nowhere"))
    assert str(missing.value) == f"image folder {tmp_path / 'nowhere'} does not exist; check the path"
