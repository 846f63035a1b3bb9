#!/usr/bin/env bash
# The extension in real VS Code: code-server (VS Code 1.139 in a browser tab) with the packaged
# .vsix installed, a scratch workspace of orders, driven by Debian's Chromium through
# puppeteer-core (editors/vscode/e2e/e2e.js). Screenshots go to target/e2e/ of the repository;
# TASKING_E2E_KEEP=1 keeps the scratch folder (user data, logs, workspace).
#
#   bash editors/vscode/e2e/run.sh path/to/tasking-ls-linux-x64.vsix
set -euo pipefail
vsix=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
start=$SECONDS

cache=$(bash "$here/install.sh" | tail -n1)
export PATH=$cache/bin:$PATH
code_server=$(ls -d "$cache"/code-server-*/node_modules/.bin/code-server | head -n1)
puppeteer=$(ls -d "$cache"/puppeteer-core-*/node_modules | head -n1)
echo "e2e: installs ready after $((SECONDS - start))s"

work=$(mktemp -d /tmp/tasking-vscode-e2e.XXXXXX)
ud=$work/user-data ed=$work/extensions ws=$work/orders
mkdir -p "$ud/User" "$ed" "$ws"
cat >"$ud/User/settings.json" <<'JSON'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "taskingLs.offline": true
}
JSON
cp "$repo/examples/invalid/pleiades_analytic_broken_tasking_request.json" "$ws/broken_tasking_request.json"
cp "$repo/examples/pleiades_analytic_mono_tasking_request.json" "$ws/mono_tasking_request.json"
sed 's/"acquisitionMode": "mono"/"acquisitionMode": ""/' "$repo/examples/pleiades_analytic_mono_tasking_request.json" >"$ws/complete_tasking_request.json"
# A syntax error (a missing comma): VS Code's JSON support would report it too if it ran.
sed '0,/"displayName": "My satellite tasking order",/s//"displayName": "My satellite tasking order"/' \
  "$repo/examples/pleiades_analytic_mono_tasking_request.json" >"$ws/syntax_tasking_request.json"

"$code_server" --user-data-dir "$ud" --extensions-dir "$ed" --install-extension "$vsix" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
setsid "$code_server" --auth none --bind-addr "127.0.0.1:$port" --user-data-dir "$ud" --extensions-dir "$ed" \
  --disable-telemetry --disable-workspace-trust "$ws" >"$work/code-server.log" 2>&1 &
cs_pid=$!
stop() {
  kill -- "-$cs_pid" 2>/dev/null || true
  # The scratch folder holds the installed extension (the server binary): gone unless kept.
  [ "${TASKING_E2E_KEEP:-0}" = 1 ] || { sleep 1; rm -rf "$work"; }
}
trap stop EXIT
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  sleep 0.5
done
shots=$repo/target/e2e
mkdir -p "$shots"
status=0
NODE_PATH=$puppeteer node "$here/e2e.js" "http://127.0.0.1:$port/?folder=$ws" "$shots" || status=$?
if [ $status -ne 0 ]; then
  echo "---- code-server log (last lines)"; tail -n 40 "$work/code-server.log"
  find "$ud" -name '*Tasking LS*.log' -exec tail -n 40 {} \; 2>/dev/null || true
fi
echo "e2e: screenshots in $shots; total $((SECONDS - start))s"
exit $status
