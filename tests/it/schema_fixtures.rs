//! One fixture per point of issue 10, each asserting code, range (1-based line:column, UTF-16)
//! and message text, with the fixes each diagnostic carries: the active branch in hover,
//! never offering what the check rejects, one diagnostic per fault with the union of fixes,
//! message wording (`null`, separators, non-printing characters escaped), an unknown product
//! (did you mean, exit code), a leading byte order mark, and a number beyond f64's range. The
//! three files from `shared/cases` are copied under `tests/fixtures/schema/`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use expect_test::{expect, Expect};
use tasking_ls::check::{check_document, CheckOptions, Diagnostic};
use tasking_ls::document::{Document, PositionEncoding, TextRange};
use tasking_ls::ide::{completions_at, hover};
use tasking_ls::schema::{ProductSchema, SchemaStore};

const BOM: &str = include_str!("../fixtures/schema/bom_prefixed_tasking_request.json");
const NEO_QUOTED: &str =
    include_str!("../fixtures/schema/pneo_stereo_minbh_quoted_tasking_request.json");
const NEO_COMPLETION: &str =
    include_str!("../fixtures/schema/pneo_stereo_minbh_completion_tasking_request.json");
const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-11-28T12:00:00Z".parse().unwrap()
}

fn position(doc: &Document, range: TextRange) -> String {
    let index = doc.line_index();
    let start = index.line_col(range.start as usize, PositionEncoding::Utf16);
    let end = index.line_col(range.end as usize, PositionEncoding::Utf16);
    format!(
        "{}:{}-{}:{}",
        start.line + 1,
        start.col + 1,
        end.line + 1,
        end.col + 1
    )
}

fn diagnostics_of(text: &str, unknown_is_error: bool) -> (Document, Vec<Diagnostic>) {
    let store = SchemaStore::bundled();
    let mut options = CheckOptions::new(&store);
    options.now = now();
    options.unknown_product_is_error = unknown_is_error;
    let doc = Document::new(text);
    let diagnostics = check_document(&doc, &options);
    (doc, diagnostics)
}

/// Each diagnostic as `severity code range `text`: message`, then its fixes (`*` preferred)
/// with their edits.
fn render(doc: &Document, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&format!(
            "{} {} {} `{}`: {}\n",
            d.severity.as_str(),
            d.code,
            position(doc, d.range),
            doc.slice(d.range).replace('\n', "⏎"),
            d.message
        ));
        for fix in &d.fixes {
            let edits: Vec<String> = fix
                .edits
                .iter()
                .map(|e| format!("{} {:?}", position(doc, e.range), e.new_text))
                .collect();
            out.push_str(&format!(
                "  fix{} {}: {}\n",
                if fix.preferred { "*" } else { "" },
                fix.title,
                edits.join(", ")
            ));
        }
    }
    out
}

fn check(text: &str, expect: Expect) {
    let (doc, diagnostics) = diagnostics_of(text, false);
    expect.assert_eq(&render(&doc, &diagnostics));
}

fn seed_with(from: &str, to: &str) -> String {
    assert!(SEED.contains(from), "fixture text {from:?} not in the seed");
    SEED.replacen(from, to, 1)
}

fn neo_with(from: &str, to: &str) -> String {
    assert!(
        NEO_QUOTED.contains(from),
        "fixture text {from:?} not in the fixture"
    );
    NEO_QUOTED.replacen(from, to, 1)
}

// 1. The active branch -------------------------------------------------------------------------

