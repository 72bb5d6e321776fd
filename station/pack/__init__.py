"""Station packs: the model, the live prompt set, the classes and settings of one station, for another.

A pack is a zip file: `manifest.json` names every other file with its sha256 and the plant key that signed
it; `manifest.sig` is that key's Ed25519 signature over the manifest's exact bytes. A station imports only
packs signed by a key a manager has trusted (station.trusted_keys), and checks everything (names, sizes,
links, types, hashes, the settings) before it writes anything. What the settings would change is shown
first and audited with the import.

    archive   the zip, read under caps (limits)       manifest  the manifest's strict schema
    reader    verify and preview, writing nothing     importer  preview_import, import_pack
    exporter  export_pack
"""

from .errors import PackError
from .manifest import FORMAT, Manifest
from .names import MANIFEST, SIGNATURE
from .reader import PackPreview, read_pack
from .summary import change_lines

_LATER = {"export_pack": "exporter", "import_pack": "importer", "preview_import": "importer"}


def __getattr__(name: str):
    """Export and import load prompt sets (torch); showing a pack does not, so `pack show` answers at once."""
    if name in _LATER:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_LATER[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["FORMAT", "MANIFEST", "SIGNATURE", "Manifest", "PackError", "PackPreview", "change_lines", "export_pack",
           "import_pack", "preview_import", "read_pack"]
