#!/usr/bin/env python3
"""CI performance gate: instruction counts of a few `tasking-ls validate` runs against a
committed baseline (.ci/perf-baseline.json); fails when one grows by more than 30%.

    python3 .ci/perf-gate.py BINARY            # check (exit 1 on a regression)
    python3 .ci/perf-gate.py BINARY --update   # rewrite the baseline with today's counts

Instruction counts (valgrind's cachegrind, `I refs`, the whole process) do not depend on
the machine's load, unlike wall times on a shared 2-core box; one worker thread
(RAYON_NUM_THREADS=1) so that no thread spins waiting for work. Stdlib only; takes about
half a minute. The cases: 1,000 generated orders (benches/compare/generate.py), one small
order (start-up), and 20,000-vertex comb and Koch polygons (benches/geometry/run.py's
shapes; the Koch one goes through the exact sweep).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BASELINE = os.path.join(HERE, "perf-baseline.json")
TOLERANCE = 1.30


def instructions(binary, args):
    """The instructions `binary validate ARGS` executes, whatever its exit code (1 when the
    files hold errors)."""
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    run = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         binary, "validate", "--offline", "--format", "json", *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    match = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if not match or run.returncode not in (0, 1):
        sys.exit(f"valgrind failed (exit {run.returncode}) on validate {' '.join(args)}:\n{run.stderr[-3000:]}")
    return int(match.group(1).replace(",", ""))


def make_inputs(tmp):
    orders = os.path.join(tmp, "orders")
    subprocess.run([sys.executable, os.path.join(ROOT, "benches/compare/generate.py"), orders,
                    "--count", "1000", "--seed", "42"], check=True, stdout=subprocess.DEVNULL)
    sys.path.insert(0, os.path.join(ROOT, "benches/geometry"))
    import run as shapes  # noqa: E402  (benches/geometry/run.py: the same shapes as the benchmark)
    cases = {
        "validate 1,000 generated orders (1.7 MB)": [orders],
        "validate one small order (start-up)": ["examples/pleiades_analytic_mono_tasking_request.json"],
    }
    for name in ("comb", "koch"):
        path = os.path.join(tmp, f"{name}_tasking_request.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(shapes.order_text(shapes.ring_lonlat(shapes.SHAPES[name](20000))))
        cases[f"validate a 20,000-vertex {name} polygon"] = [path]
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--update", action="store_true", help="write today's counts as the baseline")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    if subprocess.run(["valgrind", "--version"], capture_output=True).returncode != 0:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    baseline = {}
    if os.path.exists(BASELINE):
        with open(BASELINE, encoding="utf-8") as f:
            baseline = json.load(f)["instructions"]
    with tempfile.TemporaryDirectory() as tmp:
        counts = {name: instructions(binary, case) for name, case in make_inputs(tmp).items()}
    failed = []
    print(f"{'case':<48} {'instructions':>14} {'baseline':>14} {'ratio':>6}")
    for name, count in counts.items():
        base = baseline.get(name)
        ratio = count / base if base else float("nan")
        flag = ""
        if base and ratio > TOLERANCE:
            flag = f"  REGRESSION: more than {TOLERANCE:.2f}x the baseline"
            failed.append(name)
        elif base and ratio < 1 / TOLERANCE:
            flag = "  faster: update the baseline (--update) so the gate keeps the gain"
        print(f"{name:<48} {count:>14,} {base or 0:>14,} {ratio:>6.2f}{flag}")
    if args.update:
        with open(BASELINE, "w", encoding="utf-8") as f:
            json.dump({"note": "instruction counts from .ci/perf-gate.py; rewrite with --update",
                       "instructions": counts}, f, indent=2)
            f.write("\n")
        print(f"wrote {BASELINE}")
        return
    missing = [name for name in counts if name not in baseline]
    if missing:
        sys.exit(f"no baseline for: {', '.join(missing)} (run with --update)")
    if failed:
        sys.exit(f"PERFORMANCE REGRESSION (> {TOLERANCE:.2f}x the committed instruction count): "
                 + "; ".join(failed))
    print("performance gate passed")


if __name__ == "__main__":
    main()
