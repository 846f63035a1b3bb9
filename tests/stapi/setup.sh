#!/usr/bin/env bash
# Makes (once) the venv of the STAPI test server: PyPI's stapi-fastapi 0.8.0, the reference
# STAPI server, and its dependencies pinned in requirements.txt, in
# ~/.cache/tasking-ls/stapi-venv (TASKING_LS_STAPI_VENV to move it). Prints the venv's python,
# which `.ci/run` exports as TASKING_LS_STAPI_PYTHON for the Rust tests (tests/it/stapi_*.rs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${TASKING_LS_STAPI_VENV:-$HOME/.cache/tasking-ls/stapi-venv}"
stamp="$venv/.requirements"
if ! cmp -s "$here/requirements.txt" "$stamp" || ! "$venv/bin/python" -c "import stapi_fastapi, uvicorn" 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  cp "$here/requirements.txt" "$stamp"
fi
"$venv/bin/python" -c 'import importlib.metadata as m; print("stapi-fastapi", m.version("stapi-fastapi"), file=__import__("sys").stderr)'
echo "$venv/bin/python"
