#!/usr/bin/env python3
"""Writes the AOI import fixtures with tools other than tasking-ls, and the coordinates each
import must give (tests/aoi/fixtures/expected.json).

- shapefiles: pyshp (the reference pure-Python writer), .prj from pyproj's CRS.to_wkt
  (ESRI WKT 1 for EPSG:3857 and EPSG:32633, GDAL's WKT 1 for EPSG:32719, zipped);
- KML and KMZ: laid out as Google Earth Pro 7.3 saves "Save Place As..." (Document, styles,
  StyleMap, Placemark with tessellate and altitudes, coordinates space-separated);
- WKT with a hole and its WKB (ISO, little-endian, hex), as PostGIS prints them;
- a GeoJSON FeatureCollection of three features, as geojson.io exports it.

Projected fixtures: the source polygons are drawn in WGS84 degrees, projected with pyproj
(always_xy) to the file's system, and the expected WGS84 values are pyproj's inverse of the
written metres, so the test compares tasking-ls's reprojection with PROJ's.

Run with a Python that has pyshp 3.1.6 and pyproj 3.7 (tests/aoi/run.sh makes the venv);
`--check` regenerates into a temporary folder and fails when expected.json would change.
"""
import io
import json
import os
import struct
import sys
import tempfile
import zipfile

import pyproj
import shapefile

HERE = os.path.dirname(os.path.abspath(__file__))

# Drawn in degrees: (name, exterior, holes); exteriors counter-clockwise as RFC 7946 wants.
FIELDS_BERLIN = [
    ("North field", [(13.3501, 52.5203), (13.3702, 52.5204), (13.3705, 52.5301), (13.3498, 52.5299), (13.3501, 52.5203)], []),
    ("South field", [(13.3601, 52.5001), (13.3803, 52.5002), (13.3801, 52.5100), (13.3599, 52.5098), (13.3601, 52.5001)],
     [[(13.3650, 52.5040), (13.3650, 52.5060), (13.3700, 52.5060), (13.3700, 52.5040), (13.3650, 52.5040)]]),
]
VIENNA = [("Danube island", [(16.4012, 48.2301), (16.4305, 48.2203), (16.4411, 48.2408), (16.4102, 48.2512), (16.4012, 48.2301)],
           [[(16.4150, 48.2320), (16.4250, 48.2300), (16.4260, 48.2380), (16.4150, 48.2320)]])]
SANTIAGO = [("Vineyard", [(-70.6512, -33.4510), (-70.6203, -33.4498), (-70.6199, -33.4301), (-70.6507, -33.4305), (-70.6512, -33.4510)], [])]


def transformer(epsg):
    return pyproj.Transformer.from_crs(4326, epsg, always_xy=True)


def back(epsg):
    return pyproj.Transformer.from_crs(epsg, 4326, always_xy=True)


def clockwise(ring):
    area2 = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))
    return list(reversed(ring)) if area2 > 0 else ring


def write_shapefile(folder, stem, epsg, features, prj_wkt):
    """Projects the features to `epsg`, writes stem.shp/.shx/.dbf/.prj with pyshp, returns
    the expected WGS84 polygons (pyproj's inverse of the written metres)."""
    fwd, inv = transformer(epsg), back(epsg)
    expected = []
    with shapefile.Writer(os.path.join(folder, stem), shapeType=shapefile.POLYGON) as w:
        w.field("NAME", "C", size=40)
        w.field("AREA_HA", "N", size=12, decimal=2)
        for name, exterior, holes in features:
            rings = [[fwd.transform(x, y) for x, y in r] for r in [exterior] + holes]
            # The shapefile rule: outer rings clockwise, holes counter-clockwise.
            written = [clockwise(rings[0])] + [list(reversed(clockwise(h))) for h in rings[1:]]
            w.poly(written)
            w.record(name, 0)
            wgs = [[list(inv.transform(x, y)) for x, y in r] for r in written]
            expected.append({"name": name, "polygons": [wgs]})
    with open(os.path.join(folder, stem + ".prj"), "w") as f:
        f.write(prj_wkt)
    return expected


