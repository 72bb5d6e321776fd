#!/usr/bin/env bash
# Build one archive with everything a station needs, for installing with no network:
# every wheel (torch included), the installer and the README.
#
#   installer/build-bundle.sh [--out FILE] [--python PYTHON] [--torch "torch==2.14.1 torchvision==0.29.1"]
#
# Run it on a connected machine with the same Python version and processor type as the
# stations (wheels are built for one of each); install with: install.sh --bundle FILE
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}" OUT="" TORCH_PINS="torch==2.14.1 torchvision==0.29.1"
die() { echo "build-bundle.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="${2:?--out needs a file}"; shift ;;
    --python) PYTHON="${2:?--python needs a program}"; shift ;;
    --torch) TORCH_PINS="${2:?--torch needs pins}"; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$SRC/station/__init__.py")"
PYTAG="$("$PYTHON" -c 'import sys, platform; print(f"cp{sys.version_info[0]}{sys.version_info[1]}-{platform.machine()}")')"
OUT="${OUT:-$SRC/dist/inspection-station-$VERSION-$PYTAG.tar}"
mkdir -p "$(dirname "$OUT")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
B="$WORK/bundle"
mkdir -p "$B/wheels"

echo "Building the station's wheel ..."
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$B/wheels" "$SRC"
WHEEL="$(ls "$B"/wheels/inspection_station-*.whl)"
echo "Collecting every wheel it needs ($TORCH_PINS) ..."
# shellcheck disable=SC2086
"$PYTHON" -m pip download --quiet --only-binary=:all: --dest "$B/wheels" $TORCH_PINS "$WHEEL" pip
cp -r "$SRC/installer" "$SRC/README.md" "$B/"
echo "$PYTAG" > "$B/python-tag.txt"
(cd "$B" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)
# wheels are compressed already: a plain tar is as small and much faster
tar -cf "$OUT.part" -C "$WORK" bundle
mv "$OUT.part" "$OUT"
echo "Bundle: $OUT ($(du -h "$OUT" | cut -f1), $(ls "$B/wheels" | wc -l) wheels, for $PYTAG)"
