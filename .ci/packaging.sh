#!/usr/bin/env bash
# Packaging checks, called by .ci/run with the release binary: SARIF validated by Microsoft's
# SARIF Multitool, the Python wheel (maturin) installed into a fresh venv, and the pre-commit
# hook run by `pre-commit try-repo` on a scratch repository. Tools are cached under
# $TASKING_LS_CI_CACHE (default ~/.cache/tasking-ls-ci) so that a second run is fast.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$1"
repo="$PWD"
cache="${TASKING_LS_CI_CACHE:-$HOME/.cache/tasking-ls-ci}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$cache"

echo "== Python tools (maturin, pre-commit, jsonschema) in a cached venv"
if [ ! -x "$cache/tools/bin/maturin" ] || [ ! -x "$cache/tools/bin/pre-commit" ] \
  || ! "$cache/tools/bin/python" -c "import jsonschema" 2>/dev/null; then
  python3 -m venv "$cache/tools"
  "$cache/tools/bin/pip" install --disable-pip-version-check -q "maturin==1.16.0" "pre-commit==4.7.0" "jsonschema==4.23.0"
fi

echo "== SARIF output validated by @microsoft/sarif-multitool"
multitool_version=5.7.0
multitool="$cache/npm/node_modules/.bin/sarif-multitool"
if [ ! -x "$multitool" ] || ! grep -q "\"version\": \"$multitool_version\"" "$cache/npm/node_modules/@microsoft/sarif-multitool/package.json" 2>/dev/null; then
  mkdir -p "$cache/npm"
  npm install --prefix "$cache/npm" --no-audit --no-fund --loglevel=error "@microsoft/sarif-multitool@$multitool_version"
fi
set +e
"$bin" validate --format sarif examples/ >"$work/examples.sarif"
status=$?
set -e
[ "$status" = 1 ] || { echo "validate --format sarif examples/ exited $status"; exit 1; }
# A log with fixes, related locations and an escaped, space-holding path too.
mkdir -p "$work/sarif dir"
cp examples/invalid/pleiades_analytic_broken_tasking_request.json "$work/sarif dir/a b_tasking_request.json"
"$bin" validate --format sarif --exit-zero "$work/sarif dir" >"$work/fixes.sarif"
for log in "$work/examples.sarif" "$work/fixes.sarif"; do
  if "$multitool" --help >/dev/null 2>&1; then
    # `validate` writes its findings as a SARIF log; errors in the input are `error` results.
    rm -f "$work/validation.sarif"
    "$multitool" validate "$log" --output "$work/validation.sarif" >"$work/multitool.txt" 2>&1 \
      || { cat "$work/multitool.txt"; exit 1; }
    python3 - "$work/validation.sarif" "$log" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
# Errors and warnings both fail (the default level of a result is "warning"); notes are advice.
problems = [r for run in report["runs"] for r in run.get("results", []) if r.get("level", "warning") in ("error", "warning")]
for r in problems:
    print(f"{sys.argv[2]}: {r.get('level', 'warning')} {r.get('ruleId')}: {r['message']}")
sys.exit(1 if problems else 0)
PY
    echo "$(basename "$log"): no errors or warnings from the SARIF Multitool"
  else
    # The multitool is a self-contained .NET program; if it cannot start here, fall back to
    # the SARIF 2.1.0 JSON schema it ships.
    echo "the SARIF Multitool cannot run here; validating against its SARIF 2.1.0 JSON schema"
    "$cache/tools/bin/python" - "$cache/npm/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json" "$log" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1])); log = json.load(open(sys.argv[2]))
jsonschema.Draft7Validator(schema).validate(log)
PY
  fi
done

echo "== Python wheel (maturin, bindings = bin) installed into a fresh venv"
# docs/getting-started.md, "Install": what a user without Cargo on PATH gets from `pip install`.
"$cache/tools/bin/maturin" build --release --locked --out "$work/dist"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --disable-pip-version-check -q "$work"/dist/tasking_ls-*.whl
[ -x "$work/venv/bin/tasking-ls" ] || { echo "the wheel put no tasking-ls on the venv's PATH"; exit 1; }
set +e
(PATH="$work/venv/bin:$PATH" && cd "$repo" && tasking-ls validate examples/) >"$work/wheel.txt"
status=$?
set -e
if [ "$status" != 1 ] || ! grep -q "schema.enum" "$work/wheel.txt"; then
  echo "the wheel's tasking-ls validate examples/ exited $status"; cat "$work/wheel.txt"; exit 1
fi
"$work/venv/bin/tasking-ls" --version

echo "== pre-commit hook (pre-commit try-repo) on a scratch repository"
scratch="$work/scratch"
mkdir -p "$scratch"
cp examples/pleiades_analytic_mono_tasking_request.json "$scratch/good_tasking_request.json"
cp examples/invalid/pleiades_analytic_broken_tasking_request.json "$scratch/bad_tasking_request.json"
echo '{"not": "an order"}' >"$scratch/package.json"
git -C "$scratch" init -q
git -C "$scratch" -c user.name=ci -c user.email=ci@localhost add .
git -C "$scratch" -c user.name=ci -c user.email=ci@localhost commit -qm scratch
# try-repo installs the hook's environment afresh each time (a release build of this crate), so
# one run over both orders: it must fail, report the bad order, and say nothing of the good one
# (nor of package.json, which the hook's `files` pattern leaves out).
# The hook's package build reuses this run's compiled release dependencies (same target
# directory); without it, every CI run compiles all of them again inside pip's build.
target_dir="$(cd "$(dirname "$bin")/.." && pwd)"
set +e
(cd "$scratch" && CARGO_TARGET_DIR="$target_dir" "$cache/tools/bin/pre-commit" try-repo "$repo" tasking-ls --all-files) >"$work/hook.txt" 2>&1
status=$?
set -e
if [ "$status" = 0 ] || ! grep -q "bad_tasking_request.json:6:23: error\[dates.order\]" "$work/hook.txt" \
  || grep -q "good_tasking_request.json\|package.json" "$work/hook.txt"; then
  echo "the hook did not fail on the bad order alone (exit $status)"; cat "$work/hook.txt"; exit 1
fi
grep -q "Checked 2 files: 5 errors, 0 warnings in 1 file" "$work/hook.txt" \
  || { echo "the hook did not check exactly the two orders"; cat "$work/hook.txt"; exit 1; }
echo "pre-commit: the good order passes, the bad one fails with its findings"
