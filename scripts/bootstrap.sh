#!/bin/sh
# Set up a fresh Debian machine for MediaDesk: system packages, a venv with the locked
# Python dependencies, and the pinned JavaScript (the web player's hls.js; for tests
# also Shaka Player, a second real HLS client that the app itself never serves).
# Idempotent: each step checks what is already there, so `make run` and `make test`
# stay fast after the first.
#
#   scripts/bootstrap.sh run    # what the app needs
#   scripts/bootstrap.sh test   # plus what the test suite and benchmarks drive
set -eu

PURPOSE="${1:-run}"
cd "$(dirname "$0")/.."

# ffmpeg and libmpv are the engine and the player; the libxcb/libgl set is what Qt's
# xcb and offscreen platforms load; fonts so the GUI has glyphs on a bare machine.
RUN_PACKAGES="ffmpeg libmpv2 libgl1 libegl1 libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0
  libfontconfig1 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1
  fonts-dejavu-core ca-certificates"
# Real servers and real players for the tests: Xvfb for screenshots and the app's
# entry-point test (which asks the X server with x11-utils' xwininfo whether the
# window is mapped), Redis and PostgreSQL for scale-out, Chromium for hls.js, VLC,
# and nginx + wrk for benchmarks; systemd-analyze and desktop-file-validate check the
# packaging files; dvdauthor's spumux makes the picture (VobSub) subtitles the burn-in
# tests need (ffmpeg cannot turn text into picture subtitles).
TEST_PACKAGES="xvfb xauth x11-utils redis-server postgresql chromium vlc-bin vlc-plugin-base
  nginx-light wrk procps systemd desktop-file-utils dvdauthor"

case "$PURPOSE" in
  run) WANT="$RUN_PACKAGES" ;;
  test) WANT="$RUN_PACKAGES $TEST_PACKAGES" ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=""
for pkg in $WANT; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done
if [ -n "$missing" ]; then
  echo "bootstrap: installing system packages:$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi

STAMP=.venv/.mediadesk-deps
if [ ! -f "$STAMP" ] || [ requirements.lock -nt "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  echo "bootstrap: installing locked Python dependencies"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --require-hashes -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  touch "$STAMP"
fi

if [ -f scripts/fetch_vendor.py ]; then
  case "$PURPOSE" in
    run) .venv/bin/python scripts/fetch_vendor.py --dest web ;;
    test) .venv/bin/python scripts/fetch_vendor.py ;;
  esac
fi

# Our own modules compiled here, once: where PYTHONDONTWRITEBYTECODE is set (container
# images and some shells set it) nothing else writes them, and every start compiled
# ~290 modules again: measured 1.73 s -> 1.33 s to the painted library (bench-gui).
.venv/bin/python -m compileall -q -j 0 mediadesk ui >/dev/null
