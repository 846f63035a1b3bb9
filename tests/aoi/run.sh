#!/usr/bin/env bash
# Regenerates the AOI import's expected coordinates with pyproj and pyshp (a venv cached in
# ~/.cache/tasking-ls/aoi-venv, TASKING_LS_AOI_VENV to move it) and fails when they differ
# from the committed tests/aoi/fixtures/expected.json. `cargo test` reads the committed
# fixtures and needs no Python; this keeps them honest. Usage: run.sh [--write]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${TASKING_LS_AOI_VENV:-$HOME/.cache/tasking-ls/aoi-venv}"
want="pyshp==3.1.6 pyproj==3.7.2"
if ! "$venv/bin/python" -c "import shapefile, pyproj, sys; sys.exit(not (shapefile.__version__ == '3.1.6' and pyproj.__version__ == '3.7.2'))" 2>/dev/null; then
  python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install --quiet $want
fi
if [ "${1:-}" = "--write" ]; then
  exec "$venv/bin/python" "$here/make_fixtures.py"
fi
exec "$venv/bin/python" "$here/make_fixtures.py" --check
