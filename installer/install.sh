#!/usr/bin/env bash
# Install the inspection station into its own virtual environment.
#
#   installer/install.sh [--user | --system] [--bundle FILE] [--kiosk] [--selftest-timer] [--prefix DIR] [--python PYTHON]
#
#   --user      (default) for the signed-in user: ~/.local/share/inspection-station/app
#   --system    for every user (run as root): /opt/inspection-station
#   --bundle    install from an offline bundle made by build-bundle.sh; nothing is downloaded
#   --kiosk     start the station full screen at login (a systemd user service)
#   --selftest-timer  run the self-tests that are due every night at 02:30 (a systemd user timer running
#               `station selftest due --run`; how often each test is due is a manager's setting)
#   --prefix    install somewhere else
#
# Data (database, images, settings) is not touched: it lives in the per-user data folder
# (~/.local/share/inspection-station) or wherever STATION_DATA_DIR points.
set -euo pipefail

MODE=user BUNDLE="" KIOSK=0 TIMER=0 PREFIX="" PYTHON="${PYTHON:-python3}"
TORCH_PINS="torch==2.14.1 torchvision==0.29.1"
die() { echo "install.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --user) MODE=user ;;
    --system) MODE=system ;;
    --bundle) BUNDLE="${2:?--bundle needs a file}"; shift ;;
    --kiosk) KIOSK=1 ;;
    --selftest-timer) TIMER=1 ;;
    --prefix) PREFIX="${2:?--prefix needs a folder}"; shift ;;
    --python) PYTHON="${2:?--python needs a program}"; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done

if [ "$MODE" = system ]; then
  [ "$(id -u)" = 0 ] || die "--system needs root (sudo); or install for yourself with --user"
  PREFIX="${PREFIX:-/opt/inspection-station}"
  SHARE=/usr/share BIN_DIR=/usr/local/bin UNIT_DIR=/etc/systemd/user
else
  DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
  PREFIX="${PREFIX:-$DATA_HOME/inspection-station/app}"
  SHARE="$DATA_HOME" BIN_DIR="$HOME/.local/bin" UNIT_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
fi
command -v "$PYTHON" >/dev/null || die "no '$PYTHON' found; install Python 3.10 or newer (Debian: apt install python3 python3-venv)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || die "Python 3.10 or newer is needed; $PYTHON is older"
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || die "Python's venv module is missing (Debian: apt install python3-venv)"

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=""
cleanup() { [ -n "$WORK" ] && rm -rf "$WORK"; }
trap cleanup EXIT
if [ -n "$BUNDLE" ]; then
  [ -f "$BUNDLE" ] || die "bundle '$BUNDLE' not found"
  WORK="$(mktemp -d)"
  tar -xf "$BUNDLE" -C "$WORK" || die "bundle '$BUNDLE' is damaged (tar could not read it); copy it again"
  (cd "$WORK/bundle" && sha256sum --quiet -c SHA256SUMS) || die "bundle '$BUNDLE' does not match its checksums; copy it again"
  SRC="$WORK/bundle"
  HERE="$("$PYTHON" -c 'import sys, platform; print(f"cp{sys.version_info[0]}{sys.version_info[1]}-{platform.machine()}")')"
  [ "$(cat "$SRC/python-tag.txt")" = "$HERE" ] || die "the bundle is for $(cat "$SRC/python-tag.txt") but $PYTHON is $HERE; build the bundle with the stations' Python"
fi

echo "Installing into $PREFIX ..."
mkdir -p "$PREFIX"
MANIFEST="$PREFIX/install-manifest.txt"
: > "$MANIFEST"
note() { echo "$1" >> "$MANIFEST"; }
"$PYTHON" -m venv "$PREFIX/venv"
PIP="$PREFIX/venv/bin/pip"
if [ -n "$BUNDLE" ]; then
  # Offline: every wheel comes from the bundle; pip never looks at the network, and no
  # pip settings of this machine (indexes, extra wheel folders) take part.
  export PIP_CONFIG_FILE=/dev/null
  "$PIP" install --quiet --no-index --find-links "$SRC/wheels" --upgrade pip
  "$PIP" install --quiet --no-index --find-links "$SRC/wheels" inspection-station
