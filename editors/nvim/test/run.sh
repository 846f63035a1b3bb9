#!/usr/bin/env bash
# End-to-end test of the Neovim plugin in a real, headless Neovim against a tasking-ls server.
#
#   editors/nvim/test/run.sh SERVER_BINARY [NVIM_BINARY]
#
# Writes an invalid order request into a temporary folder and runs test/e2e.lua, which checks
# diagnostics, completion, hover and the "Close the ring" quick fix. Exit status 0 on success.
# Environment: TASKING_TEST_TIMEOUT (seconds, default 120), TASKING_TEST_HOVER_SUBSTRING
# (default "cloud"), TASKING_TEST_KEEP=1 keeps the temporary folder, TASKING_TEST_LSP_DEBUG=1
# raises Neovim's LSP log level, TASKING_TEST_CLIENT_PATH=start|start_client forces an older
# client path, TASKING_TEST_LAZY=1 skips setup() (the plugin starts by itself from
# vim.g.tasking_ls), TASKING_TEST_FAKE=1 also checks the user commands (fake server only).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 SERVER_BINARY [NVIM_BINARY]" >&2
  exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

resolve() { # an executable given as a path or a name on PATH -> absolute path
  local p
  if [[ "$1" == */* ]]; then
    p=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  else
    p=$(command -v "$1" || true)
  fi
  if [ -z "$p" ] || [ ! -x "$p" ]; then
    echo "run.sh: not an executable: $1" >&2
    exit 2
  fi
  printf '%s\n' "$p"
}

server=$(resolve "$1")
nvim=$(resolve "${2:-nvim}")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tasking-nvim-e2e.XXXXXX")
if [ "${TASKING_TEST_KEEP:-0}" = 1 ]; then
  echo "run.sh: keeping $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi

# The seed order with two mistakes: an unknown geometricProcessing value and an unclosed ring
# (the last position differs from the first).
cat > "$tmp/broken_tasking_request.json" <<'JSON'
{
  "dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a",
  "params": {
    "displayName": "My satellite tasking order",
    "acquisitionStart": "2027-03-01T00:00:00.000Z",
    "acquisitionEnd": "2027-05-01T00:00:00.000Z",
    "geometry": {
      "type": "Polygon",
      "coordinates": [[[-79.6418, 9.0727], [-79.6418, 8.8703], [-79.4388, 8.8703], [-79.4387, 9.0727], [-79.6418, 9.0729]]]
    },
    "acquisitionMode": "mono",
    "radiometricProcessing": "reflectance",
    "geometricProcessing": "ortho-rectified",
    "spectralProcessing": "bundle",
    "deliveredAs": "geotiff",
    "extraDescription": "Capture high resolution images over my AOI",
    "cloudCoverage": 10,
    "incidenceAngle": 10,
    "pixelCoding": "12bits",
    "projection": "4326"
  }
}
JSON

# A private, empty editor environment: no user config, shada, swap or log of the caller's.
export XDG_CONFIG_HOME="$tmp/xdg/config" XDG_DATA_HOME="$tmp/xdg/data" \
  XDG_STATE_HOME="$tmp/xdg/state" XDG_CACHE_HOME="$tmp/xdg/cache"
export NVIM_LOG_FILE="$tmp/nvim.log"
export TASKING_LS_SERVER="$server" TASKING_TEST_DIR="$tmp" \
  TASKING_TEST_FILE="$tmp/broken_tasking_request.json"
export FAKE_LSP_LOG="${FAKE_LSP_LOG:-$tmp/fake_lsp.log}"

echo "run.sh: $("$nvim" --version | head -n1) with server $server" \
  "(client path: ${TASKING_TEST_CLIENT_PATH:-auto}, lazy: ${TASKING_TEST_LAZY:-0})"
rc=0
(cd "$tmp" && timeout --kill-after=10 "${TASKING_TEST_TIMEOUT:-120}" \
  "$nvim" --headless --clean -u "$here/minimal_init.lua" -c "luafile $here/e2e.lua" </dev/null) || rc=$?

if [ "$rc" -ne 0 ]; then
  [ "$rc" -eq 124 ] && echo "run.sh: FAIL: timed out after ${TASKING_TEST_TIMEOUT:-120}s" >&2
  echo "run.sh: FAIL (exit $rc) — $nvim with $server" >&2
  for log in "$XDG_STATE_HOME/nvim/lsp.log" "$XDG_CACHE_HOME/nvim/lsp.log"; do
    if [ -s "$log" ]; then
      echo "---- last lines of $log" >&2
      tail -n 40 "$log" >&2
    fi
  done
  exit "$rc"
fi
echo "run.sh: PASS — $nvim"
