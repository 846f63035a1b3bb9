//! The simplify fix of `aoi.vertices` on generated valid polygons of 1,000 to 50,000
//! vertices, in the families of the GEOS differential (tests/geos/differential.py: stars on
//! a grid fine enough for touches and collinear edges, spiral bands, stars with holes,
//! MultiPolygons of stars apart): the result is valid (the geometry check's validity step),
//! has at most the limit of positions, and the area change the fix's title reports is the one
//! measured on its result (geodesic, by geo). `TASKING_LS_SIMPLIFY_CASES` sets how many cases
//! (default 24; CI or a release run can ask for thousands); `TASKING_LS_SIMPLIFY_DUMP=DIR`
//! writes each result as GeoJSON for tests/geos/simplified.py (GEOS's verdict).

use std::f64::consts::TAU;

use serde_json::{json, Value};
use tasking_ls::check::aoi::simplify::{rings as kept_rings, simplify};
use tasking_ls::check::geometry::{rings_are_valid, validity_fault_count};
use tasking_ls::check::Code;

use crate::aoi_rules::{apply_first_fix, check, order};

const PRODUCT: &str = "bd102407-1814-4f92-8b5a-7697b7a73f5a";
const LIMIT: usize = 999;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
    fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() * (hi - lo + 1) as f64) as usize % (hi - lo + 1)
    }
}

/// A grid of 1/4096 degree: exact in binary, so degeneracies survive the text.
fn snap(x: f64) -> f64 {
    (x * 4096.0).round() / 4096.0
}

/// A star-shaped ring around (cx, cy) (degrees), radii in [r_min, r_max], counter-clockwise
/// (or clockwise), closed; snapped to the grid, consecutive repeats dropped.
fn star(
    rng: &mut Rng,
    cx: f64,
    cy: f64,
    r_min: f64,
    r_max: f64,
    n: usize,
    ccw: bool,
) -> Vec<[f64; 2]> {
    let mut angles: Vec<f64> = (0..n).map(|_| rng.range(0.0, TAU)).collect();
    angles.sort_by(f64::total_cmp);
    let mut ring: Vec<[f64; 2]> = Vec::with_capacity(n + 1);
    for a in angles {
        let r = rng.range(r_min, r_max);
        let p = [snap(cx + r * a.cos()), snap(cy + r * a.sin())];
        if ring.last() != Some(&p) {
            ring.push(p);
        }
    }
    while ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    if !ccw {
        ring.reverse();
    }
    ring.push(ring[0]);
    ring
}

/// A spiral band of `turns` turns and `n` vertices (the differential's `fam_big_spiral`).
fn spiral(rng: &mut Rng, n: usize) -> Vec<[f64; 2]> {
    let turns = rng.int(2, 4) as f64;
    let half = n / 2;
    let width = [0.1, 0.2, 0.3][rng.int(0, 2)] / turns;
    let arm = |i: usize, offset: f64| {
        let t = i as f64 / half as f64;
        let a = t * turns * TAU;
        let r = (0.15 + t + offset) * 0.5;
        [snap(-79.5 + r * a.cos()), snap(9.0 + r * a.sin())]
    };
    let mut ring: Vec<[f64; 2]> = (0..half)
        .map(|i| arm(i, width))
        .chain((0..half).rev().map(|i| arm(i, -width)))
        .collect();
    ring.dedup();
    while ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    ring.push(ring[0]);
    ring
}

/// One generated case: polygons of rings, and its family's name.
fn generate(rng: &mut Rng) -> (Vec<Vec<Vec<[f64; 2]>>>, &'static str) {
    let n = if rng.next() < 0.8 {
        rng.int(1_000, 8_000)
    } else {
        rng.int(8_000, 50_000)
    };
    match rng.int(0, 3) {
        0 => (
            vec![vec![star(rng, -79.5, 9.0, 0.05, 0.4, n, true)]],
            "star",
        ),
        1 => (vec![vec![spiral(rng, n)]], "spiral"),
        2 => {
            let shell = star(rng, -79.5, 9.0, 0.3, 0.5, n, true);
            let holes = (0..rng.int(1, 3))
                .map(|k| {
                    let a = k as f64 * TAU / 3.0;
                    let m = rng.int(20, n / 10);
                    star(
                        rng,
                        -79.5 + 0.15 * a.cos(),
                        9.0 + 0.15 * a.sin(),
                        0.02,
                        0.08,
                        m,
                        false,
                    )
                })
                .collect::<Vec<_>>();
            (
                vec![std::iter::once(shell).chain(holes).collect()],
                "star with holes",
            )
        }
        _ => {
            let parts = rng.int(2, 3);
            let polygons = (0..parts)
                .map(|k| vec![star(rng, -80.0 + k as f64, 9.0, 0.1, 0.45, n / parts, true)])
                .collect();
            (polygons, "multipolygon")
        }
    }
}

fn valid(polygons: &[Vec<Vec<[f64; 2]>>]) -> bool {
    polygons.iter().all(|p| validity_fault_count(p) == 0)
}

