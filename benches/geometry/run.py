#!/usr/bin/env python3
"""Benchmark of polygon checking on large polygons of six shapes, next to GEOS.

    python3 benches/geometry/run.py [BINARY] [--sizes 50000,100000,200000] [--runs 5]
                                    [--python PY] [--docs]

Writes one order per shape and size into bench-data/geometry/ (the seed order with its
polygon replaced): a regular polygon, a box with densified sides, a star whose radius
jitters per vertex (radial spikes), a comb of tall thin teeth, a two-armed spiral band and
a Koch-snowflake coastline, all valid and counter-clockwise. Then, for each:

* `validate`: wall time of the whole `tasking-ls validate FILE` process (median of --runs),
  which must exit 0 (the polygon is valid);
* `check`: tasking-ls's checking alone (`check_document` on the parsed order: every check,
  geometry included), parse excluded, median of --runs, from the `check_time` example
  (`cargo build --profile profiling --example check_time`; --check-binary to point at it);
* `validity step alone`: the part of the check that GEOS's `is_valid` does (`check_time
  --validity` on the same ring file GEOS reads: the ring made a cycle, the star test, chain
  sweep or exact sweep, GEOS's rules), median of --runs;
* `GEOS is_valid`: shapely's `is_valid` on the same coordinates (median of --runs, the
  Polygon built beforehand), with --python (a Python that has shapely; tests/geos/run.sh
  makes one in ~/.cache/tasking-ls/geos-venv).

Prints a Markdown table; --docs also writes it into docs/benchmarks.md between the
`geometry-bench` markers.
"""
import argparse
import json
import math
import os
import platform
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SEED_PATH = os.path.join(ROOT, "examples", "pleiades_analytic_mono_tasking_request.json")
OUT = os.path.join(ROOT, "bench-data", "geometry")
CENTER = (13.4, 52.5)
SCALE = 0.2  # degrees: every shape fits in a box of about 0.4 degree


def regular(n):
    return [(math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)) for i in range(n)]


def densified_box(n):
    side = n // 4
    pts = []
    for k in range(4):
        for i in range(side):
            t = -1 + 2 * i / side
            pts.append([(t, -1), (1, t), (-t, 1), (-1, -t)][k])
    return pts


def jittered_star(n):
    rng = random.Random(n)
    return [
        (r * math.cos(a), r * math.sin(a))
        for a, r in ((2 * math.pi * i / n, rng.uniform(0.3, 1.0)) for i in range(n))
    ]


def comb(n):
    teeth = (n - 2) // 4
    width = 2.0 / teeth
    pts = [(1.0, -1.0), (1.0, -0.8)]
    # Right to left along the top, each tooth 4 vertices: tall and thin (gaps as wide).
    for k in range(teeth - 1, -1, -1):
        x0 = -1 + k * width
        pts += [(x0 + 0.75 * width, -0.8), (x0 + 0.75 * width, 1.0), (x0 + 0.25 * width, 1.0), (x0 + 0.25 * width, -0.8)]
    pts.append((-1.0, -0.8))
    pts.append((-1.0, -1.0))
    return pts


def spiral_band(n):
    """A band around the two-armed Archimedean spiral through the centre: the point
    c·t·(cos |t|, sin |t|) for t in [-T, T] (the arm for t < 0 is the other turned by 180°);
    out along one side of the centre line and back along the other."""
    turns = 12
    big_t = 2 * math.pi * turns
    c = 1.0 / big_t
    w = 0.3 * c
    half = n // 2

    def point(t):
        return c * t * math.cos(abs(t)), c * t * math.sin(abs(t))

    def at(t):
        x, y = point(t)
        h = 1e-6
        (x0, y0), (x1, y1) = point(t - h), point(t + h)
        dx, dy = x1 - x0, y1 - y0
        norm = math.hypot(dx, dy)
        return x, y, -dy / norm, dx / norm

    left, right = [], []
    for i in range(half):
        t = -big_t + 2 * big_t * i / (half - 1)
        x, y, nx, ny = at(t)
        left.append((x + w * nx, y + w * ny))
        right.append((x - w * nx, y - w * ny))
    pts = left + right[::-1]
    # Counter-clockwise.
    area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(pts, pts[1:] + pts[:1]))
    return pts if area > 0 else pts[::-1]


