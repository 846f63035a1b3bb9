//! Unit tests of the IDE features on a 7 MB order; the feature tests live in `tests/ide_*.rs`.

use std::time::Instant;

use super::*;
use crate::document::Document;
use crate::schema::SchemaStore;

/// An order whose polygon has `n` positions on a circle (200,000 make about 7 MB).
fn big_order(n: usize) -> String {
    let mut text = String::with_capacity(n * 36);
    text.push_str(
        "{\n  \"dataProduct\": \"bd102407-1814-4f92-8b5a-7697b7a73f5a\",\n  \"params\": {\n    \"displayName\": \"big\",\n    \"acquisitionMode\": \"mono\",\n    \"geometry\": {\n      \"type\": \"Polygon\",\n      \"coordinates\": [\n        [\n",
    );
    for i in 0..=n {
        let a = (i % n) as f64 / n as f64 * std::f64::consts::TAU;
        let sep = if i == n { "" } else { "," };
        text.push_str(&format!(
            "          [{:.9}, {:.9}]{sep}\n",
            10.0 + 0.5 * a.cos(),
            50.0 + 0.5 * a.sin()
        ));
    }
    text.push_str("        ]\n      ]\n    },\n    \"cloudCoverage\": 10\n  }\n}\n");
    text
}

#[test]
fn features_stay_fast_on_a_7_mb_order() {
    let text = big_order(200_000);
    assert!(text.len() > 7_000_000, "{}", text.len());
    let doc = Document::new(text.as_str());
    let store = SchemaStore::bundled();
    let time = |what: &str, f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        eprintln!("{what}: {:?}", start.elapsed());
    };
    let mode = text.find("\"mono\"").unwrap() + 1;
    time("completion in a value", &mut || {
        assert_eq!(completions(&doc, &store, mode).len(), 3)
    });
    let end = text.rfind("\"cloudCoverage\"").unwrap() + 3;
    time("completion of a key", &mut || {
        assert!(!completions(&doc, &store, end).is_empty())
    });
    time("hover on a field", &mut || {
        assert!(hover(&doc, &store, mode).is_some())
    });
    let geometry = text.find("\"geometry\"").unwrap() + 2;
    time("hover on the polygon", &mut || {
        let markdown = hover(&doc, &store, geometry).unwrap().markdown;
        assert!(markdown.contains("200001 positions"), "{markdown}");
        assert!(markdown.contains("(spherical approximation)"), "{markdown}");
    });
    time("symbols", &mut || {
        let outline = symbols(&doc);
        let ring = &outline[1].children[2].children[1].children[0];
        assert_eq!(ring.children.len(), symbols::MAX_ARRAY_CHILDREN);
    });
    time("folding ranges", &mut || {
        let folds = folding_ranges(&doc);
        // The root, params, geometry and the coordinates, folded on open; no fold per position.
        assert_eq!(folds.len(), 4, "{folds:?}");
        assert!(folds[3].collapse_by_default, "{folds:?}");
        assert_eq!(folds[3].collapsed_text, "1 ring, 200001 positions");
    });
    let middle = text.len() / 2;
    time("selection ranges in the ring", &mut || {
        let ranges = selection_ranges(&doc, middle);
        assert!(ranges.len() > 8 && ranges.len() < 30, "{ranges:?}");
    });
    time("inlay hints", &mut || {
        let whole = crate::document::TextRange::new(0, text.len());
        let hints = inlay_hints(&doc, &store, whole, InlayHintOptions::default());
        assert_eq!(hints.len(), 2, "{hints:?}");
    });
    time("format", &mut || {
        assert_eq!(format(&doc).as_deref(), Some(text.as_str()))
    });
}
