#!/usr/bin/env bash
# Build an offline bundle, then install and run it inside a network namespace with no
# network at all (unshare -n): station --version, a headless inspection, the desktop
# entry, and an uninstall that keeps the data. Needs root (for unshare) and a few GB of disk.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "offline install test FAILED: $*" >&2; exit 1; }

unshare -n true 2>/dev/null || fail "cannot make a network namespace (unshare -n needs root)"
echo "== building the bundle"
bash "$ROOT/installer/build-bundle.sh" --python "$PYTHON" --out "$WORK/station-bundle.tar"

echo "== installing and running it with no network"
mkdir -p "$WORK/home"
unshare -n -- env -i PATH="/usr/local/bin:/usr/bin:/bin:$(dirname "$(command -v "$PYTHON")")" HOME="$WORK/home" \
  STATION_DATA_DIR="$WORK/data" PYTHON="$PYTHON" BUNDLE="$WORK/station-bundle.tar" ROOT="$ROOT" bash -euo pipefail -c '
    if "$PYTHON" -c "import socket; socket.create_connection((\"1.1.1.1\", 443), timeout=2)" 2>/dev/null; then
      echo "the network is reachable: this would not prove an offline install" >&2; exit 1
    fi
    bash "$ROOT/installer/install.sh" --user --bundle "$BUNDLE"
    station="$HOME/.local/bin/station"
    "$station" --version
    "$station" inspect --source synthetic --frames 20 | tail -n 3
    test -f "$HOME/.local/share/applications/inspection-station.desktop"
    test -f "$HOME/.local/share/icons/hicolor/scalable/apps/inspection-station.svg"
    test -s "$STATION_DATA_DIR/station.db"
    bash "$ROOT/installer/uninstall.sh" --user
    test ! -e "$station" && test ! -e "$HOME/.local/share/inspection-station/app"
    test -s "$STATION_DATA_DIR/station.db"   # the data stays
  ' || fail "see the messages above"
echo "offline install test passed"
