//! The pass search's speed goal (issue 30): a 30-day window, four satellites, a 999-vertex
//! AOI, under 50 ms. Test-made sun-synchronous element sets (the differential test's, four
//! phases of one orbit plane and another plane), an AOI of 998 vertices on a 0.3° circle at
//! 45°N plus its centroid, limit 30°. Prints the median and minimum of 15 runs.
//!
//!     cargo run --release --example opportunities_time

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use tasking_ls::feasibility::elements::parse;
use tasking_ls::feasibility::passes::{search, Aoi, Propagator};

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/feasibility/goldens.json"
    );
    let goldens: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("goldens.json")).unwrap();
    let sets: Vec<_> = goldens["elements"].as_array().unwrap()[..4]
        .iter()
        .map(|p| {
            parse(&format!(
                "{}\n{}\n",
                p[0].as_str().unwrap(),
                p[1].as_str().unwrap()
            ))
            .unwrap()
            .remove(0)
        })
        .collect();
    let mut ring: Vec<[f64; 2]> = (0..998)
        .map(|k| {
            let a = std::f64::consts::TAU * f64::from(k) / 998.0;
            [
                10.0 + 0.3 * a.cos() / 45f64.to_radians().cos(),
                45.0 + 0.3 * a.sin(),
            ]
        })
        .collect();
    ring.push(ring[0]);
    let propagators: Vec<_> = sets.iter().map(|s| Propagator::new(s).unwrap()).collect();
    let mut times = Vec::new();
    let mut windows = 0;
    for _ in 0..15 {
        let began = Instant::now();
        let aoi = Aoi::new(&ring).unwrap();
        windows = 0;
        for (set, propagator) in sets.iter().zip(&propagators) {
            let start: DateTime<Utc> = set.epoch;
            let found = search(
                propagator,
                set.norad_id,
                "t",
                &aoi,
                30.0,
                start,
                start + Duration::days(30),
            )
            .unwrap();
            windows += found.len();
        }
        times.push(began.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "30 days, 4 satellites, {} AOI points, limit 30°: {windows} windows; median {:.1} ms, min {:.1} ms",
        Aoi::new(&ring).unwrap().len(),
        times[times.len() / 2],
        times[0]
    );
}
