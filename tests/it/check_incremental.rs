//! Incremental analysis against a from-scratch check: after each of 2,000 seeded random edits
//! (inside and outside the geometry, structural and not), the incrementally re-parsed document
//! has the same tree as a fresh parse of its text, and the check with the geometry cache gives
//! the same diagnostics (codes, ranges, messages, fixes) as a check without it.

use tasking_ls::check::{check_document, CheckOptions, GeometryCache};
use tasking_ls::document::{ByteEdit, Document};
use tasking_ls::schema::SchemaStore;

use crate::support::lsp_client::{seed, XorShift};

/// The seed with a counter-clockwise circle of `vertices` positions, one per line.
fn order(vertices: usize) -> String {
    let text = seed();
    let mut ring = Vec::with_capacity(vertices + 1);
    for i in 0..=vertices {
        let a = (i % vertices) as f64 / vertices as f64 * std::f64::consts::TAU;
        ring.push(format!(
            "[{:.10}, {:.10}]",
            -79.54 + 0.1 * a.cos(),
            8.97 + 0.1 * a.sin()
        ));
    }
    let start = text.find("\"coordinates\": [").unwrap();
    let end = start + text[start..].find("\n      ]").unwrap() + "\n      ]".len();
    format!(
        "{}\"coordinates\": [\n        [\n          {}\n        ]\n      ]{}",
        &text[..start],
        ring.join(",\n          "),
        &text[end..]
    )
}

/// A random edit of `text`, and the edit that undoes it.
fn random_edit(rng: &mut XorShift, text: &str) -> (ByteEdit, ByteEdit) {
    let geometry = text.find("\"coordinates\"").unwrap();
    let geometry_end = geometry + text[geometry..].find("\n      ]").unwrap();
    let pick = |rng: &mut XorShift, from: usize, to: usize| from + rng.below((to - from).max(1));
    let at = match rng.below(2) {
        // Inside the geometry.
        0 => pick(rng, geometry, geometry_end),
        // Anywhere.
        _ => rng.below(text.len()),
    };
    let (start, end, insert) = match rng.below(8) {
        // A digit for a digit (values change, structure does not).
        0 | 1 => {
            let digit = text[at..]
                .find(|c: char| c.is_ascii_digit())
                .map(|i| at + i);
            match digit {
                Some(d) => (d, d + 1, ((b'0' + rng.below(10) as u8) as char).to_string()),
                None => (at, at, " ".to_string()),
            }
        }
        2 => (at, at, [" ", "\n", "  "][rng.below(3)].to_string()),
        // Structural: a character that changes the tree.
        3 => (
            at,
            at,
            [",", "{", "}", "[", "]", "\"", ":", "x"][rng.below(8)].to_string(),
        ),
        4 => (at, (at + 1 + rng.below(3)).min(text.len()), String::new()),
        // A position removed or added.
        5 => {
            let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let next = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
            (line, next, String::new())
        }
        6 => {
            let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
            (line, line, "          [-79.5, 8.9],\n".to_string())
        }
        // A value replaced (cloudCoverage, displayName), outside the geometry.
        _ => {
            let key = ["\"cloudCoverage\": ", "\"displayName\": \""][rng.below(2)];
            match text.find(key) {
                Some(k) => {
                    let s = k + key.len();
                    let e = s + text[s..].find([',', '"', '\n']).unwrap_or(0);
                    let value = ["42", "150", "x", "", "7.5"][rng.below(5)];
                    (s, e, value.to_string())
                }
                None => (at, at, " ".to_string()),
            }
        }
    };
    let undo = ByteEdit {
        start,
        end: start + insert.len(),
        insert: text[start..end].to_string(),
    };
    (ByteEdit { start, end, insert }, undo)
}

#[test]
fn two_thousand_random_edits_give_the_same_tree_and_diagnostics_as_a_fresh_check() {
    let store = SchemaStore::bundled();
    let cache = GeometryCache::default();
    let mut cached = CheckOptions::new(&store);
    cached.geometry_cache = Some(&cache);
    let mut fresh_options = cached.clone();
    fresh_options.geometry_cache = None;

    let original = order(700);
    let mut rng = XorShift::new(0x1ec7);
    let mut doc = Document::new(original.clone());
    let mut undo: Option<ByteEdit> = None;
    for step in 0..2_000 {
        let text = doc.text().to_string();
        let edit = match undo.take() {
            // Undo most structural breakage at once, so the incremental path keeps being used.
            Some(u) if rng.chance(70) => u,
            _ if step % 150 == 149 => ByteEdit {
                start: 0,
                end: text.len(),
                insert: original.clone(),
            },
            _ => {
                let (edit, inverse) = random_edit(&mut rng, &text);
                undo = Some(inverse);
                edit
            }
        };
        let mut expected_text = text.clone();
        expected_text.replace_range(edit.start..edit.end, &edit.insert);
        doc = doc.edited(std::slice::from_ref(&edit));
        assert_eq!(doc.text(), expected_text, "step {step}");
        let fresh = Document::new(expected_text);
        assert_eq!(
            doc.root(),
            fresh.root(),
            "step {step}: tree differs after {edit:?}"
        );
        assert_eq!(doc.syntax_errors(), fresh.syntax_errors(), "step {step}");
        let got = check_document(&doc, &cached);
        let want = check_document(&fresh, &fresh_options);
        assert_eq!(got, want, "step {step}: diagnostics differ after {edit:?}");
    }
    let hits = cache.hits();
    assert!(hits > 300, "the geometry cache was hit only {hits} times");
}
