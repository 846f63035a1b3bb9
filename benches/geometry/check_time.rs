//! Check-only timing for `benches/geometry/run.py`: each file given is parsed once, then
//! `check_document` (every check, geometry included, with the bundled schemas, offline) runs
//! `--runs` times on the parsed document; prints one JSON line per file with the median and
//! minimum seconds of the check alone (as `validate` reports: costly fixes announced, not
//! computed), of the parse, of the check without the acceptance rules (`aoi.*`), and of the
//! check computing the costly fixes (the simplify fix, as `validate --fix`). With `--validity`, each file is a
//! ring file (`*.ring.json`: one closed ring as `[[lon, lat], ...]`, what the GEOS side
//! reads) and only the validity step is timed (`validity_fault_count`: the ring made a cycle,
//! then the star test, chain sweep or exact sweep and GEOS's rules), as shapely's `is_valid`
//! is. Build it with the release code:
//! `cargo build --profile profiling --example check_time`.

use std::time::Instant;

// The allocator `tasking-ls` itself uses (src/main.rs), so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use tasking_ls::check::geometry::validity_fault_count;
use tasking_ls::check::{check_document, CheckOptions};
use tasking_ls::document::Document;
use tasking_ls::schema::SchemaStore;

fn main() {
    let mut runs = 7usize;
    let mut files = Vec::new();
    let mut validity = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs);
        } else if arg == "--validity" {
            validity = true;
        } else {
            files.push(arg);
        }
    }
    if validity {
        validity_only(&files, runs);
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

/// `--validity`: the validity step alone on each ring file; one JSON line per file with the
/// median and minimum seconds and the fault count.
fn validity_only(files: &[String], runs: usize) {
    for path in files {
        let ring: Vec<[f64; 2]> = match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
        {
            Ok(ring) => ring,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        };
        let rings = vec![ring];
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