#[test]
fn hover_on_min_bh_names_the_branch_that_applies() {
    let text = neo_with(r#""minBH": "0.3""#, r#""minBH": 0.3"#);
    let offset = text.find("\"minBH\"").unwrap() + 2;
    let doc = Document::new(text.as_str());
    let store = SchemaStore::bundled();
    let info = hover(&doc, &store, offset).expect("a hover on minBH");
    let shown = format!(
        "{} `{}`\n{}\n",
        position(&doc, info.range),
        doc.slice(info.range),
        info.markdown
    );
    assert!(
        shown.contains("When acquisitionMode is 'stereo'"),
        "the hover names the condition: {shown}"
    );
    expect![[r#"
        27:5-27:12 `"minBH"`
        **Minimum B/H ratio** `minBH`

        Smallest base-to-height ratio between stereo images; null for mono.

        Type: number  
        Range: 0.1–0.8  
        When acquisitionMode is 'stereo' (not 'mono'): type number
    "#]]
    .assert_eq(&shown);
}

// 2. Never offer what the check rejects ---------------------------------------------------------

#[test]
fn value_completion_for_min_bh_in_stereo_offers_numbers_in_range_never_null() {
    // The case file: line 21 (0-based 20), character 13, after `"minBH": `.
    let doc = Document::new(NEO_COMPLETION);
    let offset = doc.line_index().offset(
        tasking_ls::document::LineCol { line: 20, col: 13 },
        PositionEncoding::Utf16,
    );
    assert_eq!(&NEO_COMPLETION[offset - 9..offset], "\"minBH\": ");
    let store = SchemaStore::bundled();
    let items = completions_at(&doc, &store, offset, now());
    let labels: Vec<String> = items
        .iter()
        .map(|i| format!("{} — {}", i.label, i.detail.clone().unwrap_or_default()))
        .collect();
    assert!(items.iter().all(|i| i.edit.new_text != "null"));
    expect![[r#"
        [
            "0.1 — minimum",
            "0.8 — maximum",
            "0.45 — within the range",
        ]
    "#]]
    .assert_debug_eq(&labels);
    // Each offered value, once inserted, draws nothing on minBH.
    for item in &items {
        let mut text = NEO_COMPLETION.to_string();
        text.replace_range(item.edit.range.as_range(), &item.edit.new_text);
        let (doc, diagnostics) = diagnostics_of(&text, false);
        let line = doc
            .line_index()
            .line_col(offset, PositionEncoding::Utf16)
            .line;
        assert!(
            diagnostics.iter().all(|d| doc
                .line_index()
                .line_col(d.range.start as usize, PositionEncoding::Utf16)
                .line
                != line),
            "{}: {}",
            item.label,
            render(&doc, &diagnostics)
        );
    }
}

// 3. One diagnostic per fault, the union of fixes ----------------------------------------------

#[test]
fn a_quoted_min_bh_in_stereo_is_one_type_diagnostic() {
    check(
        NEO_QUOTED,
        expect![[r#"
            error schema.type 27:14-27:19 `"0.3"`: minBH must be a number when acquisitionMode is 'stereo' (not 'mono'), found string '0.3'
              fix* Convert to the number 0.3: 27:14-27:19 "0.3"
        "#]],
    );
}

/// A product whose fields are constrained twice: by their own schema and by a branch.
fn twice_constrained() -> SchemaStore {
    let mut store = SchemaStore::bundled();
    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "kind": {"enum": ["x", "y"]},
            "mode": {"type": "string", "enum": ["a", "b", "c"]},
            "count": {"type": "integer", "minimum": 1, "maximum": 10}
        },
        "allOf": [{
            "if": {"properties": {"kind": {"const": "x"}}, "required": ["kind"]},
            "then": {"properties": {
                "mode": {"type": "string", "enum": ["b", "c", "d"]},
                "count": {"type": "integer", "maximum": 5}
            }}
        }]
    });
    store.insert(ProductSchema::new(
        TWICE,
        schema,
        tasking_ls::schema::SchemaOrigin::Bundled,
    ));
    store
}

const TWICE: &str = "00000000-0000-4000-8000-000000000001";

#[test]
fn a_fault_two_keywords_report_is_one_diagnostic_naming_the_condition() {
    let store = twice_constrained();
    let mut options = CheckOptions::new(&store);
    options.now = now();
    // `mode` fails both enums, `count` both types and one maximum: one diagnostic each; the
    // enum one offers only what both allow (b, c), the message names the branch.
    for (params, expect) in [
        (
            r#"{"kind": "x", "mode": "e", "count": 3}"#,
            expect![[r#"
                error schema.enum 1:89-1:92 `"e"`: 'e' is not allowed for mode when kind is 'x'; allowed: 'b', 'c'
                  fix Change to 'b': 1:89-1:92 "\"b\""
                  fix Change to 'c': 1:89-1:92 "\"c\""
            "#]],
        ),
        (
            r#"{"kind": "x", "mode": "b", "count": "3"}"#,
            expect![[r#"
                error schema.type 1:103-1:106 `"3"`: count must be an integer when kind is 'x', found string '3'
                  fix* Convert to the number 3: 1:103-1:106 "3"
            "#]],
        ),
        (
            r#"{"kind": "x", "mode": "b", "count": 8}"#,
            expect![[r#"
                error schema.range 1:103-1:104 `8`: count is 8, above the maximum 5 when kind is 'x' (allowed: 1 to 5)
                  fix* Clamp to 5: 1:103-1:104 "5"
            "#]],
        ),
        (
            r#"{"kind": "y", "mode": "d", "count": 11}"#,
            expect![[r#"
                error schema.enum 1:89-1:92 `"d"`: 'd' is not allowed for mode; allowed: 'a', 'b', 'c'
                  fix Change to 'a': 1:89-1:92 "\"a\""
                  fix Change to 'b': 1:89-1:92 "\"b\""
                  fix Change to 'c': 1:89-1:92 "\"c\""
                error schema.range 1:103-1:105 `11`: count is 11, above the maximum 10 (allowed: 1 to 10)
                  fix* Clamp to 10: 1:103-1:105 "10"
            "#]],
        ),
    ] {
        let text = format!(r#"{{"dataProduct": "{TWICE}", "params": {params}}}"#);
        let doc = Document::new(text.as_str());
        let diagnostics = check_document(&doc, &options);
        expect.assert_eq(&render(&doc, &diagnostics));
    }
}

// 4. Message wording -----------------------------------------------------------------------------

#[test]
fn null_is_named_once() {
    check(
        &seed_with(r#""cloudCoverage": 10"#, r#""cloudCoverage": null"#),
        expect![[r#"
            error schema.type 25:22-25:26 `null`: cloudCoverage must be an integer, found null
        "#]],
    );
}

#[test]
fn an_enum_message_separates_the_allowed_values() {
    check(
        &seed_with(r#""type": "Polygon""#, r#""type": "Polygn""#),
        expect![[r#"
            error schema.enum 13:15-13:23 `"Polygn"`: 'Polygn' is not allowed for geometry.type; did you mean 'Polygon'? Allowed: 'Polygon'
              fix* Change to 'Polygon': 13:15-13:23 "\"Polygon\""
        "#]],
    );
}

#[test]
fn non_printing_characters_are_escaped() {
    check(
        &seed_with(
            r#""acquisitionMode": "mono""#,
            r#""acquisitionMode": "\ufeffmono\u0007\u200b""#,
        ),
        expect![[r#"
            error schema.enum 7:24-7:48 `"\ufeffmono\u0007\u200b"`: '\u{feff}mono\u{7}\u{200b}' is not allowed for acquisitionMode; did you mean 'mono'? Allowed: 'mono', 'stereo', 'tristereo' (Tri-stereo)
              fix* Change to 'mono': 7:24-7:48 "\"mono\""
              fix Change to 'stereo': 7:24-7:48 "\"stereo\""
              fix Change to 'tristereo': 7:24-7:48 "\"tristereo\""
        "#]],
    );
}

// 5. An unknown product --------------------------------------------------------------------------

/// The seed's product id with one character changed.
fn typo_product() -> String {
    let id = "bd102407-1814-4f92-8b5a-7697b7a73f5a";
    assert!(SEED.contains(id));
    SEED.replacen(id, "bd102407-1814-4f92-8b5a-7697b7a73f5b", 1)
}

#[test]
fn an_unknown_product_one_character_away_gets_did_you_mean_with_the_title() {
    let (doc, diagnostics) = diagnostics_of(&typo_product(), true);
    expect![[r#"
        error product.unknown 2:18-2:56 `"bd102407-1814-4f92-8b5a-7697b7a73f5b"`: unknown data product bd102407-1814-4f92-8b5a-7697b7a73f5b; did you mean bd102407-1814-4f92-8b5a-7697b7a73f5a (Pléiades Analytic)? Until then the envelope, geometry and dates are checked, params are not checked against a product schema
          fix* Change to bd102407-1814-4f92-8b5a-7697b7a73f5a (Pléiades Analytic): 2:18-2:56 "\"bd102407-1814-4f92-8b5a-7697b7a73f5a\""
    "#]].assert_eq(&render(&doc, &diagnostics));
}

#[test]
fn an_unknown_product_far_from_any_says_what_was_checked_and_how_to_supply_the_schema() {
    let text = SEED.replacen(
        "bd102407-1814-4f92-8b5a-7697b7a73f5a",
        "0f0f0f0f-1111-4222-8333-444455556666",
        1,
    );
    let (doc, diagnostics) = diagnostics_of(&text, true);
    expect![[r#"
        error product.unknown 2:18-2:56 `"0f0f0f0f-1111-4222-8333-444455556666"`: no schema for data product 0f0f0f0f-1111-4222-8333-444455556666 (it is not bundled and not in the schema cache): the envelope, geometry and dates are checked, params are not checked against a product schema. Supply the schema with `tasking-ls schema fetch 0f0f0f0f-1111-4222-8333-444455556666` or --schema-dir DIR (a folder of <product-id>.json files)
    "#]].assert_eq(&render(&doc, &diagnostics));
    // The language server's setting: a warning while a fetch may still succeed.
    let (doc, diagnostics) = diagnostics_of(&text, false);
    expect![[r#"
        warning product.unknown 2:18-2:56 `"0f0f0f0f-1111-4222-8333-444455556666"`: no schema for data product 0f0f0f0f-1111-4222-8333-444455556666 (it is not bundled and not in the schema cache): the envelope, geometry and dates are checked, params are not checked against a product schema. Supply the schema with `tasking-ls schema fetch 0f0f0f0f-1111-4222-8333-444455556666` or --schema-dir DIR (a folder of <product-id>.json files)
    "#]].assert_eq(&render(&doc, &diagnostics));
}

fn tasking_ls(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tasking-ls"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .env_remove("UP42_TOKEN")
        .env_remove("UP42_USERNAME")
        .env_remove("UP42_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .expect("run tasking-ls")
}

#[test]
fn validate_fails_on_an_unknown_product_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("typo_tasking_request.json"), typo_product()).unwrap();
    let failed = tasking_ls(
        dir.path(),
        &[
            "validate",
            "--offline",
            "--format",
            "json",
            "typo_tasking_request.json",
        ],
    );
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    let report = String::from_utf8_lossy(&failed.stdout);
    assert!(report.contains("\"product.unknown\""), "{report}");
    assert!(report.contains("\"error\""), "{report}");
    let allowed = tasking_ls(
        dir.path(),
        &[
            "validate",
            "--offline",
            "--allow-unknown-products",
            "typo_tasking_request.json",
        ],
    );
    assert_eq!(allowed.status.code(), Some(0), "{allowed:?}");
}

// 6. Input conventions -----------------------------------------------------------------------------

#[test]
fn a_leading_byte_order_mark_is_one_diagnostic_and_the_rest_is_checked() {
    check(
        BOM,
        expect![[r#"
        error syntax 1:1-1:2 `﻿`: the file starts with a byte order mark (U+FEFF), which JSON forbids (RFC 8259 §8.1); remove it
          fix* Remove the byte order mark: 1:1-1:2 ""
        error schema.range 25:22-25:25 `500`: cloudCoverage is 500, above the maximum 100 (allowed: 0 to 100)
          fix* Clamp to 100: 25:22-25:25 "100"
    "#]],
    );
}

#[test]
fn validate_reads_a_file_with_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bom_tasking_request.json"), BOM).unwrap();
    let output = tasking_ls(
        dir.path(),
        &["validate", "--offline", "bom_tasking_request.json"],
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report = String::from_utf8_lossy(&output.stdout);
    expect![[r#"
        bom_tasking_request.json:1:1: error[syntax]: the file starts with a byte order mark (U+FEFF), which JSON forbids (RFC 8259 §8.1); remove it
          |
        1 | ﻿{
          | ^
          |
          = help: Remove the byte order mark

        bom_tasking_request.json:25:22: error[schema.range]: cloudCoverage is 500, above the maximum 100 (allowed: 0 to 100)
           |
        25 |     "cloudCoverage": 500,
           |                      ^^^
           |
           = help: Clamp to 100

        Checked 1 file: 2 errors, 0 warnings in 1 file
    "#]].assert_eq(&report);
}

#[test]
fn a_number_beyond_f64_range_is_a_number_out_of_range() {
    check(
        &seed_with(r#""cloudCoverage": 10"#, r#""cloudCoverage": 1e400"#),
        expect![[r#"
            error schema.range 25:22-25:27 `1e400`: cloudCoverage is 1e400, above the maximum 100 (allowed: 0 to 100)
              fix* Clamp to 100: 25:22-25:27 "100"
        "#]],
    );
    check(
        &seed_with(r#""cloudCoverage": 10"#, r#""cloudCoverage": -1e400"#),
        expect![[r#"
            error schema.range 25:22-25:28 `-1e400`: cloudCoverage is -1e400, below the minimum 0 (allowed: 0 to 100)
              fix* Clamp to 0: 25:22-25:28 "0"
        "#]],
    );
}
