#!/bin/sh
# The sample appliance's import (RED-1, RED-7): restores a full backup, already verified by Tandem
# (license, version, SHA-256), into the standby's data folder. The new data is unpacked beside the old
# and swapped in only when complete, so a failed import leaves the previous data in place.
# usage: import.sh ARCHIVE TARGET-FOLDER
set -eu
archive="$1"
target="$2"
mkdir -p "$(dirname "$target")"
rm -rf "$target.importing" "$target.previous"
mkdir "$target.importing"
tar -C "$target.importing" -xf "$archive"
if [ -d "$target" ]; then mv "$target" "$target.previous"; fi
mv "$target.importing" "$target"
rm -rf "$target.previous"
echo "imported $(basename "$archive") into $target"
