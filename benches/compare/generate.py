#!/usr/bin/env python3
"""Generate N order request files, variations of the seed order.

    python3 benches/compare/generate.py OUT_DIR [--count 10000] [--seed 42]

Each file is `OUT_DIR/order_NNNNN_tasking_request.json`: the seed order
(examples/pleiades_analytic_mono_tasking_request.json) with a different
displayName, an acquisition window in 2027, cloudCoverage, incidenceAngle,
acquisitionMode among mono/stereo/tristereo, and a counter-clockwise, closed,
simple polygon of 5-50 vertices (star-shaped around a random centre).  About
1% of the files carry one error that a JSON Schema validator also sees (bad
enum value, number out of range, missing required property, wrong type,
unknown property, bad date-time), so every tool has some errors to report.
Deterministic for a given --seed.  Stdlib only.
"""
import argparse
import json
import math
import os
import random
import re
import sys
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "..", "..", "examples", "pleiades_analytic_mono_tasking_request.json")

MODES = ["mono", "stereo", "tristereo"]
ERRORS = [
    ("bad-enum", lambda p: p.__setitem__("geometricProcessing", "ortho-rectified")),
    ("bad-enum-mode", lambda p: p.__setitem__("acquisitionMode", "quadstereo")),
    ("range", lambda p: p.__setitem__("cloudCoverage", 150)),
    ("missing", lambda p: p.pop("pixelCoding")),
    ("type", lambda p: p.__setitem__("incidenceAngle", "ten")),
    ("additional", lambda p: p.__setitem__("cloudCover", 10)),
    ("format", lambda p: p.__setitem__("acquisitionEnd", "2027-13-45")),
]


def polygon(rng, max_vertices=50):
    n = rng.randint(5, max_vertices)  # distinct vertices; the ring has n + 1 positions
    lon0 = rng.uniform(-170, 170)
    lat0 = rng.uniform(-60, 60)
    r = rng.uniform(0.01, 0.3)
    ring = []
    for i in range(n):
        a = 2 * math.pi * i / n  # increasing angle: counter-clockwise
        rr = r * rng.uniform(0.6, 1.0)
        ring.append([round(lon0 + rr * math.cos(a), 6), round(lat0 + rr * math.sin(a), 6)])
    ring.append(list(ring[0]))
    return {"type": "Polygon", "coordinates": [ring]}


POSITION = re.compile(r"\[\s+(-?[0-9.eE+-]+),\s+(-?[0-9.eE+-]+)\s+\]")


def dumps(order):
    """2-space JSON like the seed, one position per line: `[-79.6418, 9.0727]`."""
    text = json.dumps(order, indent=2, ensure_ascii=False)
    return POSITION.sub(r"[\1, \2]", text) + "\n"


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--error-rate", type=float, default=0.01)
    ap.add_argument("--max-vertices", type=int, default=50,
                    help="polygons of 5..N distinct vertices (200 gives ~4 KB files, 42 MB for 10,000)")
    args = ap.parse_args()

    with open(SEED, encoding="utf-8") as f:
        seed = json.load(f)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    base = datetime(2027, 1, 1, tzinfo=timezone.utc)
    n_err = 0
    error_every = max(1, round(1 / args.error_rate)) if args.error_rate > 0 else 0
    for i in range(args.count):
        order = json.loads(json.dumps(seed))
        p = order["params"]
        p["displayName"] = f"Order {i:05d}: {rng.choice(['Panama', 'Lyon', 'Nairobi', 'Perth', 'Oslo', 'Lima'])} {rng.choice(['canal', 'harbour', 'fields', 'forest', 'city'])} survey"
        start = base + timedelta(days=rng.randint(0, 300), hours=rng.randint(0, 23))
        end = start + timedelta(days=rng.randint(1, 60))
        p["acquisitionStart"] = iso(start)
        p["acquisitionEnd"] = iso(end)
        p["acquisitionMode"] = rng.choice(MODES)
        p["cloudCoverage"] = rng.randint(0, 100)
        p["incidenceAngle"] = rng.randint(0, 90)
        p["geometry"] = polygon(rng, args.max_vertices)
        if error_every and i % error_every == error_every // 2:
            ERRORS[n_err % len(ERRORS)][1](p)
            n_err += 1
        path = os.path.join(args.out, f"order_{i:05d}_tasking_request.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(dumps(order))
    print(f"generated {args.count} files in {args.out} ({n_err} with one error)", file=sys.stderr)


if __name__ == "__main__":
    main()
