#!/usr/bin/env python3
"""Whole-process timings of `tasking-ls preview` (benches/README.md, "AOI preview").

    python3 benches/preview/run.py target/release/tasking-ls [--runs 7]

Orders: the seed order (examples/) and three 200,000-vertex orders written here (a circle,
a star with deep spikes, a sawtooth strip), each 8.4 MB. For each order and each output
(.svg, .png, .html) the binary runs `--runs` times; the median and min wall time and the
instructions (perf stat, when the kernel allows it) are printed as a Markdown table. Python
standard library only.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "pleiades_analytic_mono_tasking_request.json"


def order(ring):
    seed = json.loads(SEED.read_text())
    seed["params"]["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    return json.dumps(seed, indent=2)


def circle(n):
    ring = [[round(-79.5 + 0.1 * math.cos(2 * math.pi * i / n), 7),
             round(9.0 + 0.1 * math.sin(2 * math.pi * i / n), 7)] for i in range(n)]
    return ring + [ring[0]]


def star(n):
    ring = []
    for i in range(n):
        a = 2 * math.pi * i / n
        r = 0.1 if i % 2 == 0 else 0.02
        ring.append([round(-79.5 + r * math.cos(a), 7), round(9.0 + r * math.sin(a), 7)])
    return ring + [ring[0]]


def sawtooth(n):
    half = n // 2
    top = [[round(-79.6 + 0.2 * i / half, 7), round(9.0 + (0.01 if i % 2 else 0.0), 7)] for i in range(half)]
    bottom = [[round(-79.6 + 0.2 * i / half, 7), 8.95] for i in reversed(range(half))]
    ring = top + bottom
    return ring + [ring[0]]


def perf_instructions(cmd):
    try:
        out = subprocess.run(["perf", "stat", "-x,", "-e", "instructions:u", *cmd],
                             capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.stderr.splitlines():
        parts = line.split(",")
        if len(parts) > 2 and parts[2].startswith("instructions") and parts[0].strip().isdigit():
            return int(parts[0])
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    binary = str(Path(args.binary).resolve())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        orders = {"seed (5 vertices)": SEED}
        for name, make in [("circle 200k", circle), ("star 200k", star), ("sawtooth 200k", sawtooth)]:
            path = tmp / f"{name.split()[0]}_tasking_request.json"
            path.write_text(order(make(200_000)))
            orders[name] = path
        print(f"binary: {binary} ({os.path.getsize(binary) / 2**20:.1f} MiB)")
        print("| order | output | median | min | instructions | file |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, path in orders.items():
            for ext in ("svg", "png", "html"):
                out = tmp / f"out.{ext}"
                cmd = [binary, "--offline", "preview", str(path), "-o", str(out)]
                times = []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                    times.append(time.perf_counter() - start)
                instructions = perf_instructions(cmd)
                shown = f"{instructions / 1e6:.0f} M" if instructions else "n/a"
                print(f"| {name} | .{ext} | {statistics.median(times) * 1000:.0f} ms "
                      f"| {min(times) * 1000:.0f} ms | {shown} | {out.stat().st_size / 1024:.0f} KiB |")
                sys.stdout.flush()


if __name__ == "__main__":
    main()