GOOGLE_EARTH_KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2" xmlns:kml="http://www.opengis.net/kml/2.2" xmlns:atom="http://www.w3.org/2005/Atom">
<Document>
\t<name>{name}.kml</name>
\t<Style id="s_ylw-pushpin_hl">
\t\t<IconStyle>
\t\t\t<scale>1.3</scale>
\t\t\t<Icon>
\t\t\t\t<href>http://maps.google.com/mapfiles/kml/pushpin/ylw-pushpin.png</href>
\t\t\t</Icon>
\t\t\t<hotSpot x="20" y="2" xunits="pixels" yunits="pixels"/>
\t\t</IconStyle>
\t</Style>
\t<StyleMap id="m_ylw-pushpin">
\t\t<Pair>
\t\t\t<key>normal</key>
\t\t\t<styleUrl>#s_ylw-pushpin</styleUrl>
\t\t</Pair>
\t\t<Pair>
\t\t\t<key>highlight</key>
\t\t\t<styleUrl>#s_ylw-pushpin_hl</styleUrl>
\t\t</Pair>
\t</StyleMap>
\t<Style id="s_ylw-pushpin">
\t\t<IconStyle>
\t\t\t<scale>1.1</scale>
\t\t\t<Icon>
\t\t\t\t<href>http://maps.google.com/mapfiles/kml/pushpin/ylw-pushpin.png</href>
\t\t\t</Icon>
\t\t\t<hotSpot x="20" y="2" xunits="pixels" yunits="pixels"/>
\t\t</IconStyle>
\t\t<PolyStyle>
\t\t\t<fill>0</fill>
\t\t</PolyStyle>
\t</Style>
\t<Folder>
\t\t<name>My Places</name>
\t\t<open>1</open>
\t\t<Placemark>
\t\t\t<name>Parking</name>
\t\t\t<LookAt>
\t\t\t\t<longitude>2.3501</longitude>
\t\t\t\t<latitude>48.8502</latitude>
\t\t\t\t<altitude>0</altitude>
\t\t\t\t<heading>0</heading>
\t\t\t\t<tilt>0</tilt>
\t\t\t\t<range>1000</range>
\t\t\t\t<gx:altitudeMode>relativeToSeaFloor</gx:altitudeMode>
\t\t\t</LookAt>
\t\t\t<styleUrl>#m_ylw-pushpin</styleUrl>
\t\t\t<Point>
\t\t\t\t<gx:drawOrder>1</gx:drawOrder>
\t\t\t\t<coordinates>2.3501,48.8502,0</coordinates>
\t\t\t</Point>
\t\t</Placemark>
\t\t<Placemark>
\t\t\t<name>{polygon_name}</name>
\t\t\t<styleUrl>#m_ylw-pushpin</styleUrl>
\t\t\t<Polygon>
\t\t\t\t<tessellate>1</tessellate>
\t\t\t\t<outerBoundaryIs>
\t\t\t\t\t<LinearRing>
\t\t\t\t\t\t<coordinates>
\t\t\t\t\t\t\t{outer} 
\t\t\t\t\t\t</coordinates>
\t\t\t\t\t</LinearRing>
\t\t\t\t</outerBoundaryIs>
\t\t\t\t<innerBoundaryIs>
\t\t\t\t\t<LinearRing>
\t\t\t\t\t\t<coordinates>
\t\t\t\t\t\t\t{inner} 
\t\t\t\t\t\t</coordinates>
\t\t\t\t\t</LinearRing>
\t\t\t\t</innerBoundaryIs>
\t\t\t</Polygon>
\t\t</Placemark>
\t</Folder>
</Document>
</kml>
"""

PARIS = ("Jardin du Luxembourg",
         [(2.3319213, 48.8485146), (2.3392307, 48.8449217), (2.3418734, 48.8470102), (2.3372981, 48.8507612), (2.3319213, 48.8485146)],
         [[(2.3360001, 48.8480002), (2.3370003, 48.8470004), (2.3380005, 48.8480006), (2.3360001, 48.8480002)]])


def kml_coordinates(ring):
    # Google Earth writes every position with its altitude, positions separated by a space.
    return " ".join(f"{x!r},{y!r},0" for x, y in ring)


def wkb_polygon(rings):
    """ISO WKB, little-endian (byte order 1), type 3 = Polygon."""
    out = struct.pack("<BII", 1, 3, len(rings))
    for ring in rings:
        out += struct.pack("<I", len(ring))
        for x, y in ring:
            out += struct.pack("<dd", x, y)
    return out


def wkt_ring(ring):
    return "(" + ", ".join(f"{x!r} {y!r}" for x, y in ring) + ")"


def make(folder):
    expected = {}

    # GeoJSON: three features, as geojson.io exports (properties first, then geometry).
    features = [
        {"type": "Feature", "properties": {"name": n}, "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in r] for r in [e] + h]}}
        for n, e, h in FIELDS_BERLIN + VIENNA
    ]
    with open(os.path.join(folder, "three_features.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, indent=2)
    expected["three_features.geojson"] = {"crs": 4326, "features": [
        {"name": n, "polygons": [[[list(p) for p in r] for r in [e] + h]]} for n, e, h in FIELDS_BERLIN + VIENNA]}

    # KML and KMZ as Google Earth writes them.
    name, outer, holes = PARIS
    kml = GOOGLE_EARTH_KML.format(name="luxembourg", polygon_name=name, outer=kml_coordinates(outer), inner=kml_coordinates(holes[0]))
    with open(os.path.join(folder, "google_earth.kml"), "w", newline="\n") as f:
        f.write(kml)
    with zipfile.ZipFile(os.path.join(folder, "google_earth.kmz"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doc.kml", kml)
    paris = [{"name": "Parking", "polygons": []}, {"name": name, "polygons": [[[list(p) for p in r] for r in [outer] + holes]]}]
    expected["google_earth.kml"] = {"crs": 4326, "features": paris}
    expected["google_earth.kmz"] = {"crs": 4326, "features": paris}

    # WKT with a hole, and the same polygon as WKB hex.
    name, exterior, holes = FIELDS_BERLIN[1]
    with open(os.path.join(folder, "hole.wkt"), "w") as f:
        f.write("POLYGON (" + ", ".join(wkt_ring(r) for r in [exterior] + holes) + ")\n")
    with open(os.path.join(folder, "hole.wkb"), "w") as f:
        f.write(wkb_polygon([exterior] + holes).hex().upper() + "\n")
    rings = [[list(p) for p in r] for r in [exterior] + holes]
    expected["hole.wkt"] = {"crs": 4326, "features": [{"name": None, "polygons": [rings]}]}
    expected["hole.wkb"] = {"crs": 4326, "features": [{"name": None, "polygons": [rings]}]}

    # Shapefiles: Web Mercator and UTM 33N with ESRI .prj files, UTM 19S zipped with GDAL's.
    esri = pyproj.enums.WktVersion.WKT1_ESRI
    gdal = pyproj.enums.WktVersion.WKT1_GDAL
    expected["berlin_3857.shp"] = {"crs": 3857, "features": write_shapefile(
        folder, "berlin_3857", 3857, FIELDS_BERLIN, pyproj.CRS(3857).to_wkt(esri))}
    expected["vienna_utm33n.shp"] = {"crs": 32633, "features": write_shapefile(
        folder, "vienna_utm33n", 32633, VIENNA, pyproj.CRS(32633).to_wkt(esri))}
    with tempfile.TemporaryDirectory() as tmp:
        sant = write_shapefile(tmp, "santiago_utm19s", 32719, SANTIAGO, pyproj.CRS(32719).to_wkt(gdal))
        with zipfile.ZipFile(os.path.join(folder, "santiago_utm19s.zip"), "w", zipfile.ZIP_DEFLATED) as z:
            for ext in ("shp", "shx", "dbf", "prj"):
                z.write(os.path.join(tmp, f"santiago_utm19s.{ext}"), f"santiago_utm19s.{ext}")
    expected["santiago_utm19s.zip"] = {"crs": 32719, "features": sant}

    # Reference points for the projections alone, across each system's domain: UTM up to 3°
    # (and 6°) from the central meridian at the equator, mid and high latitudes, both
    # hemispheres; Web Mercator to 85°. [epsg, x, y, lon, lat] with pyproj's inverse.
    points = []
    for epsg, lon0 in ((32633, 15.0), (32719, -69.0), (32601, -177.0), (32760, 177.0)):
        south = epsg > 32700
        for dlon in (0.0, 0.5, 2.9, 3.0, 6.0):
            for lat in (0.1, 15.0, 45.0, 70.0, 84.0):
                x, y = transformer(epsg).transform(lon0 + dlon, -lat if south else lat)
                lon_back, lat_back = back(epsg).transform(x, y)
                points.append([epsg, x, y, lon_back, lat_back])
    for lon, lat in ((0.0, 0.0), (13.4, 52.5), (-179.9, -85.0), (151.2, -33.9)):
        x, y = transformer(3857).transform(lon, lat)
        points.append([3857, x, y] + list(back(3857).transform(x, y)))
    expected["_projection_points"] = points

    expected["_generator"] = f"tests/aoi/make_fixtures.py with pyshp {shapefile.__version__}, pyproj {pyproj.__version__} (PROJ {pyproj.proj_version_str})"
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    fixtures = os.path.join(HERE, "fixtures")
    if "--check" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            make(tmp)
            new = json.load(open(os.path.join(tmp, "expected.json")))
            old = json.load(open(os.path.join(fixtures, "expected.json")))
            new.pop("_generator")
            old.pop("_generator")
            if new != old:
                # Within 1e-9 degrees: a PROJ release may move the last digit.
                def close(a, b):
                    if isinstance(a, float) and isinstance(b, float):
                        return abs(a - b) < 1e-9
                    if isinstance(a, list) and isinstance(b, list):
                        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
                    if isinstance(a, dict) and isinstance(b, dict):
                        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
                    return a == b
                if not close(new, old):
                    sys.exit("tests/aoi/fixtures/expected.json differs from what pyproj computes now; run tests/aoi/make_fixtures.py")
        print("AOI fixtures: expected.json agrees with pyproj", pyproj.__version__, "and pyshp", shapefile.__version__)
        return
    os.makedirs(fixtures, exist_ok=True)
    make(fixtures)
    print("wrote", fixtures)


if __name__ == "__main__":
    main()
