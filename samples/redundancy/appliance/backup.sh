#!/bin/sh
# The sample appliance's full backup (RED-1): a tar of its data folder (users, devices, forwarding,
# module configurations) written to the file Tandem names ({file} of redundancy.backup.command).
# Exit code 0 only when the archive is complete; Tandem renames it onto its name only then.
set -eu
out="$1"
here="$(cd "$(dirname "$0")" && pwd)"
tar -C "$here/data" -cf "$out" .
