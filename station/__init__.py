"""Inspection station: the headless core (no Qt here)."""

import os as _os

__version__ = "0.1.0"

# The station never downloads anything: a missing local file must fail at once
# instead of waiting on a network that a factory line does not have.
for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    _os.environ.setdefault(_var, "1")
