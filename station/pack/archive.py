"""Reading a pack's zip file without trusting it: the directory is checked before any entry is read, and every
entry is read through caps, so a damaged or hostile zip gives a PackError and never fills the disk."""

from __future__ import annotations

import hashlib
import lzma
import os
import stat
import struct
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from . import limits
from .errors import PackError
from .names import MANIFEST, SETTINGS, SIGNATURE, name_problem

# What zipfile raises on a damaged archive: its own errors, short reads, bad headers, bad compressed data.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
               RuntimeError, struct.error, zlib.error, lzma.LZMAError, KeyError, IndexError, OverflowError)
_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _mib(n: int) -> str:
    return f"{n / 1024 ** 2:.1f} MiB"


class PackArchive:
    """An opened pack whose zip directory has been checked; use as a context manager."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise PackError(f"{self.path}: no such file; check the path") from None
        except _ZIP_ERRORS as e:
            raise PackError(f"{self.path}: not a readable station pack ({type(e).__name__}: {str(e)[:200]}); "
                            "copy it again") from None
        try:
            self.entries = self._checked_directory()
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> "PackArchive":
        return self

    def __exit__(self, *exc) -> None:
        self._zip.close()

    def _refuse(self, message: str) -> PackError:
        return PackError(f"{self.path}: {message}")

    def _checked_directory(self) -> dict[str, zipfile.ZipInfo]:
        """Every entry by name, after checking names, kinds and declared sizes; reads no entry."""
        infos = self._zip.infolist()
        if len(infos) > limits.MAX_ENTRIES + 2:
            raise self._refuse(f"holds {len(infos)} entries; a pack may hold at most {limits.MAX_ENTRIES}")
        entries: dict[str, zipfile.ZipInfo] = {}
        folded: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            problem = name_problem(name)
            if problem:
                raise self._refuse(f"entry name {name[:80]!r} {problem}; the pack is damaged or was made to "
                                   "write outside its folder: do not use it")
            if name in entries or name.casefold() in folded:
                raise self._refuse(f"entry {name!r} appears twice; the pack was altered: do not use it")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise self._refuse(f"entry {name!r} is a symbolic link; packs hold plain files only: do not use it")
            if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
                raise self._refuse(f"entry {name!r} is not a plain file; packs hold plain files only")
            if info.flag_bits & 0x1:
                raise self._refuse(f"entry {name!r} is encrypted; station packs are never encrypted")
            if info.compress_type not in _COMPRESSIONS:
                raise self._refuse(f"entry {name!r} uses compression method {info.compress_type}; "
                                   "station packs use stored or deflated entries only")
            cap = {MANIFEST: limits.MAX_MANIFEST_BYTES, SIGNATURE: limits.MAX_SIGNATURE_BYTES,
                   SETTINGS: limits.MAX_SETTINGS_BYTES}.get(name, limits.MAX_ENTRY_BYTES)
            if info.file_size > cap:
                raise self._refuse(f"entry {name!r} is {_mib(info.file_size)}, over the cap of {_mib(cap)}; "
                                   "raise station.pack.limits if this is a genuine model")
            total += info.file_size
            if total > limits.MAX_TOTAL_BYTES:
                raise self._refuse(f"unpacks to more than the cap of {_mib(limits.MAX_TOTAL_BYTES)}; "
                                   "raise station.pack.limits if this is a genuine model")
            entries[name] = info
            folded.add(name.casefold())
        return entries

    @contextmanager
    def _reading(self, name: str):
        try:
            yield
        except PackError:
            raise
        except _ZIP_ERRORS as e:
            raise self._refuse(f"entry {name!r} cannot be read ({type(e).__name__}: {str(e)[:200]}); the pack is "
                               "damaged: copy it again") from None

    def chunks(self, name: str, budget: "ReadBudget") -> Iterator[bytes]:
        """The entry's bytes, cut off at its declared size, the entry cap and what is left of the pass's
        budget, whatever the compressed stream would expand to."""
        info = self.entries[name]
        cap = min(info.file_size, limits.MAX_ENTRY_BYTES)
        done = 0
        with self._reading(name), self._zip.open(info) as src:
            while True:
                chunk = src.read(limits.CHUNK_BYTES)
                if not chunk:
                    break
                done += len(chunk)
                if done > cap or not budget.spend(len(chunk)):
                    raise self._refuse(f"entry {name!r} expands beyond its declared size or the pack's cap "
                                       f"({_mib(min(cap, limits.MAX_TOTAL_BYTES))}); it is damaged or a zip bomb: "
                                       "do not use it")
                yield chunk
        if done != info.file_size:
            raise self._refuse(f"entry {name!r} is shorter than the zip directory says; the pack is damaged")

    def read(self, name: str, budget: "ReadBudget") -> bytes:
        return b"".join(self.chunks(name, budget))

    def sha256(self, name: str, budget: "ReadBudget") -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks(name, budget):
            digest.update(chunk)
        return digest.hexdigest()

    def extract(self, name: str, into: Path, budget: "ReadBudget") -> str:
        """Write one entry under `into` (never outside it, never through a link); returns its sha256."""
        target = into / name
        if not target.resolve().is_relative_to(into.resolve()):  # names are checked already; this is the backstop
            raise self._refuse(f"entry {name!r} points outside the folder it is unpacked in")
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as dst:
            for chunk in self.chunks(name, budget):
                digest.update(chunk)
                dst.write(chunk)
        return digest.hexdigest()


class ReadBudget:
    """Bytes one pass over a pack may still read, across all its entries."""

    def __init__(self) -> None:
        self.left = limits.MAX_TOTAL_BYTES

    def spend(self, n: int) -> bool:
        self.left -= n
        return self.left >= 0
