//! Check-only timing for `benches/geometry/run.py`: each file given is parsed once, then
//! `check_document` (every check, geometry included, with the bundled schemas, offline) runs
//! `--runs` times on the parsed document; prints one JSON line per file with the median and
//! minimum seconds of the check alone (as `validate` reports: costly fixes announced, not
//! computed), of the parse, of the check without the acceptance rules (`aoi.*`), and of the
//! check computing the costly fixes (the simplify fix, as `validate --fix`). With `--validity`, each file is a
//! ring file (`*.ring.json`: one closed ring as `[[lon, lat], ...]`, what the GEOS side
//! reads) and only the validity step is timed (`validity_fault_count`: the ring made a cycle,
//! then the star test, chain sweep or exact sweep and GEOS's rules), as shapely's `is_valid`
//! is. With `--simplify N`, each file is a ring file too and only the simplify fix's search
//! (`check::aoi::simplify::simplify`, to at most N positions) is timed, with the positions
//! kept. Build it with the release code:
//! `cargo build --profile profiling --example check_time`.

use std::time::Instant;

// The allocator `tasking-ls` itself uses (src/main.rs), so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use tasking_ls::check::aoi::simplify::simplify;
use tasking_ls::check::geometry::validity_fault_count;
use tasking_ls::check::{check_document, CheckOptions};
use tasking_ls::document::Document;
use tasking_ls::schema::SchemaStore;

fn main() {
    let mut runs = 7usize;
    let mut files = Vec::new();
    let mut validity = false;
    let mut simplify_to: Option<usize> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs);
        } else if arg == "--validity" {
            validity = true;
        } else if arg == "--simplify" {
            simplify_to = args.next().and_then(|n| n.parse().ok());
        } else {
            files.push(arg);
        }
    }
    if validity {
        validity_only(&files, runs);
        return;
    }
    if let Some(limit) = simplify_to {
        simplify_only(&files, runs, limit);
        return;
    }
    let store = SchemaStore::bundled();
    // As `validate` reports: the simplify fix announced, not computed.
    let mut options = CheckOptions::new(&store);
    options.costly_fixes = false;
    let mut no_rules = options.clone();
    no_rules.acceptance_rules = false;
    let mut with_fixes = options.clone();
    with_fixes.costly_fixes = true;
    for path in files {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        };
        let mut parse = Vec::with_capacity(runs);
        let mut check = Vec::with_capacity(runs);
        let mut findings = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let doc = Document::new(text.as_str());
            parse.push(start.elapsed().as_secs_f64());
            let start = Instant::now();
            let diagnostics = check_document(&doc, &options);
            check.push(start.elapsed().as_secs_f64());
            findings = diagnostics.len();
        }
        // The acceptance rules' share (check without them) and the costly fixes' (the
        // simplify fix of aoi.vertices, as `validate --fix` computes it).
        let doc = Document::new(text.as_str());
        let median = |options: &CheckOptions<'_>| {
            let mut times: Vec<f64> = (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    check_document(&doc, options);
                    start.elapsed().as_secs_f64()
                })
                .collect();
            times.sort_by(f64::total_cmp);
            times[times.len() / 2]
        };
        let (without_rules, fixes) = (median(&no_rules), median(&with_fixes));
        parse.sort_by(f64::total_cmp);
        check.sort_by(f64::total_cmp);
        println!(
            "{{\"path\": {:?}, \"check_median\": {}, \"check_min\": {}, \"parse_median\": {}, \"check_without_rules_median\": {without_rules}, \"check_with_fixes_median\": {fixes}, \"findings\": {findings}}}",
            path,
            check[check.len() / 2],
            check[0],
            parse[parse.len() / 2]
        );
    }
}

/// A ring file: one closed ring as `[[lon, lat], ...]`; exits with status 2 when unreadable.
fn read_ring(path: &str) -> Vec<[f64; 2]> {
    match std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
    {
        Ok(ring) => ring,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
}

/// `--simplify N`: the simplify fix's search alone on each ring file; one JSON line per file
/// with the median and minimum seconds, the positions kept and a hash of which (FNV-1a of
/// the kept indices: a change of the search that should not change its result shows here).
fn simplify_only(files: &[String], runs: usize, limit: usize) {
    for path in files {
        let ring = read_ring(path);
        let polygons = vec![vec![ring.as_slice()]];
        let mut times = Vec::with_capacity(runs);
        let mut kept = None;
        for _ in 0..runs {
            let start = Instant::now();
            kept = simplify(&polygons, limit);
            times.push(start.elapsed().as_secs_f64());
        }
        let hash = kept.as_ref().map_or(0, |s| {
            s.kept
                .iter()
                .flatten()
                .flatten()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, &i| {
                    (h ^ i as u64).wrapping_mul(0x0100_0000_01b3)
                })
        });
        times.sort_by(f64::total_cmp);
        println!(
            "{{\"path\": {:?}, \"simplify_median\": {}, \"simplify_min\": {}, \"positions\": {}, \"kept_hash\": \"{hash:016x}\"}}",
            path,
            times[times.len() / 2],
            times[0],
            kept.map_or("null".to_string(), |s| s.positions.to_string())
        );
    }
}

/// `--validity`: the validity step alone on each ring file; one JSON line per file with the
/// median and minimum seconds and the fault count.
fn validity_only(files: &[String], runs: usize) {
    for path in files {
        let rings = vec![read_ring(path)];
        let mut times = Vec::with_capacity(runs);
        let mut faults = 0;
        for _ in 0..runs {
            let start = Instant::now();
            faults = validity_fault_count(&rings);
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{{\"path\": {:?}, \"validity_median\": {}, \"validity_min\": {}, \"faults\": {faults}}}",
            path,
            times[times.len() / 2],
            times[0]
        );
    }
}
