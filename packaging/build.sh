#!/bin/sh
# Build the desktop/server bundle with PyInstaller and smoke-test it.
#   packaging/build.sh            -> dist/mediadesk/ (program, data, .desktop, icon)
# The smoke test runs the built program, not the source tree: --version, then a
# fresh library (migrations from the bundle), a look at the bundled data, and a worker
# on real PostgreSQL + Redis + S3 servers (packaging/smoke_scaleout.py).
set -eu
cd "$(dirname "$0")/.."
BIN=.venv/bin

$BIN/pyinstaller --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/mediadesk.spec

OUT=dist/mediadesk
# Freedesktop integration, laid out as under /usr (or /opt/mediadesk) for installers.
install -Dm644 resources/io.mediadesk.MediaDesk.desktop \
  "$OUT/share/applications/io.mediadesk.MediaDesk.desktop"
install -Dm644 resources/mediadesk.svg \
  "$OUT/share/icons/hicolor/scalable/apps/io.mediadesk.MediaDesk.svg"
install -Dm644 packaging/systemd/mediadesk-serve.service "$OUT/share/systemd/mediadesk-serve.service"
install -Dm644 packaging/systemd/mediadesk-worker@.service "$OUT/share/systemd/mediadesk-worker@.service"

echo "package: smoke test of $OUT/mediadesk"
version=$("$OUT/mediadesk" --version)
expected="mediadesk $($BIN/python -c 'import mediadesk; print(mediadesk.__version__)')"
[ "$version" = "$expected" ] || { echo "got '$version', expected '$expected'" >&2; exit 1; }
SMOKE_HOME=$(mktemp -d)
trap 'rm -rf "$SMOKE_HOME"' EXIT
env -u DISPLAY -u WAYLAND_DISPLAY MEDIADESK_HOME="$SMOKE_HOME" "$OUT/mediadesk" library list --json >/dev/null
[ -f "$SMOKE_HOME/library.db" ] || { echo "the bundle did not create a library" >&2; exit 1; }
for dir in presets migrations resources; do
  [ -d "$OUT/_internal/$dir" ] || { echo "$dir is missing from the bundle" >&2; exit 1; }
done
# The drivers (psycopg, redis, botocore's data) only show up missing at run time.
$BIN/python packaging/smoke_scaleout.py "$OUT/mediadesk"
echo "package: ok: $version ($(du -sh "$OUT" | cut -f1))"