def koch(n):
    level = 0
    while 3 * 4 ** (level + 1) <= n * 1.05:
        level += 1
    pts = [(math.cos(a), math.sin(a)) for a in (math.pi / 2, math.pi / 2 + 2 * math.pi / 3, math.pi / 2 + 4 * math.pi / 3)]
    for _ in range(level):
        out = []
        for i in range(len(pts)):
            (x0, y0), (x1, y1) = pts[i], pts[(i + 1) % len(pts)]
            dx, dy = (x1 - x0) / 3, (y1 - y0) / 3
            a = (x0 + dx, y0 + dy)
            b = (x0 + 2 * dx, y0 + 2 * dy)
            # The bump points outwards for a counter-clockwise ring: rotate (dx, dy) by -60°.
            cx = a[0] + dx * 0.5 + dy * math.sqrt(3) / 2
            cy = a[1] + dy * 0.5 - dx * math.sqrt(3) / 2
            out += [(x0, y0), a, (cx, cy), b]
        pts = out
    # Densify each edge evenly up to about n vertices.
    per_edge = max(1, round(n / len(pts)))
    if per_edge > 1:
        dense = []
        for i in range(len(pts)):
            (x0, y0), (x1, y1) = pts[i], pts[(i + 1) % len(pts)]
            dense += [(x0 + (x1 - x0) * k / per_edge, y0 + (y1 - y0) * k / per_edge) for k in range(per_edge)]
        pts = dense
    area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(pts, pts[1:] + pts[:1]))
    return pts if area > 0 else pts[::-1]


SHAPES = {
    "regular": regular,
    "densified-box": densified_box,
    "jittered-star": jittered_star,
    "comb": comb,
    "spiral-band": spiral_band,
    "koch": koch,
}


def ring_lonlat(pts):
    ring = [[round(CENTER[0] + SCALE * x, 9), round(CENTER[1] + SCALE * y, 9)] for x, y in pts]
    ring.append(ring[0])
    return ring


def order_text(ring):
    with open(SEED_PATH, encoding="utf-8") as f:
        seed = f.read()
    positions = ",\n          ".join("[%r, %r]" % (p[0], p[1]) for p in ring)
    start = seed.index('"coordinates": [')
    end = start + seed[start:].index("\n      ]") + len("\n      ]")
    return seed[:start] + '"coordinates": [\n        [\n          ' + positions + "\n        ]\n      ]" + seed[end:]


