#!/usr/bin/env python3
"""Differential test of tasking-ls's polygon validity against GEOS (through shapely).

Generates seeded random polygons of many families, writes each as an order file, runs
`tasking-ls validate --format json` once over all of them, and compares every verdict with
shapely's `is_valid` (GEOS IsValidOp). For families built with exactly one kind of fault,
the kind is compared too (`is_valid_reason` against the kind the diagnostic names).

Usage: differential.py BINARY [--cases-per-family N] [--seed S] [--keep DIR]
Exit status 0 when every case agrees; 1 with the disagreeing cases listed otherwise.

Coordinates are multiples of 1/64 degree (exact in binary floating point) around
(10 E, 45 N), so exact degeneracies (a vertex on an edge, collinear edges) survive the
trip through decimal text to both tools.

Where RFC 7946 and GEOS differ: GEOS is planar, so a ring across the antimeridian as
written ([179.9, ...] -> [-179.9, ...]) is for GEOS a band around the globe. RFC 7946
§3.1.9 says an edge takes the short way; tasking-ls unwraps longitudes before its checks.
The antimeridian family therefore gives shapely the unwrapped coordinates (longitudes
beyond 180), which is the polygon the user drew.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

from shapely.geometry import MultiPolygon, Polygon
from shapely.validation import explain_validity

PRODUCT = "bd102407-1814-4f92-8b5a-7697b7a73f5a"
# A product that also accepts MultiPolygons: the bundled schema with an anyOf.
MULTI_PRODUCT = "0d1ff000-0000-4000-8000-000000000001"
STEP = 1.0 / 64.0
CENTER = (10.0, 45.0)

# What the diagnostic message says -> GEOS reason, for the kind comparison.
KINDS = [
    ("passes twice through", "Ring Self-intersection"),
    ("crosses itself", "Self-intersection"),
    ("runs back along itself", "Self-intersection"),
    ("shares an edge with", "Self-intersection"),
    (" crosses ", "Self-intersection"),
    ("lies outside the exterior ring", "Hole lies outside shell"),
    ("holes may not nest", "Holes are nested"),
    ("may not overlap", "Nested shells"),
    ("interior in pieces", "Interior is disconnected"),
    ("fewer than 3 distinct", "Too few points"),
]
INVALID_CODES = {"geometry.self-intersection", "geometry.invalid", "geometry.too-few-positions"}
IGNORED_CODES = {"geometry.winding", "geometry.antimeridian"}
# Provider acceptance rules (a repeated vertex, too many vertices, a hole, the area limits)
# and feasibility run after validity and go beyond OGC's: GEOS has no opinion on them.
IGNORED_FAMILIES = ("aoi.", "feasibility.")


def lonlat(x, y):
    return [CENTER[0] + x * STEP, CENTER[1] + y * STEP]


def closed(ring):
    return ring + [ring[0]]


def maybe_reverse(rng, ring):
    return ring[::-1] if rng.random() < 0.5 else ring


def star(rng, cx, cy, r_min, r_max, n):
    """A star-shaped ring around (cx, cy) on the 1/64 grid (simple unless grid snapping
    makes two vertices meet, which the comparison handles like any other case)."""
    import math

    while True:
        pts = _star(rng, cx, cy, r_min, r_max, n, math)
        if len(pts) >= 3:
            return pts


def _star(rng, cx, cy, r_min, r_max, n, math):
    angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(n))
    pts = []
    for a in angles:
        r = rng.uniform(r_min, r_max)
        p = (round(cx + r * math.cos(a)), round(cy + r * math.sin(a)))
        if not pts or pts[-1] != p:
            pts.append(p)
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    return pts


def box(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def fam_simple(rng):
    return "valid", [[star(rng, 0, 0, 20, 60, rng.randint(3, 40))]]


def fam_repeated_points(rng):
    ring = star(rng, 0, 0, 20, 60, rng.randint(4, 20))
    i = rng.randrange(len(ring))
    ring = ring[: i + 1] + [ring[i]] * rng.randint(1, 3) + ring[i + 1 :]
    return "valid", [[ring]]


def fam_hole_inside(rng):
    shell = star(rng, 0, 0, 50, 70, rng.randint(8, 30))
    hole = star(rng, rng.randint(-10, 10), rng.randint(-10, 10), 5, 20, rng.randint(3, 12))
    return "valid", [[shell, hole]]


def fam_two_holes(rng):
    shell = box(-100, -100, 100, 100)
    a = star(rng, -50, 0, 10, 30, rng.randint(3, 10))
    b = star(rng, 50, 0, 10, 30, rng.randint(3, 10))
    return "valid", [[shell, a, b]]


def fam_hole_crossing(rng):
    shell = box(-50, -50, 50, 50)
    hole = star(rng, 50, rng.randint(-20, 20), 10, 25, rng.randint(3, 12))
    return "Self-intersection", [[shell, hole]]


def fam_hole_outside(rng):
    shell = star(rng, 0, 0, 20, 40, rng.randint(3, 20))
    hole = star(rng, 120, rng.randint(-50, 50), 5, 15, rng.randint(3, 10))
    return "Hole lies outside shell", [[shell, hole]]


def fam_hole_nested(rng):
    shell = box(-100, -100, 100, 100)
    outer = box(-60, -60, 60, 60)
    inner = star(rng, rng.randint(-10, 10), rng.randint(-10, 10), 5, 30, rng.randint(3, 10))
    holes = [outer, inner] if rng.random() < 0.5 else [inner, outer]
    return "Holes are nested", [[shell] + holes]


def fam_holes_overlapping(rng):
    shell = box(-100, -100, 100, 100)
    a = box(-60, -30, 10, 30)
    b = star(rng, 15, rng.randint(-10, 10), 15, 30, rng.randint(3, 10))
    return "Self-intersection", [[shell, a, b]]


def fam_hole_touch_once(rng):
    shell = box(-64, -64, 64, 64)
    y = rng.randint(-40, 40)
    hole = [(-64, y), (-30, y + rng.randint(5, 20)), (-30 + rng.randint(0, 20), y - rng.randint(5, 20))]
    return "valid", [[shell, hole]]


def fam_hole_touch_twice(rng):
    shell = box(-64, -64, 64, 64)
    y = rng.randint(-40, 40)
    if rng.random() < 0.5:
        # Two corners on the same side of the shell.
        hole = [(-64, y), (-20, y + 5), (-64, y + 16), (-10, y + 40)]
        return "Interior is disconnected", [[shell, hole]]
    # Across: touching both the left and the right side.
    hole = [(-64, y), (0, y + 10), (64, y), (0, y - 10)]
    return "Interior is disconnected", [[shell, hole]]


def fam_hole_chain(rng):
    shell = box(-64, -64, 64, 64)
    y = rng.randint(-30, 30)
    left = [(-64, y), (-30, y + 10), (-30, y - 10)]
    middle = [(-30, y), (0, y + 10), (30, y), (0, y - 10)]
    right = [(30, y), (64, y + 10), (64, y - 10)] if rng.random() < 0.5 else [(30, y), (50, y + 10), (50, y - 10)]
    expected = "Interior is disconnected" if right[1][0] == 64 else "valid"
    if right[1][0] == 64:
        # Keep the right hole touching the shell at one point only.
        right = [(30, y), (64, y), (50, y - 10)]
    return expected, [[shell, left, middle, right]]


def fam_bowtie(rng):
    a = rng.randint(10, 60)
    b = rng.randint(10, 60)
    ring = [(-a, -b), (a, b), (a, -b), (-a, b)]
    return "Self-intersection", [[ring]]


def fam_random_order(rng):
    n = rng.randint(4, 12)
    ring = [(rng.randint(-60, 60), rng.randint(-60, 60)) for _ in range(n)]
    return None, [[ring]]


def fam_spike(rng):
    ring = box(-40, -40, 40, 40)
    y = rng.randint(-30, 30)
    spike = [(40, y), (40 + rng.randint(5, 30), y + rng.choice([0, 1, 2]) * 2), (40, y)]
    ring = ring[:2] + spike + ring[2:]
    return "Self-intersection", [[ring]]


def fam_self_touching(rng):
    # Two lobes meeting at one vertex: a ring passing twice through (0, 0).
    a, b = rng.randint(10, 40), rng.randint(10, 40)
    ring = [(0, 0), (-a, -b), (-a, b), (0, 0), (a, b), (a, -b)]
    if rng.random() < 0.5:
        # The second pass through the point is inside an edge, not at a vertex.
        ring = [(0, 0), (-a, -b), (-a, b), (0, b), (0, 0), (a, 0), (a, -b), (0, -b)]
        return None, [[ring]]
    return "Ring Self-intersection", [[ring]]


def fam_zero_area(rng):
    n = rng.randint(2, 5)
    pts = [(i * 7, i * 3) for i in range(n + 1)]
    ring = pts + pts[-2:0:-1]
    return "Self-intersection", [[ring]]


def fam_grid(rng):
    """Random rings on a tiny grid with random holes: every degeneracy at once."""
    def ring():
        n = rng.randint(3, 8)
        return [(rng.randint(0, 6) * 8, rng.randint(0, 6) * 8) for _ in range(n)]

    rings = [ring() for _ in range(rng.choice([1, 1, 2, 3]))]
    return None, [rings]


def fam_grid_star(rng):
    shell = star(rng, 0, 0, 3, 6, rng.randint(4, 10))
    holes = [star(rng, rng.randint(-2, 2), rng.randint(-2, 2), 1, 3, rng.randint(3, 5)) for _ in range(rng.randint(0, 2))]
    return None, [[shell] + holes]


def fam_antimeridian(rng):
    shell = star(rng, 0, 0, 20, 60, rng.randint(3, 25))
    rings = [shell]
    if rng.random() < 0.5:
        rings.append(star(rng, rng.randint(-5, 5), rng.randint(-5, 5), 3, 10, rng.randint(3, 8)))
    return None, [rings]


def fam_multi(rng):
    a = star(rng, -40, 0, 10, 30, rng.randint(3, 15))
    kind = rng.choice(["apart", "overlap", "nested", "touch", "in_hole"])
    if kind == "apart":
        return "valid", [[a], [star(rng, 40, 0, 10, 30, rng.randint(3, 15))]]
    if kind == "overlap":
        return "Self-intersection", [[box(-40, -40, 40, 40)], [star(rng, 40, 0, 10, 30, rng.randint(3, 15))]]
    if kind == "nested":
        return "Nested shells", [[box(-80, -80, 80, 80)], [star(rng, 0, 0, 10, 30, rng.randint(3, 15))]]
    if kind == "touch":
        return "valid", [[box(-40, -40, 0, 40)], [[(0, 0), (30, -20), (30, 20)]]]
    return "valid", [[box(-80, -80, 80, 80), box(-50, -50, 50, 50)], [star(rng, 0, 0, 10, 30, rng.randint(3, 15))]]


def fam_big_star(rng):
    """A star of 4,200 to 8,000 vertices (over 4,096: the size where the star test looks from
    a sample of the vertices), sometimes tangled by one swapped pair or one vertex pulled
    across the centre; on the grid, so that touches and collinear edges occur."""
    # On a 64 times finer grid than the other families (still exact in binary): at 1/64
    # degree, thousands of nearly radial edges would mostly end in spikes.
    ring = [(x / 64, y / 64) for x, y in star(rng, 0, 0, 600 * 64, 2000 * 64, rng.randint(4200, 8000))]
    kind = rng.choice(["plain", "swap", "pulled"])
    if kind == "swap":
        i, j = rng.randrange(len(ring)), rng.randrange(len(ring))
        ring[i], ring[j] = ring[j], ring[i]
    elif kind == "pulled":
        i = rng.randrange(len(ring))
        ring[i] = (-ring[i][0] // 5, -ring[i][1] // 5)
    ring = [p for k, p in enumerate(ring) if k == 0 or p != ring[k - 1]]
    return None, [[ring]]


def fam_big_spiral(rng):
    """A spiral band of 2 to 4 turns and 4,200 to 8,000 vertices, whose monotone chains are
    hundreds of edges long; some bands are too wide for their turns (they cross), some have
    one vertex moved, some a hole. On the finer grid of `fam_big_star`."""
    import math

    turns = rng.randint(2, 4)
    half = rng.randint(2100, 4000)
    width = rng.choice([0.1, 0.3, 0.6]) / turns

    def arm(i, offset):
        t = i / half
        a = t * turns * 2 * math.pi
        r = (0.15 + t + offset) * 1800
        return (round(r * math.cos(a) * 64) / 64, round(r * math.sin(a) * 64) / 64)

    ring = [arm(i, width) for i in range(half)] + [arm(i, -width) for i in reversed(range(half))]
    if rng.random() < 0.3:
        i = rng.randrange(len(ring))
        ring[i] = (ring[i][0] + rng.randint(-40, 40), ring[i][1] + rng.randint(-40, 40))
    ring = [p for k, p in enumerate(ring) if k == 0 or p != ring[k - 1]]
    if ring[0] == ring[-1]:
        ring.pop()
    rings = [ring]
    if rng.random() < 0.3:
        cx, cy = rng.randint(-1500, 1500), rng.randint(-1500, 1500)
        rings.append(star(rng, cx, cy, 30, 120, rng.randint(20, 200)))
    return None, [rings]


FAMILIES = [
    fam_simple, fam_repeated_points, fam_hole_inside, fam_two_holes, fam_hole_crossing,
    fam_hole_outside, fam_hole_nested, fam_holes_overlapping, fam_hole_touch_once,
    fam_hole_touch_twice, fam_hole_chain, fam_bowtie, fam_random_order, fam_spike,
    fam_self_touching, fam_zero_area, fam_grid, fam_grid_star, fam_antimeridian, fam_multi,
    fam_big_star, fam_big_spiral,
]


def to_lonlat(polygons, antimeridian):
    """Grid polygons -> (written coordinates, coordinates for shapely)."""
    written, shapely_coords = [], []
    for rings in polygons:
        w_rings, s_rings = [], []
        for ring in rings:
            pts = [lonlat(x, y) for x, y in closed(list(ring))]
            if antimeridian:
                pts_s = [[p[0] + 170.0, p[1]] for p in pts]
                pts_w = [[p[0] - 360.0 if p[0] > 180.0 else p[0], p[1]] for p in pts_s]
            else:
                pts_s = pts_w = pts
            w_rings.append(pts_w)
            s_rings.append(pts_s)
        written.append(w_rings)
        shapely_coords.append(s_rings)
    return written, shapely_coords


def order(coords, multi):
    if multi:
        geometry = {"type": "MultiPolygon", "coordinates": coords}
    else:
        geometry = {"type": "Polygon", "coordinates": coords[0]}
    return {
        "dataProduct": MULTI_PRODUCT if multi else PRODUCT,
        "params": {
            "displayName": "differential",
            "acquisitionStart": "2031-08-01T00:00:00Z",
            "acquisitionEnd": "2031-09-01T00:00:00Z",
            "acquisitionMode": "mono",
            "radiometricProcessing": "reflectance",
            "geometricProcessing": "ortho",
            "spectralProcessing": "bundle",
            "deliveredAs": "geotiff",
            "geometry": geometry,
            "cloudCoverage": 10,
            "incidenceAngle": 10,
            "pixelCoding": "12bits",
            "projection": "4326",
        },
    }


def multi_schema(repo):
    with open(os.path.join(repo, "schemas-cache", PRODUCT + ".json")) as f:
        schema = json.load(f)
    polygon = schema["definitions"]["Polygon"]
    multi = json.loads(json.dumps(polygon))
    multi["title"] = "MultiPolygon"
    multi["properties"]["type"] = {"type": "string", "const": "MultiPolygon"}
    multi["properties"]["coordinates"] = {"type": "array", "items": polygon["properties"]["coordinates"]}
    schema["definitions"]["MultiPolygon"] = multi
    schema["properties"]["geometry"] = {
        "title": "Geometry",
        "anyOf": [{"$ref": "#/definitions/Polygon"}, {"$ref": "#/definitions/MultiPolygon"}],
    }
    return schema


def geos_verdict(coords, multi):
    polygons = [Polygon(rings[0], rings[1:]) for rings in coords]
    geom = MultiPolygon(polygons) if multi else polygons[0]
    reason = explain_validity(geom)
    return geom.is_valid, reason.split("[")[0].strip()


def our_kinds(diagnostics):
    kinds = set()
    for d in diagnostics:
        if d["code"] not in INVALID_CODES:
            continue
        for needle, kind in KINDS:
            if needle in d["message"]:
                kinds.add(kind)
                break
    return kinds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--cases-per-family", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--keep")
    args = parser.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    rng = random.Random(args.seed)
    work = args.keep or tempfile.mkdtemp(prefix="tasking-ls-geos-")
    orders = os.path.join(work, "orders")
    schemas = os.path.join(work, "schemas")
    os.makedirs(orders, exist_ok=True)
    os.makedirs(schemas, exist_ok=True)
    with open(os.path.join(schemas, MULTI_PRODUCT + ".json"), "w") as f:
        json.dump(multi_schema(repo), f)
    cases = {}
    for family in FAMILIES:
        for i in range(args.cases_per_family):
            expected, polygons = family(rng)
            polygons = [[maybe_reverse(rng, r) for r in rings] for rings in polygons]
            multi = family is fam_multi
            written, for_geos = to_lonlat(polygons, family is fam_antimeridian)
            name = f"{family.__name__[4:]}_{i:03d}_tasking_request.json"
            path = os.path.join(orders, name)
            with open(path, "w") as f:
                json.dump(order(written, multi), f)
            cases[path] = (family.__name__[4:], expected, for_geos, multi)
    run = subprocess.run(
        [args.binary, "validate", "--offline", "--format", "json", "--schema-dir", schemas, orders],
        capture_output=True,
        text=True,
    )
    if run.returncode not in (0, 1):
        print(run.stderr, file=sys.stderr)
        sys.exit(f"tasking-ls validate exited {run.returncode}")
    by_file = {}
    for d in json.loads(run.stdout or "[]"):
        by_file.setdefault(os.path.abspath(d["file"]), []).append(d)
    disagreements = []
    kind_checked = 0
    generator_misses = 0
    per_family = {}
    for path, (family, expected, coords, multi) in cases.items():
        diagnostics = by_file.get(os.path.abspath(path), [])
        unexpected = [d for d in diagnostics if d["code"] not in INVALID_CODES | IGNORED_CODES
                      and not d["code"].startswith(IGNORED_FAMILIES)]
        ours_valid = not any(d["code"] in INVALID_CODES for d in diagnostics)
        geos_valid, reason = geos_verdict(coords, multi)
        stats = per_family.setdefault(family, [0, 0])
        stats[0] += 1
        stats[1] += 0 if geos_valid else 1
        problem = None
        generator_missed = expected is not None and (expected == "valid") != geos_valid
        generator_misses += generator_missed
        if unexpected:
            problem = f"unexpected diagnostics {[(d['code'], d['message']) for d in unexpected]}"
        elif ours_valid != geos_valid:
            problem = f"tasking-ls valid={ours_valid}, GEOS valid={geos_valid} ({reason})"
        elif expected is not None and not geos_valid and not generator_missed:
            kind_checked += 1
            kinds = our_kinds(diagnostics)
            # When a ring both passes twice through a point and runs back along itself (a
            # spike returning to its base), GEOS names whichever its noder meets first, so
            # the two ring-intersection kinds count as one there; a pure self-touch must
            # still be called one.
            ring_kinds = {"Self-intersection", "Ring Self-intersection"}
            same_group = reason in ring_kinds and kinds & ring_kinds and family != "self_touching"
            if reason not in kinds and not same_group:
                problem = f"GEOS says {reason!r}, tasking-ls says {sorted(kinds)}"
        if problem:
            disagreements.append((path, problem, [d["message"] for d in diagnostics]))
    total = len(cases)
    print(f"{total} polygons in {len(FAMILIES)} families (seed {args.seed}); "
          f"{sum(s[1] for s in per_family.values())} invalid for GEOS; kinds compared on {kind_checked} "
          f"({generator_misses} generated cases came out other than their family intended and "
          f"were compared on the verdict only)")
    for family, (n, invalid) in per_family.items():
        print(f"  {family:18} {n:4} cases, {invalid:4} invalid")
    if disagreements:
        print(f"{len(disagreements)} disagreements:")
        for path, problem, messages in disagreements[:40]:
            print(f"- {path}: {problem}")
            for m in messages[:3]:
                print(f"    {m}")
        sys.exit(1)
    print("tasking-ls and GEOS agree on every case")


if __name__ == "__main__":
    main()
