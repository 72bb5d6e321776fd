"""CLIP models built from a model folder once per test process: every `Station.open` and many commands load the
same demo CLIP, and building one (open_clip fills every weight with random values before the file's are read) is
most of what opening a station costs.

Exact by construction: a model is remembered by its folder and by the sha256 of every file its manifest lists
(the caller has just checked the files against them), and each load gets a deep copy of the model as open_clip
built it, so no caller can change what another receives. A changed file is another key, and is built for real.
A load from memory does not draw from torch's global generator as building does: code that needs reproducible
randomness after a load seeds it, as the station's training and self-tests do.
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from pathlib import Path

KEEP = 4  # models per process (the demo CLIP and the backdoored fixtures); the oldest go first
_built: OrderedDict[str, object] = OrderedDict()


def install() -> None:
    import open_clip

    from station.models.files import MANIFEST_NAME

    build = open_clip.create_model
    if getattr(build, "remembers", False):  # installed already (the command server imports the tests' modules too)
        return

    def create_model(model_name, *args, **kwargs):
        if args or not (isinstance(model_name, str) and model_name.startswith("local-dir:")):
            return build(model_name, *args, **kwargs)
        folder = Path(model_name.removeprefix("local-dir:")).resolve()
        try:
            files = json.loads((folder / MANIFEST_NAME).read_text())["files"]
        except (OSError, ValueError, KeyError, TypeError):  # not a station model folder: open_clip says what is wrong
            return build(model_name, **kwargs)
        key = json.dumps([str(folder), files, sorted(kwargs.items())], default=str)
        if key not in _built:
            _built[key] = build(model_name, **kwargs)
            while len(_built) > KEEP:
                _built.popitem(last=False)
        _built.move_to_end(key)
        return copy.deepcopy(_built[key])

    create_model.remembers = True
    open_clip.create_model = create_model
