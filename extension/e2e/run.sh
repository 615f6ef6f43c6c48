#!/usr/bin/env bash
# Runs the end-to-end scenarios (after setup.sh has installed what they need).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${TREEWRIGHT_E2E_CACHE:-$HOME/.cache/treewright-e2e}"
exec "$CACHE/node24/bin/node" "$HERE/drive.mjs" "$@"
