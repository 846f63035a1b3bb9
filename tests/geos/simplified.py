"""GEOS's verdict on the simplify fix's results (issue 22): every file in DIR (written by
`TASKING_LS_SIMPLIFY_DUMP=DIR cargo test --test it aoi_simplify`, one GeoJSON Polygon or
MultiPolygon per generated case) must be valid by shapely's `is_valid` (GEOS: rings simple
and closed, holes inside, parts apart) and have at most 999 positions.

    python simplified.py DIR [--limit 999]
"""
import argparse
import json
import os
import sys

import shapely
from shapely.geometry import shape


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--limit", type=int, default=999)
    args = ap.parse_args()
    names = sorted(n for n in os.listdir(args.dir) if n.endswith(".json"))
    if not names:
        sys.exit(f"no cases in {args.dir}: the test wrote nothing")
    bad = []
    for name in names:
        with open(os.path.join(args.dir, name), encoding="utf-8") as f:
            geometry = json.load(f)
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        positions = sum(len(ring) for polygon in polygons for ring in polygon)
        g = shape(geometry)
        if not g.is_valid:
            bad.append(f"{name}: GEOS says invalid: {shapely.is_valid_reason(g)}")
        if positions > args.limit:
            bad.append(f"{name}: {positions} positions, over {args.limit}")
    print(f"{len(names)} simplified polygons checked by GEOS {shapely.geos_version_string}: "
          f"{len(names) - len(bad)} valid within {args.limit} positions")
    if bad:
        print("\n".join(bad[:50]))
        sys.exit(1)


if __name__ == "__main__":
    main()
