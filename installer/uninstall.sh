#!/usr/bin/env bash
# Remove an installation made by install.sh. The station's data (database, images,
# settings) is kept unless --purge-data is given.
#
#   installer/uninstall.sh [--user | --system] [--prefix DIR] [--purge-data]
set -euo pipefail

MODE=user PREFIX="" PURGE=0
die() { echo "uninstall.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --user) MODE=user ;;
    --system) MODE=system ;;
    --prefix) PREFIX="${2:?--prefix needs a folder}"; shift ;;
    --purge-data) PURGE=1 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
if [ "$MODE" = system ]; then
  PREFIX="${PREFIX:-/opt/inspection-station}"
else
  PREFIX="${PREFIX:-${XDG_DATA_HOME:-$HOME/.local/share}/inspection-station/app}"
fi
MANIFEST="$PREFIX/install-manifest.txt"
[ -f "$MANIFEST" ] || die "no installation at $PREFIX (no install-manifest.txt); pass --prefix if it is elsewhere"

DATA_DIR="$("$PREFIX/venv/bin/python" -c 'from station.paths import default_data_dir; print(default_data_dir())' 2>/dev/null || true)"
if command -v systemctl >/dev/null && grep -q "inspection-station.service" "$MANIFEST"; then
  systemctl --user disable --now inspection-station.service >/dev/null 2>&1 || true
fi
if command -v systemctl >/dev/null && grep -q "inspection-station-selftest.timer" "$MANIFEST"; then
  systemctl --user disable --now inspection-station-selftest.timer >/dev/null 2>&1 || true
fi
while IFS= read -r path; do
  [ "$path" = "$PREFIX" ] && continue
  rm -f "$path"
done < "$MANIFEST"
rm -rf "$PREFIX"
echo "Removed the station from $PREFIX."
if [ "$PURGE" = 1 ] && [ -n "$DATA_DIR" ] && [ -d "$DATA_DIR" ]; then
  rm -rf "$DATA_DIR"
  echo "Removed its data in $DATA_DIR."
elif [ -n "$DATA_DIR" ]; then
  echo "Its data is kept in $DATA_DIR (remove it with --purge-data)."
fi
