#!/bin/sh
# Register MediaDesk with the desktop for this user: menu entry and icon.
# (The app sets the same id, org.mediadesk.MediaDesk, so docks group its windows.)
set -eu
cd "$(dirname "$0")/.."
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
install -Dm644 resources/org.mediadesk.MediaDesk.desktop "$DATA/applications/org.mediadesk.MediaDesk.desktop"
install -Dm644 resources/mediadesk.svg "$DATA/icons/hicolor/scalable/apps/org.mediadesk.MediaDesk.svg"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$DATA/applications" || true
echo "installed: $DATA/applications/org.mediadesk.MediaDesk.desktop"
