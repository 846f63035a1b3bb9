//! Benchmarks of the engine: the seed order, orders with 50k/100k/200k-vertex polygons
//! (to show there is no quadratic step), all parse + check; and the checks alone on the six
//! shapes of `benches/geometry/run.py` (regular, densified box, jittered star, comb, spiral
//! band, Koch), read from `bench-data/geometry/` when that script has written them.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tasking_ls::check::{check_document, CheckOptions};
use tasking_ls::document::Document;
use tasking_ls::schema::SchemaStore;

const SEED: &str = include_str!("../examples/pleiades_analytic_mono_tasking_request.json");

/// The seed order with a counter-clockwise circle of `vertices` positions around Panama.
pub fn big_order(vertices: usize) -> String {
    let mut ring = String::with_capacity(vertices * 40);
    for i in 0..=vertices {
        let angle = (i % vertices) as f64 / vertices as f64 * std::f64::consts::TAU;
        let (lon, lat) = (-79.54 + 0.1 * angle.cos(), 8.97 + 0.1 * angle.sin());
        if i > 0 {
            ring.push_str(",\n          ");
        }
        ring.push_str(&format!("[{lon:.10}, {lat:.10}]"));
    }
    let start = SEED
        .find("\"coordinates\": [")
        .expect("seed has coordinates");
    let end = start + SEED[start..].find("\n      ]").expect("coordinates end") + "\n      ]".len();
    format!(
        "{}\"coordinates\": [\n        [\n          {ring}\n        ]\n      ]{}",
        &SEED[..start],
        &SEED[end..]
    )
}

fn parse_and_check(c: &mut Criterion) {
    let store = SchemaStore::bundled();
    let options = CheckOptions::new(&store);
    c.bench_function("seed order: parse + check", |b| {
        b.iter(|| {
            let doc = Document::new(SEED);
            check_document(&doc, &options)
        })
    });
    let mut group = c.benchmark_group("big polygon: parse + check");
    group.sample_size(10);
    for vertices in [50_000, 100_000, 200_000] {
        let text = big_order(vertices);
        let doc = Document::new(text.as_str());
        assert!(
            check_document(&doc, &options).is_empty(),
            "the generated order must be valid"
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(vertices), &text, |b, text| {
            b.iter(|| {
                let doc = Document::new(text.as_str());
                check_document(&doc, &options)
            })
        });
    }
    group.finish();
    let text = big_order(200_000);
    c.bench_function("200k-vertex order: parse only", |b| {
        b.iter(|| Document::new(text.as_str()))
    });
}

/// Checking alone (parse excluded) on the shapes `benches/geometry/run.py` generates.
fn shapes(c: &mut Criterion) {
    let store = SchemaStore::bundled();
    let options = CheckOptions::new(&store);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench-data/geometry");
    let mut group = c.benchmark_group("geometry shapes: check only");
    group.sample_size(10);
    for shape in [
        "regular",
        "densified-box",
        "jittered-star",
        "comb",
        "spiral-band",
        "koch",
    ] {
        for vertices in [50_000, 100_000, 200_000] {
            let id = format!("{shape}_{vertices}");
            let Ok(text) = std::fs::read_to_string(dir.join(format!("{id}_tasking_request.json")))
            else {
                eprintln!("{id}: not generated (python3 benches/geometry/run.py --generate-only)");
                continue;
            };
            let doc = Document::new(text.as_str());
            assert!(
                check_document(&doc, &options).is_empty(),
                "{id}: the generated order must be valid"
            );
            group.bench_function(BenchmarkId::from_parameter(&id), |b| {
                b.iter(|| check_document(&doc, &options))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, parse_and_check, shapes);
criterion_main!(benches);
