"""One progress protocol: every long function of the station takes one `Progress` and stops the same way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import station
from station.errors import Cancelled
from station.progress import QUIET, Callbacks, Share, stop_if_asked

STATION = Path(station.__file__).parent


def definitions():
    for path in sorted(STATION.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            yield path.relative_to(STATION.parent), node


def test_no_long_function_takes_its_own_stop_or_progress_callable():
    """`should_stop=` callables and private `Progress = Callable[...]` types were seven protocols; none is left."""
    own_stop, own_progress_type, progress_not_protocol = [], [], []
    for path, node in definitions():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = {a.arg: a for a in node.args.args + node.args.kwonlyargs}
            if "should_stop" in names and str(path) != "station/progress.py":
                own_stop.append(f"{path}:{node.lineno} {node.name}")
            progress = names.get("progress")
            if progress is not None and progress.annotation is not None and \
                    "Progress" not in ast.unparse(progress.annotation):
                progress_not_protocol.append(f"{path}:{node.lineno} {node.name}: {ast.unparse(progress.annotation)}")
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "Progress" for t in node.targets):
            own_progress_type.append(f"{path}:{node.lineno}")
    assert own_stop == [] and own_progress_type == [] and progress_not_protocol == []


def test_a_share_lands_on_the_outer_count_and_stops_with_it():
    seen, stop = [], {"now": False}
    outer = Callbacks(lambda d, t, text: seen.append((d, t, text)), lambda: stop["now"])
    part = Share(outer, base=10, total=40, word=lambda d, t, text: f"part {d}/{t}: {text}")
    part.report(3, 10, "loss 0.5")
    assert seen == [(13, 40, "part 3/10: loss 0.5")]
    Share(outer).report(2, 7, "own count")
    assert seen[-1] == (2, 7, "own count")
    stop_if_asked(part, "the part")  # not asked: nothing happens
    stop["now"] = True
    with pytest.raises(Cancelled, match="the part cancelled"):
        stop_if_asked(part, "the part")
    assert not QUIET.should_stop()