def generate(sizes):
    os.makedirs(OUT, exist_ok=True)
    files = []
    for name, make in SHAPES.items():
        for n in sizes:
            ring = ring_lonlat(make(n))
            path = os.path.join(OUT, f"{name}_{n}_tasking_request.json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(order_text(ring))
            with open(path[: -len(".json")] + ".ring.json", "w") as f:
                json.dump(ring, f)
            files.append((name, n, len(ring) - 1, path))
    return files


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def time_validate(binary, path, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run = subprocess.run([binary, "validate", "--offline", path], capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if run.returncode != 0:
            sys.exit(f"{path}: validate exited {run.returncode}\n{run.stdout[:2000]}")
    return median(times)


GEOS_SNIPPET = r"""
import json, sys, time
import shapely
from shapely.geometry import Polygon
out = {}
for path in sys.argv[2:]:
    ring = json.load(open(path))
    poly = Polygon(ring)
    times = []
    for _ in range(int(sys.argv[1])):
        start = time.perf_counter()
        valid = poly.is_valid
        times.append(time.perf_counter() - start)
        if not valid:
            sys.exit(path + ": GEOS says invalid: " + shapely.validation.explain_validity(poly))
    out[path] = sorted(times)[len(times) // 2]
print(json.dumps({"geos": shapely.geos_version_string, "times": out}))
"""


def time_geos(python, paths, runs):
    run = subprocess.run([python, "-c", GEOS_SNIPPET, str(runs)] + paths, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(run.stderr)
    return json.loads(run.stdout)


def check_time_medians(binary, paths, runs, mode=None):
    """Medians from the `check_time` example, when built: {path: median seconds}. `mode`
    None: the whole check of each order (parse excluded); "validity": the validity step alone
    on each ring file GEOS reads (shapely's `is_valid` counterpart). Exits if a valid input
    draws a finding."""
    if not binary or not os.path.exists(binary):
        if mode is None:
            print(f"no check-only timings: {binary} missing (cargo build --profile profiling --example check_time)",
                  file=sys.stderr)
        return {}
    flags = ["--validity"] if mode == "validity" else []
    count, median, what = (("faults", "validity_median", "the validity step found {} faults in a valid ring")
                           if mode == "validity" else
                           ("findings", "check_median", "the check found {} problems in a valid order"))
    run = subprocess.run([binary] + flags + ["--runs", str(runs)] + paths, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(run.stderr)
    out = {}
    for line in run.stdout.splitlines():
        row = json.loads(line)
        if row[count] != 0:
            sys.exit(f"{row['path']}: " + what.format(row[count]))
        out[row["path"]] = row[median]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary", nargs="?", default=os.path.join(ROOT, "target", "release", "tasking-ls"))
    ap.add_argument("--sizes", default="50000,100000,200000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--python", default=os.path.expanduser("~/.cache/tasking-ls/geos-venv/bin/python"))
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    ap.add_argument("--check-binary", default=os.path.join(target, "profiling", "examples", "check_time"))
    ap.add_argument("--generate-only", action="store_true")
    ap.add_argument("--docs", "--readme", dest="docs", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    files = generate(sizes)
    if args.generate_only:
        return
    geos = time_geos(args.python, [p[: -len(".json")] + ".ring.json" for _, _, _, p in files], args.runs)
    checks = check_time_medians(args.check_binary, [p for _, _, _, p in files], args.runs)
    validities = check_time_medians(args.check_binary, [p[: -len(".json")] + ".ring.json" for _, _, _, p in files],
                                    args.runs, "validity")
    rows = []
    for name, n, vertices, path in files:
        wall = time_validate(args.binary, path, args.runs)
        g = geos["times"][path[: -len(".json")] + ".ring.json"]
        check = checks.get(path)
        validity = validities.get(path[: -len(".json")] + ".ring.json")
        rows.append((name, n, vertices, wall, check, g, validity))
    load = os.getloadavg()
    lines = [
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"median of {args.runs} runs; GEOS {geos['geos']} through shapely; load average at the end "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}.",
        "",
        "| shape | vertices | tasking-ls check (parse excluded) | tasking-ls `validate` (whole process) "
        "| tasking-ls validity step alone | GEOS `is_valid` | validity step vs GEOS |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def ms(seconds):
        return f"{seconds * 1000:.1f} ms" if seconds is not None else "–"

    for name, n, vertices, wall, check, g, validity in rows:
        ratio = ("–" if not validity else f"{g / validity:.1f}× faster" if g >= validity
                 else f"{validity / g:.1f}× slower")
        lines.append(f"| {name} | {vertices:,} | {ms(check)} | {wall * 1000:.0f} ms | {ms(validity)} "
                     f"| {g * 1000:.1f} ms | {ratio} |")
    lines.append("")
    growth = []
    for name in SHAPES:
        by_n = {n: (c, w) for nm, n, _, w, c, _, _ in rows if nm == name}
        lo, hi = min(by_n), max(by_n)
        if by_n[lo][0] and by_n[hi][0]:
            growth.append(f"{name} {by_n[hi][0] / by_n[lo][0]:.1f}×")
    if growth:
        lines.append(f"Growth of the check time from {min(sizes):,} to {max(sizes):,} vertices: " + ", ".join(growth) + ".")
    text = "\n".join(lines)
    print(text)
    if args.docs:
        path = os.path.join(ROOT, "docs", "benchmarks.md")
        readme = open(path, encoding="utf-8").read()
        begin, end = "<!-- geometry-bench:begin -->", "<!-- geometry-bench:end -->"
        if begin in readme and end in readme:
            head, rest = readme.split(begin, 1)
            _, tail = rest.split(end, 1)
            open(path, "w", encoding="utf-8").write(head + begin + "\n" + text + "\n" + end + tail)
        else:
            print("docs/benchmarks.md has no geometry-bench markers", file=sys.stderr)


if __name__ == "__main__":
    main()
