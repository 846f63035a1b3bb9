#!/usr/bin/env bash
# Emacs + eglot end to end against the real server, in batch mode (no terminal):
#
#   bash editors/emacs/test/run.sh /path/to/tasking-ls [emacs]
#
# Needs Emacs 29+ (eglot built in) or Emacs 28 with Debian's elpa-eglot (editors/ci.sh
# installs emacs-nox and elpa-eglot). Prints "ok"/"FAIL" per check; exit status 0 when all pass.
set -uo pipefail
if [ $# -lt 1 ]; then
  echo "usage: bash editors/emacs/test/run.sh /path/to/tasking-ls [emacs]" >&2
  exit 2
fi
server=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
emacs=${2:-emacs}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$repo/examples/invalid/pleiades_analytic_broken_tasking_request.json" "$work/broken_tasking_request.json"
python3 - "$repo/examples/pleiades_analytic_mono_tasking_request.json" "$work/compact_tasking_request.json" <<'PY'
import json, sys
json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), separators=(",", ":"))
PY
"$emacs" --version | head -n1
# Private HOME and cache: no user init (-q keeps the site start, which activates Debian's
# elpa-eglot), no user schemas or credentials.
HOME=$work XDG_CACHE_HOME=$work/.cache TASKING_LS="$server" TASKING_DIR="$work" \
  timeout 300 "$emacs" --batch -q -l "$here/e2e.el"
status=$?
echo "emacs e2e: exit $status"
exit $status
