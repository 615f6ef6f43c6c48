#!/usr/bin/env bash
# `make run`: opens examples/demo with the extension. Desktop VS Code when `code` is on PATH;
# otherwise code-server (installed by setup.sh into the cache) on 127.0.0.1, until Ctrl-C.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
EXT="$(dirname "$HERE")"
ROOT="$(dirname "$EXT")"
VSIX="$EXT/dist/treewright.vsix"
DEMO="$ROOT/examples/demo"
PYTHON="$ROOT/.venv/bin/python"

if [ -z "${TREEWRIGHT_CODE_SERVER:-}" ] && command -v code >/dev/null; then
  code --install-extension "$VSIX" --force
  echo "Opened $DEMO in VS Code. The server's Python: set treewright.server.pythonPath to $PYTHON"
  echo "(or let the extension install its own copy); the API key: run 'Treewright: Set API Key'."
  exec code "$DEMO"
fi

bash "$HERE/setup.sh"
CACHE="${TREEWRIGHT_E2E_CACHE:-$HOME/.cache/treewright-e2e}"
CS="$CACHE/code-server-4.139.1/node_modules/.bin/code-server"
STATE="$CACHE/run"   # kept between runs: settings, the API key, the chat's workspace state
PORT="${PORT:-8080}"
mkdir -p "$STATE/user-data/User" "$STATE/user-data/Machine" "$STATE/extensions" "$STATE/xdg"
for scope in User Machine; do
  [ -f "$STATE/user-data/$scope/settings.json" ] || cat >"$STATE/user-data/$scope/settings.json" <<JSON
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "chat.disableAIFeatures": true,
  "treewright.server.pythonPath": "$PYTHON"
}
JSON
done
export PATH="$CACHE/node24/bin:$PATH" XDG_CONFIG_HOME="$STATE/xdg"
"$CS" --user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions" --install-extension "$VSIX" --force >/dev/null
echo
echo "Treewright in VS Code (code-server): http://127.0.0.1:$PORT/?folder=$DEMO"
echo "Set the API key with F1 → 'Treewright: Set API Key' (or export ANTHROPIC_API_KEY before make run). Ctrl-C stops it."
echo
exec "$CS" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions" "$DEMO"
