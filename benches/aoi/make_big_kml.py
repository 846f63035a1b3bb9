#!/usr/bin/env python3
"""Writes a large KML laid out as Google Earth saves it, for timing `tasking-ls aoi` on it:
N placemarks (default: enough for 50 MB), each a 120-vertex polygon with altitudes, in a
Folder, plus one pin. Usage: make_big_kml.py OUT.kml [--mb 50]"""
import math
import random
import sys

out = sys.argv[1]
mb = float(sys.argv[sys.argv.index("--mb") + 1]) if "--mb" in sys.argv else 50.0
rng = random.Random(7)
head = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
\t<name>big.kml</name>
\t<Folder>
\t\t<name>Fields</name>
"""
with open(out, "w") as f:
    f.write(head)
    size, i = len(head), 0
    while size < mb * 1e6:
        cx, cy = rng.uniform(-170, 170), rng.uniform(-60, 60)
        r = rng.uniform(0.005, 0.05)
        ring = []
        for k in range(120):
            a = 2 * math.pi * k / 120
            rr = r * (1 + 0.2 * math.sin(5 * a))
            ring.append(f"{cx + rr * math.cos(a):.7f},{cy + rr * math.sin(a):.7f},0")
        ring.append(ring[0])
        text = (f"\t\t<Placemark>\n\t\t\t<name>Field {i + 1}</name>\n\t\t\t<styleUrl>#m_ylw-pushpin</styleUrl>\n"
                f"\t\t\t<Polygon>\n\t\t\t\t<tessellate>1</tessellate>\n\t\t\t\t<outerBoundaryIs>\n\t\t\t\t\t<LinearRing>\n"
                f"\t\t\t\t\t\t<coordinates>\n\t\t\t\t\t\t\t{' '.join(ring)} \n\t\t\t\t\t\t</coordinates>\n"
                f"\t\t\t\t\t</LinearRing>\n\t\t\t\t</outerBoundaryIs>\n\t\t\t</Polygon>\n\t\t</Placemark>\n")
        f.write(text)
        size += len(text)
        i += 1
    f.write("\t</Folder>\n</Document>\n</kml>\n")
print(out, i, "placemarks", round(size / 1e6, 1), "MB")
