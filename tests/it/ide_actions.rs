//! Code actions: which are offered where, and that each one, applied, removes the
//! diagnostics it names without breaking the JSON.

use expect_test::{expect, Expect};
use tasking_ls::check::{check_document, CheckOptions, Code, Diagnostic, Edit};
use tasking_ls::document::{Document, TextRange};
use tasking_ls::ide::{code_actions, ActionKind, CodeAction};
use tasking_ls::schema::SchemaStore;

const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
const SAR: &str = include_str!("../../examples/sar_spot_tasking_request.json");
const BROKEN: &str =
    include_str!("../../examples/invalid/pleiades_analytic_broken_tasking_request.json");

fn diagnostics(store: &SchemaStore, doc: &Document) -> Vec<Diagnostic> {
    let mut options = CheckOptions::new(store);
    options.now = "2026-11-28T12:00:00Z".parse().unwrap();
    check_document(doc, &options)
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| std::cmp::Reverse((e.range.start, e.range.end)));
    let mut out = text.to_string();
    for edit in edits {
        out.replace_range(edit.range.as_range(), &edit.new_text);
    }
    out
}

fn seed_with(from: &str, to: &str) -> String {
    assert!(SEED.contains(from), "{from:?} not in the seed");
    SEED.replacen(from, to, 1)
}

/// The actions over the whole document, one line each: kind, title, the codes it fixes.
fn check_offered(text: &str, expect: Expect) {
    let store = SchemaStore::bundled();
    let doc = Document::new(text);
    let diagnostics = diagnostics(&store, &doc);
    let actions = code_actions(&doc, &store, &diagnostics, TextRange::new(0, text.len()));
    let rendered: String = actions
        .iter()
        .map(|a| {
            let codes: Vec<&str> = a
                .diagnostics
                .iter()
                .map(|&i| diagnostics[i].code.as_str())
                .collect();
            format!(
                "{}{} {}: {}\n",
                a.kind.as_str(),
                if a.preferred { " (preferred)" } else { "" },
                a.title,
                codes.join(", ")
            )
        })
        .collect();
    expect.assert_eq(&rendered);
}

/// Applies every action offered on each diagnostic's range and checks that the diagnostics
/// the action names are gone and that no syntax error appeared. Returns how many were applied.
fn assert_actions_fix(text: &str) -> usize {
    let store = SchemaStore::bundled();
    let doc = Document::new(text);
    let before = diagnostics(&store, &doc);
    assert!(!before.is_empty(), "the fixture has no diagnostics");
    let key = |d: &Diagnostic| (d.code, d.message.clone());
    let mut applied = 0;
    for diagnostic in &before {
        for action in code_actions(&doc, &store, &before, diagnostic.range) {
            let fixed = apply(text, &action.edits);
            let after = diagnostics(&store, &Document::new(fixed.as_str()));
            assert!(
                !after.iter().any(|d| d.code == Code::Syntax),
                "{:?} broke the JSON:\n{fixed}",
                action.title
            );
            for &i in &action.diagnostics {
                let named = key(&before[i]);
                let count = |list: &[Diagnostic]| list.iter().filter(|d| key(d) == named).count();
                assert!(
                    count(&after) < count(&before),
                    "{:?} left {named:?}:\n{fixed}",
                    action.title
                );
            }
            applied += 1;
        }
    }
    applied
}

