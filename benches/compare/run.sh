#!/usr/bin/env bash
# Validate the same 10,000 generated order files with tasking-ls, ajv-cli (+ ajv-formats)
# and check-jsonschema, side by side, and write the table into benches/README.md.
#
#   bash benches/compare/run.sh            # from the repository root (or anywhere)
#
# Environment:
#   COUNT=10000   number of order files          RUNS=5      timed runs per tool (>= 3)
#   GENERATE="--error-rate 0.2 --max-vertices 200"  more generator options (a 41 MB corpus with
#                 a fifth of the files invalid, like issue 27's); DATA should differ per corpus
#   BIN=target/release/tasking-ls                DATA=bench-data (git-ignored)
#   SKIP_BUILD=1  do not run `cargo build --release` when BIN is missing
#   NO_README=1   print the table only, leave benches/README.md alone
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

COUNT="${COUNT:-10000}"
RUNS="${RUNS:-5}"
DATA="${DATA:-bench-data}"
BIN="${BIN:-${CARGO_TARGET_DIR:-target}/release/tasking-ls}"
ORDERS="$DATA/orders"
RESULTS="$DATA/compare"
SCHEMA="benches/compare/order-schema.json"
mkdir -p "$DATA" "$RESULTS"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- the tool under test -------------------------------------------------------------
if [[ ! -x "$BIN" ]]; then
  [[ -n "${SKIP_BUILD:-}" ]] && { echo "no $BIN (SKIP_BUILD set)" >&2; exit 2; }
  say "building $BIN"
  cargo build --release
fi

# --- data and the equivalent schema --------------------------------------------------
say "writing $SCHEMA from the bundled product schema"
python3 benches/compare/make_schema.py
if [[ ! -f "$ORDERS/.count" || "$(cat "$ORDERS/.count")" != "$COUNT ${GENERATE:-}" ]]; then
  say "generating $COUNT orders into $ORDERS"
  rm -rf "$ORDERS"
  # shellcheck disable=SC2086 # GENERATE holds several options
  python3 benches/compare/generate.py "$ORDERS" --count "$COUNT" ${GENERATE:-}
  echo "$COUNT ${GENERATE:-}" > "$ORDERS/.count"
fi

# --- peers ---------------------------------------------------------------------------
if [[ ! -x benches/compare/node_modules/.bin/ajv ]]; then
  say "installing ajv-cli and ajv-formats (npm ci)"
  (cd benches/compare && npm ci --no-audit --no-fund)
fi
AJV="benches/compare/node_modules/.bin/ajv"
VENV="${VENV:-bench-data/venv}"
if [[ ! -x "$VENV/bin/check-jsonschema" ]]; then
  say "installing check-jsonschema into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet check-jsonschema
fi
CJS="$VENV/bin/check-jsonschema"

