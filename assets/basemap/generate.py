#!/usr/bin/env python3
"""Builds assets/basemap/natural-earth.bin, the basemap embedded in tasking-ls (src/render/basemap.rs).

Input: the npm package world-atlas 2.0.2 (Mike Bostock's TopoJSON of Natural Earth 1:110m and
1:50m; the data is public domain, the package ISC), unpacked:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python3 assets/basemap/generate.py package/ assets/basemap/natural-earth.bin

Output (little-endian), two levels, 1:110m then 1:50m:
    b"NEB1", u8 level count
    per level: f64 scale_x, scale_y, translate_x, translate_y (lon = q * scale + translate)
               varint land ring count, then each ring: varint n, n points
               varint border line count, then each line: varint n, n points
    a point is two zigzag varints: the quantised (x, y) minus the previous point's
    (the first point of each line minus (0, 0)).
Land rings come from the `land` object (coastlines are their outlines); borders are the arcs
that two `countries` share (as topojson-client's mesh(a !== b)). Standard library only.
"""
import json
import struct
import sys
from pathlib import Path


def decode_arcs(topology):
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x, y))
        arcs.append(points)
    return arcs


def arc_points(arcs, index):
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def ring_points(arcs, ring):
    points = []
    for index in ring:
        part = arc_points(arcs, index)
        points.extend(part if not points else part[1:])
    return points


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def varint(value, out):
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return


def zigzag(value):
    return (value << 1) ^ (value >> 63) if value < 0 else value << 1


def write_line(points, out):
    varint(len(points), out)
    px = py = 0
    for x, y in points:
        varint(zigzag(x - px), out)
        varint(zigzag(y - py), out)
        px, py = x, y


def level(countries_path, out):
    countries = json.loads(Path(countries_path).read_text())
    transform = countries["transform"]
    # Land rings from the countries file's own `land` object, so both share one quantisation.
    arcs = decode_arcs(countries)
    rings = []
    for geometry in countries["objects"]["land"]["geometries"]:
        for polygon in polygons(geometry):
            for ring in polygon:
                rings.append(ring_points(arcs, ring))
    users = {}
    for geometry in countries["objects"]["countries"]["geometries"]:
        for polygon in polygons(geometry):
            for ring in polygon:
                for index in ring:
                    arc = index if index >= 0 else ~index
                    users.setdefault(arc, set()).add(id(geometry))
    borders = [arcs[a] for a, who in sorted(users.items()) if len(who) > 1]
    sx, sy = transform["scale"]
    tx, ty = transform["translate"]
    out += struct.pack("<4d", sx, sy, tx, ty)
    varint(len(rings), out)
    for ring in rings:
        write_line(ring, out)
    varint(len(borders), out)
    for line in borders:
        write_line(line, out)
    points = sum(map(len, rings)) + sum(map(len, borders))
    return len(rings), len(borders), points


def main():
    package, output = Path(sys.argv[1]), Path(sys.argv[2])
    out = bytearray(b"NEB1")
    out.append(2)
    for scale in ("110m", "50m"):
        # countries-*.json holds the land object too (land-*.json is the same, alone).
        counts = level(package / f"countries-{scale}.json", out)
        print(f"1:{scale}: {counts[0]} land rings, {counts[1]} border lines, {counts[2]} points")
    output.write_bytes(bytes(out))
    print(f"{output}: {len(out)} bytes")


if __name__ == "__main__":
    main()
