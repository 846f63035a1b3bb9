#!/usr/bin/env python3
"""Goldens for the access-window search (src/feasibility/passes.rs), computed independently
with Skyfield: SGP4 from the `sgp4` package (Vallado's C++ code, WGS72 as Skyfield uses it),
TEME to Earth-fixed by Skyfield's `TEME_to_ITRF` (UT1 taken as UTC and no polar motion, the
convention tasking-ls documents), WGS84 geodesy by Skyfield's `wgs84`, and the sun by
Skyfield from the DE421 ephemeris that `skyfield-data` bundles (nothing is downloaded).

    python3 tests/feasibility/make_goldens.py [--cases 1000] [--seed 30] > tests/feasibility/goldens.json

Element sets: four sun-synchronous orbits made here (600-700 km, 10:00-10:30 descending,
like the constellation table's) and Vallado's published test set 00005 (an eccentric orbit
at 34.3 deg). For each case: a random AOI (3-8 vertices within 0.4 deg of a random centre,
latitude within +-70 deg), a window of 12-60 hours within 5 days of the elements' epoch, an
incidence limit of 5-45 deg. The reference windows come from a 1-s grid of the minimum
incidence over the AOI's points (vertices and the centroid of their unit vectors, as the Rust
search takes them), edges refined by bisection to 1 ms, the smallest incidence by golden-
section search. Windows under 3 s or whose smallest incidence is within 0.02 deg of the limit
are flagged "fragile" (a grid can miss them; the test lets either side lack them).

Also 1,000 random sun elevations (Skyfield, geometric, no refraction) at random places and
times 2020-2035. Output is compact JSON; times are seconds from the window's start.
"""
import argparse
import datetime
import json
import math
import random
import sys

import numpy as np
from sgp4.api import Satrec, WGS72
from skyfield.api import Loader, wgs84
from skyfield.sgp4lib import TEME_to_ITRF
from skyfield_data import get_skyfield_data_path

MU = 398600.4418
RE = 6378.137
J2 = 1.08262668e-3

VALLADO_00005 = (
    "1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753",
    "2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667",
)


def checksum(line):
    total = 0
    for ch in line:
        if ch.isdigit():
            total += int(ch)
        elif ch == "-":
            total += 1
    return str(total % 10)


def sun_synchronous_tle(satnum, altitude_km, ltdn_hours, epoch_year, epoch_day, mean_anomaly):
    a = RE + altitude_km
    n = math.sqrt(MU / a**3)  # rad/s
    raan_rate = 2 * math.pi / (365.2422 * 86400)
    cos_i = -raan_rate / (1.5 * J2 * n * (RE / a) ** 2)
    inclination = math.degrees(math.acos(cos_i))
    # Right ascension of the mean sun at the epoch, roughly: the node sits at local time
    # LTDN + 12 h on the ascending side.
    days = (epoch_year - 2000) * 365.25 + epoch_day - 1.5
    sun_ra = (280.46 + 0.9856474 * days) % 360
    raan = (sun_ra + (ltdn_hours + 12 - 12) * 15) % 360
    revs = n * 86400 / (2 * math.pi)
    l1 = "1 %05dU 27001A   %02d%012.8f  .00000000  00000-0  20000-4 0  999" % (
        satnum, epoch_year % 100, epoch_day)
    l2 = "2 %05d %8.4f %8.4f %07d %8.4f %8.4f %11.8f%5d" % (
        satnum, inclination, raan, 1200, 90.0, mean_anomaly, revs, 100)
    return l1 + checksum(l1), l2 + checksum(l2)


def unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def targets(positions):
    """Vertices (consecutive duplicates dropped) and the centroid of their unit vectors, as
    (lon, lat, ecef km, normal)."""
    pts = []
    for lon, lat in positions:
        if pts and pts[-1] == (lon, lat):
            continue
        pts.append((lon, lat))
    out = []
    total = np.zeros(3)
    for lon, lat in pts:
        ecef = np.array(wgs84.latlon(lat, lon).itrs_xyz.km)
        total += ecef / np.linalg.norm(ecef)
        out.append((lon, lat))
    c = total / np.linalg.norm(total)
    out.append((math.degrees(math.atan2(c[1], c[0])), math.degrees(math.asin(c[2]))))
    result = []
    for lon, lat in out:
        ecef = np.array(wgs84.latlon(lat, lon).itrs_xyz.km)
        la, lo = math.radians(lat), math.radians(lon)
        normal = np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])
        result.append((lon, lat, ecef, normal))
    return result


def angle(a, b):
    cross = np.linalg.norm(np.cross(a, b), axis=-1)
    return np.degrees(np.arctan2(cross, np.sum(a * b, axis=-1)))


def utc(ts, unix_seconds):
    """A Skyfield time at a Unix instant (UTC, leap seconds not counted, as chrono)."""
    return ts.from_datetime(datetime.datetime.fromtimestamp(unix_seconds, datetime.timezone.utc))


class Case:
    def __init__(self, sat, jd0, fr0, points, limit, start_ms):
        self.sat, self.jd0, self.fr0, self.points, self.limit = sat, jd0, fr0, points, limit
        self.start_ms = start_ms

    def ecef(self, seconds):
        seconds = np.atleast_1d(np.asarray(seconds, dtype=float))
        fr = self.fr0 + seconds / 86400.0
        jd = np.full_like(fr, self.jd0)
        e, r, v = self.sat.sgp4_array(jd, fr)
        if np.any(e != 0):
            raise RuntimeError("sgp4 error %s" % e[e != 0][:3])
        r_itrf, _ = TEME_to_ITRF(jd, r.T, v.T, 0.0, 0.0, fr)
        return r_itrf.T, v[:, 2] < 0

    def g(self, seconds):
        sat, _ = self.ecef(seconds)
        best = np.full(len(sat), np.inf)
        which = np.zeros(len(sat), dtype=int)
        for k, (_, _, p, n) in enumerate(self.points):
            inc = angle(np.broadcast_to(n, sat.shape), sat - p)
            better = inc < best
            best = np.where(better, inc, best)
            which = np.where(better, k, which)
        return best - self.limit, which, sat

    def scalar(self, s):
        return float(self.g([s])[0][0])


