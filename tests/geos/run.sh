#!/usr/bin/env bash
# The differential test against GEOS: makes (once) a venv with shapely from PyPI, cached in
# ~/.cache/tasking-ls/geos-venv (TASKING_LS_GEOS_VENV to move it), then compares tasking-ls's
# verdicts with shapely's is_valid on generated polygons. Usage: run.sh BINARY [args...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${TASKING_LS_GEOS_VENV:-$HOME/.cache/tasking-ls/geos-venv}"
shapely_version="2.2.0"
if ! "$venv/bin/python" -c "import shapely, sys; sys.exit(shapely.__version__ != '$shapely_version')" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "shapely==$shapely_version"
fi
"$venv/bin/python" -c 'import shapely; print("shapely", shapely.__version__, "GEOS", shapely.geos_version_string)'
exec "$venv/bin/python" "$here/differential.py" "$@"
