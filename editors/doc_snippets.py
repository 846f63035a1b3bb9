#!/usr/bin/env python3
"""Runs the editor set-up snippets of docs/editors.md in the real editors, so that no
snippet drifts from the plugins (issue 28: every example in docs/ run by a test).

    python3 editors/doc_snippets.py NVIM [EMACS]

Each ```lua block: a plugin-manager spec (a table) must load as a Lua expression naming the
plugin; the `init.lua` block runs as the init file of a headless Neovim, with
/path/to/tasking-ls replaced by this checkout, and must leave `tasking_ls` loaded. The
```elisp block is loaded by `emacs --batch` the same way and must provide `tasking-ls`.
Exit 1 naming the block (its line in docs/editors.md) on any failure.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "editors.md")


def blocks(lang):
    text = open(DOC, encoding="utf-8").read()
    for m in re.finditer(r"^```" + lang + r"\n(.*?)^```", text, re.S | re.M):
        yield text[: m.start()].count("\n") + 1, m.group(1).replace("/path/to/tasking-ls", ROOT)


def run(cmd, what, line):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    out = (r.stdout + r.stderr).strip()
    if r.returncode != 0 or "E5113" in out or "Error" in out:
        print(f"docs/editors.md:{line}: {what} failed (exit {r.returncode}):\n{out}")
        return False
    print(f"docs/editors.md:{line}: {what}: ok")
    return True


def main():
    nvim = sys.argv[1]
    emacs = sys.argv[2] if len(sys.argv) > 2 else None
    ok = True
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        for line, code in blocks("lua"):
            count += 1
            path = os.path.join(tmp, f"snippet{line}.lua")
            env_home = ["env", f"HOME={tmp}", f"XDG_CONFIG_HOME={tmp}/config", f"XDG_DATA_HOME={tmp}/data",
                        f"XDG_STATE_HOME={tmp}/state"]
            if code.lstrip().startswith("{"):
                with open(path, "w", encoding="utf-8") as f:
                    f.write("return " + code)
                check = (f"lua local spec = assert((loadstring or load)(io.open('{path}'):read('*a')))(); "
                         "assert(type(spec) == 'table' and (spec.dir or spec[1]), 'not a plugin spec')")
                ok &= run(env_home + [nvim, "--headless", "--clean", "-c", check, "-c", "qa!"],
                          "the plugin spec loads as a Lua table", line)
            else:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(code)
                check = "lua assert(package.loaded.tasking_ls, 'tasking_ls not loaded')"
                ok &= run(env_home + [nvim, "--headless", "-u", path, "-c", check, "-c", "qa!"],
                          "init.lua runs and loads tasking_ls", line)
        for line, code in blocks("elisp"):
            if not emacs:
                print(f"docs/editors.md:{line}: no Emacs given; not run")
                continue
            count += 1
            path = os.path.join(tmp, f"snippet{line}.el")
            with open(path, "w", encoding="utf-8") as f:
                f.write("(package-initialize)\n" + code)
            ok &= run([emacs, "--batch", "-q", "-l", path, "--eval",
                       "(unless (and (featurep 'tasking-ls) (boundp 'tasking-ls-program)) (kill-emacs 1))"],
                      "the Emacs set-up loads tasking-ls", line)
    if count == 0:
        print("no lua or elisp blocks found in docs/editors.md")
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