#[test]
fn simplify_always_gives_a_valid_polygon_within_the_limit() {
    let cases: usize = std::env::var("TASKING_LS_SIMPLIFY_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let dump = std::env::var_os("TASKING_LS_SIMPLIFY_DUMP").map(std::path::PathBuf::from);
    let mut rng = Rng(0x5eed_0022);
    let mut done = 0;
    let mut failures = Vec::new();
    while done < cases {
        let (polygons, family) = generate(&mut rng);
        if !valid(&polygons) {
            // Snapping may make a generated star touch itself: not a case for the fix.
            continue;
        }
        done += 1;
        let views: Vec<Vec<&[[f64; 2]]>> = polygons
            .iter()
            .map(|p| p.iter().map(Vec::as_slice).collect())
            .collect();
        let count: usize = polygons.iter().flatten().map(Vec::len).sum();
        let Some(result) = simplify(&views, LIMIT) else {
            failures.push(format!("{family} of {count}: no simplification found"));
            continue;
        };
        let rings: Vec<Vec<Vec<[f64; 2]>>> = polygons
            .iter()
            .zip(&result.kept)
            .map(|(p, kept)| {
                p.iter()
                    .zip(kept)
                    .map(|(ring, kept)| {
                        let mut out: Vec<[f64; 2]> = kept.iter().map(|&i| ring[i]).collect();
                        out.push(out[0]);
                        out
                    })
                    .collect()
            })
            .collect();
        let written: usize = rings.iter().flatten().map(Vec::len).sum();
        if written > LIMIT || written != result.positions {
            failures.push(format!(
                "{family} of {count}: {written} positions ({} said)",
                result.positions
            ));
        }
        if !valid(&rings) || !rings_are_valid(&kept_rings(&views, &result)) {
            failures.push(format!("{family} of {count}: invalid result"));
        }
        if let Some(dir) = &dump {
            let geometry = if rings.len() == 1 {
                json!({"type": "Polygon", "coordinates": rings[0]})
            } else {
                json!({"type": "MultiPolygon", "coordinates": rings})
            };
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(
                dir.join(format!("case-{done:05}.json")),
                geometry.to_string(),
            )
            .unwrap();
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// `−0.031 km², −0.01 %` -> -0.01.
fn reported_percent(title: &str) -> f64 {
    let inside = title.rsplit_once(", ").map(|(_, p)| p).unwrap_or(title);
    let number: String = inside
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let value: f64 = number.parse().unwrap_or(f64::NAN);
    if inside.contains('−') {
        -value
    } else {
        value
    }
}

fn geodesic_km2(geometry: &Value) -> f64 {
    use geo::{Coord, GeodesicArea, LineString, Polygon};
    let polygon = |rings: &Value| {
        let mut rings = rings.as_array().unwrap().iter().map(|ring| {
            LineString::new(
                ring.as_array()
                    .unwrap()
                    .iter()
                    .map(|p| Coord {
                        x: p[0].as_f64().unwrap(),
                        y: p[1].as_f64().unwrap(),
                    })
                    .collect(),
            )
        });
        Polygon::new(rings.next().unwrap(), rings.collect()).geodesic_area_unsigned()
    };
    let coordinates = &geometry["coordinates"];
    let m2 = if geometry["type"] == "Polygon" {
        polygon(coordinates)
    } else {
        coordinates.as_array().unwrap().iter().map(polygon).sum()
    };
    m2 / 1e6
}

#[test]
fn the_fix_reports_the_area_change_measured_on_its_result() {
    let mut rng = Rng(0x0a4e_a0c4);
    let mut done = 0;
    while done < 8 {
        let (polygons, family) = generate(&mut rng);
        if polygons.len() > 1
            || !valid(&polygons)
            || polygons[0].iter().map(Vec::len).sum::<usize>() > 20_000
        {
            continue;
        }
        done += 1;
        let geometry = json!({"type": "Polygon", "coordinates": polygons[0]});
        let text = order(PRODUCT, geometry.clone());
        let diagnostics = check(&text);
        let Some(d) = diagnostics.iter().find(|d| d.code == Code::AoiVertices) else {
            panic!("{family}: no aoi.vertices in {diagnostics:#?}");
        };
        let title = &d.fixes[0].title;
        let fixed = apply_first_fix(&text, &diagnostics, Code::AoiVertices);
        let value: Value = serde_json::from_str(&fixed).unwrap();
        let after = &value["params"]["geometry"];
        let (before_km2, after_km2) = (geodesic_km2(&geometry), geodesic_km2(after));
        let measured = 100.0 * (after_km2 - before_km2) / before_km2;
        if title.contains("change under 0.001 km²") {
            assert!(
                (after_km2 - before_km2).abs() < 0.0011,
                "{family}: {title}: measured {} km²",
                after_km2 - before_km2
            );
        } else {
            let reported = reported_percent(title);
            // The title rounds to 3 decimals; the check measures on the sphere, geo on WGS84.
            assert!(
                (reported - measured).abs() <= 0.0006 + 0.01 * measured.abs(),
                "{family}: {title}: measured {measured} %"
            );
        }
        let remaining: Vec<String> = check(&fixed)
            .into_iter()
            .filter(|d| d.code.as_str().starts_with("geometry.") || d.code == Code::AoiVertices)
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        assert!(remaining.is_empty(), "{family}: {remaining:#?}");
    }
}