else
  "$PIP" install --quiet --upgrade pip
  "$PIP" install --quiet $TORCH_PINS
  "$PIP" install --quiet "$SRC"
fi
"$PREFIX/venv/bin/station" --version >/dev/null || die "the installed station does not start; see the messages above"

mkdir -p "$BIN_DIR" "$SHARE/applications" "$SHARE/icons/hicolor/scalable/apps"
ln -sf "$PREFIX/venv/bin/station" "$BIN_DIR/station"; note "$BIN_DIR/station"
ICON="$SHARE/icons/hicolor/scalable/apps/inspection-station.svg"
# from / so that the installed package answers, not a source tree in the current folder
cp "$(cd / && "$PREFIX/venv/bin/python" -c 'from station.paths import resources_dir; print(resources_dir() / "icons" / "inspection-station.svg")')" "$ICON"
note "$ICON"
DESKTOP="$SHARE/applications/inspection-station.desktop"
cat > "$DESKTOP" <<DESK
[Desktop Entry]
Type=Application
Name=Inspection station
Comment=Visual inspection of parts, with human review and self-tests
Exec=$PREFIX/venv/bin/station gui
Icon=inspection-station
Terminal=false
Categories=Utility;
DESK
note "$DESKTOP"

if [ "$KIOSK" = 1 ]; then
  mkdir -p "$UNIT_DIR"
  UNIT="$UNIT_DIR/inspection-station.service"
  cat > "$UNIT" <<UNIT
[Unit]
Description=Inspection station (full screen)
After=graphical-session.target
PartOf=graphical-session.target

[Service]
ExecStart=$PREFIX/venv/bin/station gui --kiosk
Restart=on-failure
RestartSec=5

[Install]
WantedBy=graphical-session.target
UNIT
  note "$UNIT"
  if [ "$MODE" = user ] && command -v systemctl >/dev/null && systemctl --user daemon-reload 2>/dev/null; then
    systemctl --user enable inspection-station.service >/dev/null 2>&1 && echo "Kiosk mode: starts at your next login."
  else
    echo "Kiosk mode: unit written to $UNIT; enable it with: systemctl --user enable inspection-station.service"
  fi
fi
if [ "$TIMER" = 1 ]; then
  mkdir -p "$UNIT_DIR"
  cat > "$UNIT_DIR/inspection-station-selftest.service" <<UNIT
[Unit]
Description=Inspection station: run the self-tests that are due

[Service]
Type=oneshot
Nice=10
ExecStart=$PREFIX/venv/bin/station selftest due --run --unattended
${STATION_DATA_DIR:+Environment=STATION_DATA_DIR=$STATION_DATA_DIR}
UNIT
  cat > "$UNIT_DIR/inspection-station-selftest.timer" <<UNIT
[Unit]
Description=Inspection station: nightly self-tests that are due

[Timer]
OnCalendar=*-*-* 02:30:00
Persistent=true

[Install]
WantedBy=timers.target
UNIT
  note "$UNIT_DIR/inspection-station-selftest.service"
  note "$UNIT_DIR/inspection-station-selftest.timer"
  if [ "$MODE" = user ] && command -v systemctl >/dev/null && systemctl --user daemon-reload 2>/dev/null; then
    if systemctl --user enable --now inspection-station-selftest.timer >/dev/null 2>&1; then
      echo "Self-test timer: nightly at 02:30."
    else
      echo "Self-test timer: units written to $UNIT_DIR; enable with: systemctl --user enable --now inspection-station-selftest.timer"
    fi
  else
    echo "Self-test timer: units written to $UNIT_DIR; enable with: systemctl --user enable --now inspection-station-selftest.timer"
  fi
fi
note "$PREFIX"
echo "Installed station $("$PREFIX/venv/bin/station" --version | awk '{print $2}') into $PREFIX."
echo "Start it from the applications menu or with: station gui   (data: \$STATION_DATA_DIR or the per-user data folder)"