#[test]
fn actions_offered_on_the_broken_example() {
    check_offered(
        BROKEN,
        expect![[r#"
        quickfix (preferred) Swap acquisitionStart and acquisitionEnd: dates.order
        quickfix (preferred) Change to 'ortho': schema.enum
        quickfix Change to 'primary': schema.enum
        quickfix Change to 'projected': schema.enum
        quickfix (preferred) Close the ring: geometry.unclosed-ring
        quickfix (preferred) Clamp to 100: schema.range
        quickfix Remove property 'cloudCover': schema.additional-property
        source.fixAll Fix all auto-fixable problems (4 fixes): dates.order, schema.enum, geometry.unclosed-ring, schema.range
    "#]],
    );
}

#[test]
fn every_action_on_the_broken_example_removes_its_diagnostics() {
    assert!(assert_actions_fix(BROKEN) >= 8);
}

#[test]
fn fix_all_on_the_broken_example() {
    let store = SchemaStore::bundled();
    let doc = Document::new(BROKEN);
    let diagnostics = diagnostics(&store, &doc);
    let actions = code_actions(&doc, &store, &diagnostics, TextRange::empty(0));
    let fix_all: &CodeAction = actions
        .iter()
        .find(|a| a.kind == ActionKind::SourceFixAll)
        .expect("a fix-all action");
    let fixed = apply(BROKEN, &fix_all.edits);
    let after = diagnostics_text(&store, &fixed);
    expect![[r#"
        schema.additional-property unknown property 'cloudCover' in params; did you mean 'cloudCoverage'?
    "#]].assert_eq(&after);
}

fn diagnostics_text(store: &SchemaStore, text: &str) -> String {
    diagnostics(store, &Document::new(text))
        .iter()
        .map(|d| format!("{} {}\n", d.code, d.message))
        .collect()
}

#[test]
fn add_all_missing_required_properties() {
    let text = seed_with("    \"acquisitionMode\": \"mono\",\n", "")
        .replacen("    \"cloudCoverage\": 10,\n", "", 1)
        .replacen("    \"pixelCoding\": \"12bits\",\n", "", 1);
    check_offered(
        &text,
        expect![[r#"
        quickfix Add 'acquisitionMode': "mono": schema.required
        quickfix Add 'cloudCoverage': 20: schema.required
        quickfix Add 'pixelCoding': "12bits": schema.required
        quickfix Add all missing required properties (acquisitionMode, cloudCoverage, pixelCoding): schema.required, schema.required, schema.required
    "#]],
    );
    assert_actions_fix(&text);
    let store = SchemaStore::bundled();
    let doc = Document::new(text.as_str());
    let diagnostics = diagnostics(&store, &doc);
    let all = code_actions(&doc, &store, &diagnostics, diagnostics[0].range)
        .into_iter()
        .find(|a| a.title.starts_with("Add all"))
        .unwrap();
    let fixed = apply(&text, &all.edits);
    assert_eq!(diagnostics_text(&store, &fixed), "");
    expect![[r#"
        "projection": "4326",
            "acquisitionMode": "mono",
            "cloudCoverage": 20,
            "pixelCoding": "12bits"
          }
        }
    "#]]
    .assert_eq(&fixed[fixed.find("\"projection\"").unwrap()..]);
}

#[test]
fn add_all_into_an_empty_params() {
    let text = r#"{
  "dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a",
  "params": {}
}"#;
    assert_actions_fix(text);
}

#[test]
fn current_form_does_not_add_geometry_to_params() {
    let text = SAR.replacen("    \"looks\": 1,\n", "", 1).replacen(
        "    \"priority\": \"standard\",\n",
        "",
        1,
    );
    check_offered(
        &text,
        expect![[r#"
        quickfix Add 'priority': "standard": schema.required
        quickfix Add 'looks': 1: schema.required
        quickfix Add all missing required properties (priority, looks): schema.required, schema.required
    "#]],
    );
    assert_actions_fix(&text);
}

#[test]
fn more_fixes_remove_their_diagnostics() {
    for text in [
        // Clockwise exterior ring.
        seed_with(
            "[-79.6418, 8.8703],\n          [-79.4388, 8.8703],\n          [-79.4387, 9.0727]",
            "[-79.4387, 9.0727],\n          [-79.4388, 8.8703],\n          [-79.6418, 8.8703]",
        ),
        seed_with("\"cloudCoverage\": 10", "\"cloudCoverage\": \"10\""),
        seed_with(
            "\"deliveredAs\": \"geotiff\"",
            "\"deliveredAs\": \"GeoTIFF\"",
        ),
        seed_with("\"incidenceAngle\": 10", "\"incidenceAngle\": -5"),
        seed_with(
            "\"acquisitionStart\": \"2027-03-01T00:00:00.000Z\"",
            "\"acquisitionStart\": \"2027-03-01\"",
        ),
        seed_with(
            "\"pixelCoding\": \"12bits\",\n",
            "\"pixelCoding\": \"12bits\",\n    \"foo\": 1,\n",
        ),
    ] {
        assert!(assert_actions_fix(&text) >= 1, "no action for:\n{text}");
    }
}

#[test]
fn only_diagnostics_touching_the_range() {
    let store = SchemaStore::bundled();
    let doc = Document::new(BROKEN);
    let diagnostics = diagnostics(&store, &doc);
    let at = BROKEN.find("150").unwrap();
    let actions = code_actions(&doc, &store, &diagnostics, TextRange::empty(at + 3));
    let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
    expect![[r#"
        [
            "Clamp to 100",
            "Fix all auto-fixable problems (4 fixes)",
        ]
    "#]]
    .assert_debug_eq(&titles);
}
