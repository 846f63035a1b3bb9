//! Property tests of folding ranges, selection ranges and inlay hints on texts of every kind
//! (valid requests, requests cut short anywhere, JSON-like noise): no panic, and the shapes
//! LSP requires (selection ranges strictly nested around the cursor, folds on distinct start
//! lines that end after they start and inside the text, hints on character boundaries).

use proptest::prelude::*;

use super::*;
use crate::document::{Document, PositionEncoding};
use crate::schema::SchemaStore;

const EXAMPLES: [&str; 3] = [
    include_str!("../../examples/pleiades_analytic_mono_tasking_request.json"),
    include_str!("../../examples/sar_spot_tasking_request.json"),
    include_str!("../../examples/invalid/pleiades_analytic_broken_tasking_request.json"),
];

fn store() -> &'static SchemaStore {
    static STORE: std::sync::OnceLock<SchemaStore> = std::sync::OnceLock::new();
    STORE.get_or_init(SchemaStore::bundled)
}

fn check(text: &str, store: &SchemaStore) {
    let doc = Document::new(text);
    let lines = doc.line_index().line_count() as u32;
    let folds = folding_ranges(&doc);
    for pair in folds.windows(2) {
        assert!(pair[0].start_line < pair[1].start_line, "{folds:?}");
    }
    for fold in &folds {
        assert!(
            fold.start_line < fold.end_line && fold.end_line < lines,
            "{fold:?}"
        );
        assert!(!fold.collapsed_text.is_empty());
    }
    let mut offsets: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    if offsets.len() > 200 {
        // Long texts: every 13th offset, both ends included (the cuts cover the rest).
        offsets = offsets
            .into_iter()
            .step_by(13)
            .chain([text.len()])
            .collect();
    }
    for offset in offsets {
        let ranges = selection_ranges(&doc, offset);
        let whole = crate::document::TextRange::new(0, text.len());
        assert_eq!(ranges.last(), Some(&whole), "{ranges:?}");
        for range in &ranges {
            assert!(
                range.touches(offset),
                "{range:?} misses {offset} in {text:?}"
            );
            assert!(text.is_char_boundary(range.start as usize));
            assert!(text.is_char_boundary(range.end as usize));
        }
        for pair in ranges.windows(2) {
            let (inner, outer) = (pair[0], pair[1]);
            assert!(
                inner != outer && outer.start <= inner.start && inner.end <= outer.end,
                "{ranges:?} in {text:?}"
            );
        }
    }
    let whole = crate::document::TextRange::new(0, text.len());
    for hint in inlay_hints(&doc, store, whole, InlayHintOptions::default()) {
        assert!(text.is_char_boundary(hint.offset) && !hint.label.is_empty());
        let _ = doc
            .line_index()
            .line_col(hint.offset, PositionEncoding::Utf16);
    }
}

#[test]
fn every_cut_of_the_examples_keeps_the_shapes() {
    for example in EXAMPLES {
        for cut in (0..=example.len()).filter(|&i| example.is_char_boundary(i)) {
            check(&example[..cut], store());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn json_like_noise_keeps_the_shapes(text in r#"[\[\]{}":, \n0-9a-z\-.é😀\\]{0,80}"#) {
        check(&text, store());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn examples_with_a_span_replaced_keep_the_shapes(
        which in 0..3usize,
        at in 0.0..1.0f64,
        len in 0..12usize,
        with in r#"[\[\]{}":, \n0-9]{0,6}"#,
    ) {
        let example = EXAMPLES[which];
        let mut start = (at * example.len() as f64) as usize;
        while !example.is_char_boundary(start) { start -= 1; }
        let mut end = (start + len).min(example.len());
        while !example.is_char_boundary(end) { end += 1; }
        let text = format!("{}{}{}", &example[..start], with, &example[end..]);
        check(&text, store());
    }
}