def bisect(f, a, b, entering):
    while b - a > 1e-3:
        m = 0.5 * (a + b)
        if (f(m) <= 0) == entering:
            b = m
        else:
            a = m
    return 0.5 * (a + b)


def golden(f, a, b):
    r = (math.sqrt(5) - 1) / 2
    c, d = b - r * (b - a), a + r * (b - a)
    fc, fd = f(c), f(d)
    while b - a > 1e-3:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - r * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + r * (b - a)
            fd = f(d)
    return 0.5 * (a + b)


def reference_windows(case, total, ts, earth, sun):
    grid = np.arange(0.0, total + 1e-9, 1.0)
    if grid[-1] < total:
        grid = np.append(grid, total)
    values = np.concatenate([case.g(chunk)[0] for chunk in np.array_split(grid, max(1, len(grid) // 20000))])
    inside = values <= 0
    windows = []
    k = 0
    while k < len(grid):
        if not inside[k]:
            k += 1
            continue
        j = k
        while j + 1 < len(grid) and inside[j + 1]:
            j += 1
        start = grid[k] if k == 0 else bisect(case.scalar, grid[k - 1], grid[k], True)
        end = grid[j] if j == len(grid) - 1 else bisect(case.scalar, grid[j], grid[j + 1], False)
        tm = golden(case.scalar, start, end)
        value, which, sat = case.g([tm])
        lon, lat, p, n = case.points[int(which[0])]
        inc = float(value[0]) + case.limit
        off_nadir = float(angle(-sat[0], p - sat[0]))
        _, descending = case.ecef([tm])
        t = utc(ts, case.start_ms / 1000.0 + tm)
        alt = (earth + wgs84.latlon(lat, lon)).at(t).observe(sun).apparent().altaz()[0].degrees
        fragile = (end - start) < 3.0 or abs(inc - case.limit) < 0.02
        windows.append([round(start, 3), round(end, 3), round(inc, 5), round(off_nadir, 5),
                        round(float(alt), 4), bool(descending[0]), 1 if fragile else 0])
        k = j + 1
    return windows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    load = Loader(get_skyfield_data_path(), verbose=False)
    ts = load.timescale(builtin=True)
    planets = load("de421.bsp")
    earth, sun = planets["earth"], planets["sun"]

    element_sets = [
        sun_synchronous_tle(90001, 694.0, 10.5, 2027, 60.25, 0.0),
        sun_synchronous_tle(90002, 694.0, 10.5, 2027, 60.25, 180.0),
        sun_synchronous_tle(90003, 620.0, 10.5, 2027, 150.5, 45.0),
        sun_synchronous_tle(90004, 620.0, 10.0, 2027, 330.75, 300.0),
        VALLADO_00005,
    ]
    sats = [Satrec.twoline2rv(l1, l2, WGS72) for l1, l2 in element_sets]

    cases = []
    for _ in range(args.cases):
        index = rng.randrange(len(element_sets))
        sat = sats[index]
        lat0 = rng.uniform(-70, 70)
        lon0 = rng.uniform(-180, 180)
        count = rng.randint(3, 8)
        radius = rng.uniform(0.02, 0.4)
        ring = []
        for k in range(count):
            a = 2 * math.pi * k / count + rng.uniform(-0.2, 0.2)
            ring.append([round(lon0 + radius * math.cos(a) / max(0.2, math.cos(math.radians(lat0))), 5),
                         round(lat0 + radius * math.sin(a), 5)])
        ring.append(ring[0])
        limit = round(rng.uniform(5, 45), 2)
        # Window: 12-60 hours starting within 5 days of the epoch, whole milliseconds.
        epoch_jd = sat.jdsatepoch + sat.jdsatepochF
        start_jd = epoch_jd + rng.uniform(-5, 5)
        start_ms = round((start_jd - 2440587.5) * 86400000)
        hours = rng.uniform(12, 60)
        total = round(hours * 3600, 3)
        jd0 = 2440587.5 + math.floor(start_ms / 86400000)
        fr0 = (start_ms % 86400000) / 86400000.0
        case = Case(sat, jd0, fr0, targets(ring), limit, start_ms)
        windows = reference_windows(case, total, ts, earth, sun)
        cases.append({"elements": index, "ring": ring, "limit": limit, "start_ms": start_ms,
                      "seconds": total, "windows": windows})

    suns = []
    for _ in range(1000):
        lat = round(rng.uniform(-89, 89), 4)
        lon = round(rng.uniform(-180, 180), 4)
        ms = round(rng.uniform(1577836800, 2082758400)) * 1000
        t_utc = utc(ts, ms / 1000)
        alt = (earth + wgs84.latlon(lat, lon)).at(t_utc).observe(sun).apparent().altaz()[0].degrees
        suns.append([lat, lon, ms, round(float(alt), 4)])

    json.dump({
        "generator": "tests/feasibility/make_goldens.py",
        "seed": args.seed,
        "elements": [list(e) for e in element_sets],
        "window_columns": ["start_s", "end_s", "min_incidence_deg", "off_nadir_deg",
                           "sun_elevation_deg", "descending", "fragile"],
        "cases": cases,
        "sun_columns": ["lat", "lon", "unix_ms", "elevation_deg"],
        "sun": suns,
    }, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