# The file list for check-jsonschema: one command line if it fits, else xargs batches.
ARG_BYTES=$(printf '%s ' "$ORDERS"/*_tasking_request.json | wc -c)
ARG_MAX=$(getconf ARG_MAX)
if (( ARG_BYTES < ARG_MAX - 65536 )); then
  CJS_CMD="$CJS --schemafile $SCHEMA $ORDERS/*_tasking_request.json"
  CJS_NOTE="all $COUNT files on one command line ($ARG_BYTES bytes of arguments; ARG_MAX $ARG_MAX)"
else
  CJS_CMD="printf '%s\\0' $ORDERS/*_tasking_request.json | xargs -0 -s $((ARG_MAX - 65536)) $CJS --schemafile $SCHEMA"
  CJS_NOTE="the file list is longer than ARG_MAX ($ARG_BYTES > $ARG_MAX): xargs runs check-jsonschema in batches (each batch pays the Python start-up)"
fi

TLS_CMD="$BIN validate --format json $ORDERS"
# `cat` of the same files: the floor the issue measures against (reading, no checking).
CAT_CMD="cat $ORDERS/*_tasking_request.json"
AJV_CMD="$AJV validate --spec=draft7 -c ajv-formats -s $SCHEMA -d \"$ORDERS/*_tasking_request.json\" --all-errors --errors=json"

# --- agreement: every tool must flag the same files ----------------------------------
say "checking that the three tools flag the same files"
set +e
$TLS_CMD > "$RESULTS/tasking-ls.json"; TLS_RC=$?
eval "$AJV_CMD" > "$RESULTS/ajv.out" 2> "$RESULTS/ajv.err"; AJV_RC=$?
eval "$CJS_CMD -o json" > "$RESULTS/check-jsonschema.json" 2>&1; CJS_RC=$?
set -e
python3 - "$RESULTS" "$COUNT" <<'EOF' > "$RESULTS/agreement.txt"
import json, re, sys, os
d, count = sys.argv[1], int(sys.argv[2])
tls = {os.path.basename(x["file"]) for x in json.load(open(f"{d}/tasking-ls.json")) if x["severity"] == "error"}
ajv = {os.path.basename(m) for m in re.findall(r"^(\S+) invalid$", open(f"{d}/ajv.err").read(), re.M)}
cjs = json.load(open(f"{d}/check-jsonschema.json"))
cjs = {os.path.basename(e["filename"]) for e in cjs["errors"] + cjs.get("parse_errors", [])}
print(f"files with errors: tasking-ls {len(tls)}, ajv-cli {len(ajv)}, check-jsonschema {len(cjs)} (of {count});",
      "the same files" if tls == ajv == cjs else f"DIFFERENT: tasking-ls-only {sorted(tls - ajv)[:5]}, ajv-only {sorted(ajv - tls)[:5]}, cjs-only {sorted(cjs - tls)[:5]}")
EOF
cat "$RESULTS/agreement.txt" >&2
echo "exit codes: tasking-ls $TLS_RC, ajv $AJV_RC, check-jsonschema $CJS_RC" >&2

# --- timing --------------------------------------------------------------------------
if command -v hyperfine >/dev/null; then
  say "timing with hyperfine ($RUNS runs each, 1 warm-up)"
  hyperfine --runs "$RUNS" --warmup 1 --ignore-failure --style basic \
    --export-json "$RESULTS/timing.json" \
    -n tasking-ls "$TLS_CMD" \
    -n ajv-cli "$AJV_CMD" \
    -n check-jsonschema "$CJS_CMD" \
    -n cat "$CAT_CMD" >&2
  TIMER="hyperfine $(hyperfine --version | awk '{print $2}'), $RUNS runs after 1 warm-up run"
else
  say "hyperfine not found: timing with a Python loop ($RUNS runs each, 1 warm-up)"
  python3 - "$RESULTS/timing.json" "$RUNS" tasking-ls "$TLS_CMD" ajv-cli "$AJV_CMD" check-jsonschema "$CJS_CMD" cat "$CAT_CMD" <<'EOF'
import json, statistics, subprocess, sys, time
out, runs, pairs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
results = []
for name, cmd in zip(pairs[::2], pairs[1::2]):
    subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    results.append({"command": name, "mean": statistics.mean(times), "stddev": statistics.stdev(times),
                    "min": min(times), "max": max(times), "times": times})
    print(f"{name}: {results[-1]['mean']:.3f} s", file=sys.stderr)
json.dump({"results": results}, open(out, "w"), indent=2)
EOF
  TIMER="a Python timing loop (hyperfine not installed), $RUNS runs after 1 warm-up run"
fi

# --- table ---------------------------------------------------------------------------
python3 - "$RESULTS/timing.json" "$RESULTS/table.md" "$COUNT" "$TIMER" "$CJS_NOTE" "$RESULTS/agreement.txt" \
  "$TLS_CMD" "$AJV_CMD" "$CJS_CMD" "$ROOT" "$CAT_CMD" "$ORDERS" <<'EOF'
import glob, json, os, platform, subprocess, sys, time
timing, out, count, timer, cjs_note, agreement, tls_cmd, ajv_cmd, cjs_cmd, root, cat_cmd, orders = sys.argv[1:]
nbytes = sum(os.path.getsize(f) for f in glob.glob(f"{orders}/*_tasking_request.json"))
results = json.load(open(timing))["results"]
tls = next(r for r in results if r["command"] == "tasking-ls")
def version(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=root).stdout.strip().splitlines()[-1]
    except Exception:
        return "?"
versions = {
    "tasking-ls": "tasking-ls " + version("git rev-parse --short HEAD"),
    "ajv-cli": "ajv-cli " + json.load(open(f"{root}/benches/compare/node_modules/ajv-cli/package.json"))["version"]
               + " (ajv " + json.load(open(f"{root}/benches/compare/node_modules/ajv/package.json"))["version"]
               + ", ajv-formats " + json.load(open(f"{root}/benches/compare/node_modules/ajv-formats/package.json"))["version"]
               + "), Node " + version("node --version"),
    "check-jsonschema": version(f"{cjs_cmd.split()[0]} --version") + ", Python " + platform.python_version(),
    "cat": "cat (GNU coreutils " + version("cat --version | head -1").split()[-1] + ")",
}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
# Issue 27: at least 6x ajv-cli, at least 50x check-jsonschema (issue 3), within 1.5x of cat.
goals = {"ajv-cli": 6, "check-jsonschema": 50, "cat": 1 / 1.5}
def cpu_time(r):  # hyperfine records the mean user and system time of the runs
    return f"{r['user'] + r['system']:.3f}" if "user" in r and "system" in r else "n/a"
def mb_per_cpu_s(r):  # bytes of JSON per second of CPU (user + sys): per core, since CPU time sums the cores
    return f"{nbytes / 1e6 / (r['user'] + r['system']):.0f}" if "user" in r and "system" in r else "n/a"
lines = [
    f"{count} files ({nbytes / 1e6:.1f} MB), {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores ({cpu}), Linux {platform.release()}; {timer}; "
    f"load average when the timing ended: {' '.join(open('/proc/loadavg').read().split()[:3])} (other builds were sharing the cores if above ~0.5).",
    f"{open(agreement).read().strip()}",
    "",
    "| tool | mean ± σ (s) | min … max (s) | relative to tasking-ls | CPU user + sys (s) | MB/s of CPU | goal |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
]
for r in results:
    rel = r["mean"] / tls["mean"]
    rel_s = "1.00" if r is tls else f"{rel:.2f}× slower" if rel >= 1 else f"{1 / rel:.2f}× faster"
    if r["command"] == "cat":
        goal = f"tasking-ls within 1.5× of cat: {'met' if rel >= goals['cat'] else 'not met'} ({1 / rel:.2f}×)"
    elif r["command"] in goals:
        goal = f"tasking-ls ≥ {goals[r['command']]}× faster: {'met' if rel >= goals[r['command']] else 'not met'}"
    else:
        goal = ""
    lines.append(f"| {versions.get(r['command'], r['command'])} | {r['mean']:.3f} ± {r['stddev']:.3f} "
                 f"| {r['min']:.3f} … {r['max']:.3f} | {rel_s} | {cpu_time(r)} | {mb_per_cpu_s(r)} | {goal} |")
lines += ["", "CPU time is less sensitive than wall time to other processes on the machine; "
          "tasking-ls spreads its work over both cores, the peers use one.",
          "", "Commands (from the repository root):", "", "```sh", tls_cmd, ajv_cmd, cjs_cmd, cat_cmd, "```", "",
          f"check-jsonschema: {cjs_note}."]
open(out, "w").write("\n".join(lines) + "\n")
EOF
cat "$RESULTS/table.md"

# --- README --------------------------------------------------------------------------
if [[ -z "${NO_README:-}" && -f benches/README.md ]]; then
  python3 - benches/README.md "$RESULTS/table.md" compare <<'EOF'
import sys
path, table, tag = sys.argv[1:]
text = open(path).read()
begin, end = f"<!-- {tag}:begin -->", f"<!-- {tag}:end -->"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    open(path, "w").write(head + begin + "\n" + open(table).read() + end + tail)
    print(f"updated {path}", file=sys.stderr)
else:
    print(f"{path} has no {begin} … {end} markers; not updated", file=sys.stderr)
EOF
fi
