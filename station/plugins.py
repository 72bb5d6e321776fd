"""Code the station loads by name. A registry's kind names the code that serves it as 'module:attribute', imported
only when a station uses that kind: the core never imports what only some stations need (the demo's generator,
onnxruntime), and adding a kind is one line in its table plus its module."""

from __future__ import annotations

import importlib


def load(reference: str):
    """'package.module:name' -> the object."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)
