//! Completion, hover and the window actions of a search-style order (`datetime`, `geometry`,
//! `filter`, `order_parameters`), from the STAPI test server's published schemas
//! (`tests/stapi/fixtures/`, what `stapi-fastapi` serves for the two test products): a
//! document with a `$0` cursor and the expected list or text; then every offset of a few
//! orders and of all their prefixes, where nothing may panic and every property offered in
//! a filter must be a queryable.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use expect_test::{expect, Expect};
use serde_json::Value;
use tasking_ls::check::cql2::operators;
use tasking_ls::document::{Document, TextRange};
use tasking_ls::ide::{
    operator_markdown, search_completions_at, search_hover, set_window_actions, strip_snippet,
    CompletionItem, CompletionKind, WindowChoice,
};
use tasking_ls::schema::{ProductSchema, SchemaOrigin, SearchProduct};

fn now() -> DateTime<Utc> {
    "2026-11-28T12:34:56Z".parse().unwrap()
}

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/stapi/fixtures")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A product of the test server from its published schemas.
fn product(id: &str, types: &[&str]) -> SearchProduct {
    SearchProduct {
        id: id.to_string(),
        title: String::new(),
        options: Some(ProductSchema::new(
            id,
            fixture(&format!("{id}.order-parameters.json")),
            SchemaOrigin::Fetched,
        )),
        queryables: Some(ProductSchema::new(
            format!("{id}#queryables"),
            fixture(&format!("{id}.queryables.json")),
            SchemaOrigin::Fetched,
        )),
        geometry_types: Some(types.iter().map(|t| t.to_string()).collect()),
        unavailable: None,
    }
}

fn optical() -> SearchProduct {
    product("optical-30cm", &["Point", "Polygon"])
}

fn radar() -> SearchProduct {
    product("sar-spotlight", &["Polygon"])
}

fn items(product: &SearchProduct, text: &str) -> (Document, Vec<CompletionItem>) {
    let offset = text.find("$0").expect("a $0 cursor marker");
    let doc = Document::new(text.replacen("$0", "", 1));
    let mut items = search_completions_at(&doc, product, offset, now());
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    (doc, items)
}

/// One line per item, in sort order: label, then detail.
fn check_labels(product: &SearchProduct, text: &str, expect: Expect) {
    let (_, items) = items(product, text);
    let rendered: String = items
        .iter()
        .map(|i| match &i.detail {
            Some(detail) => format!("{} — {detail}\n", i.label),
            None => format!("{}\n", i.label),
        })
        .collect();
    expect.assert_eq(&rendered);
}

/// The document after accepting the item labelled `label` (snippets as plain text).
fn check_accept(product: &SearchProduct, text: &str, label: &str, expect: Expect) {
    let (doc, items) = items(product, text);
    let item = items
        .iter()
        .find(|i| i.label == label)
        .unwrap_or_else(|| panic!("no item {label:?}"));
    let mut edits = vec![item.edit.clone()];
    edits.extend(item.additional_edits.iter().cloned());
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = doc.text().to_string();
    for edit in edits {
        let new_text = if item.is_snippet && edit == item.edit {
            strip_snippet(&edit.new_text)
        } else {
            edit.new_text.clone()
        };
        out.replace_range(edit.range.as_range(), &new_text);
    }
    expect.assert_eq(&out);
}

fn check_hover(product: &SearchProduct, text: &str, expect: Expect) {
    let offset = text.find("$0").expect("a $0 cursor marker");
    let doc = Document::new(text.replacen("$0", "", 1));
    let hover = search_hover(&doc, product, offset);
    expect.assert_eq(&hover.map(|h| h.markdown).unwrap_or_default());
}

#[test]
fn top_level_keys() {
    check_labels(
        &optical(),
        r#"{"$0"}"#,
        expect![[r#"
            datetime — Time window (RFC 3339 interval)
            geometry — Area of interest (GeoJSON)
            order_parameters — The product's options
            filter — CQL2-JSON filter on the queryables
        "#]],
    );
}

#[test]
fn operators_after_op() {
    check_labels(
        &optical(),
        r#"{"filter": {"op": "$0"}}"#,
        expect![[r#"
            and — logical, at least 2 arguments
            or — logical, at least 2 arguments
            not — logical, 1 argument
            = — comparison (Basic CQL2), 2 arguments
            <> — comparison (Basic CQL2), 2 arguments
            < — comparison (Basic CQL2), 2 arguments
            <= — comparison (Basic CQL2), 2 arguments
            > — comparison (Basic CQL2), 2 arguments
            >= — comparison (Basic CQL2), 2 arguments
            like — comparison (Advanced Comparison Operators), 2 arguments
            between — comparison (Advanced Comparison Operators), 3 arguments
            in — comparison (Advanced Comparison Operators), 2 arguments
            isNull — comparison (Basic CQL2), 1 argument
            s_intersects — spatial (Spatial Functions), 2 arguments
            s_equals — spatial (Spatial Functions), 2 arguments
            s_disjoint — spatial (Spatial Functions), 2 arguments
            s_touches — spatial (Spatial Functions), 2 arguments
            s_within — spatial (Spatial Functions), 2 arguments
            s_overlaps — spatial (Spatial Functions), 2 arguments
            s_crosses — spatial (Spatial Functions), 2 arguments
            s_contains — spatial (Spatial Functions), 2 arguments
            t_after — temporal (Temporal Functions), 2 arguments
            t_before — temporal (Temporal Functions), 2 arguments
            t_contains — temporal (Temporal Functions), 2 arguments
            t_disjoint — temporal (Temporal Functions), 2 arguments
            t_during — temporal (Temporal Functions), 2 arguments
            t_equals — temporal (Temporal Functions), 2 arguments
            t_finishedBy — temporal (Temporal Functions), 2 arguments
            t_finishes — temporal (Temporal Functions), 2 arguments
            t_intersects — temporal (Temporal Functions), 2 arguments
            t_meets — temporal (Temporal Functions), 2 arguments
            t_metBy — temporal (Temporal Functions), 2 arguments
            t_overlappedBy — temporal (Temporal Functions), 2 arguments
            t_overlaps — temporal (Temporal Functions), 2 arguments
            t_startedBy — temporal (Temporal Functions), 2 arguments
            t_starts — temporal (Temporal Functions), 2 arguments
            a_equals — array (Array Functions), 2 arguments
            a_contains — array (Array Functions), 2 arguments
            a_containedBy — array (Array Functions), 2 arguments
            a_overlaps — array (Array Functions), 2 arguments
            casei — function (Case-insensitive Comparison), 1 argument
            accenti — function (Accent-insensitive Comparison), 1 argument
            + — arithmetic (Arithmetic operators), 2 arguments
            - — arithmetic (Arithmetic operators), 2 arguments
            * — arithmetic (Arithmetic operators), 2 arguments
            / — arithmetic (Arithmetic operators), 2 arguments
            % — arithmetic (Arithmetic operators), 2 arguments
            ^ — arithmetic (Arithmetic operators), 2 arguments
            div — arithmetic (Arithmetic operators), 2 arguments
        "#]],
    );
}

#[test]
fn queryables_after_property() {
    check_labels(
        &optical(),
        r#"{"filter": {"op": "<=", "args": [{"property": "$0"}, 20]}}"#,
        expect![[r#"
            off_nadir — Off Nadir · number
            cloud_cover — Cloud Cover · integer
            sun_elevation — Sun Elevation · number
        "#]],
    );
}

#[test]
fn queryable_enum_values_in_a_comparison() {
    check_labels(
        &radar(),
        r#"{"filter": {"op": "=", "args": [{"property": "look_direction"}, "$0"]}}"#,
        expect![[r#"
            left
            right
        "#]],
    );
    check_labels(
        &radar(),
        r#"{"filter": {"op": "in", "args": [{"property": "look_direction"}, ["$0"]]}}"#,
        expect![[r#"
            left
            right
        "#]],
    );
}

#[test]
fn queryable_bounds_in_a_comparison() {
    check_labels(
        &optical(),
        r#"{"filter": {"op": "<=", "args": [{"property": "cloud_cover"}, $0]}}"#,
        expect![[r#"
            20 — default
            0 — minimum
            100 — maximum
            {"property": "off_nadir"} — Off Nadir · number
            {"property": "cloud_cover"} — Cloud Cover · integer
            {"property": "sun_elevation"} — Sun Elevation · number
            {"op": …, "args": […]} — An operation
        "#]],
    );
}

#[test]
fn an_args_slot_takes_a_property_or_an_operation() {
    check_accept(
        &optical(),
        r#"{"filter": {"op": "and", "args": [$0]}}"#,
        "{\"op\": …, \"args\": […]}",
        expect![[r#"{"filter": {"op": "and", "args": [{"op": "", "args": []}]}}"#]],
    );
    check_accept(
        &optical(),
        r#"{"filter": {"op": "<=", "args": [$0]}}"#,
        "{\"property\": \"cloud_cover\"}",
        expect![[r#"{"filter": {"op": "<=", "args": [{"property": "cloud_cover"}]}}"#]],
    );
}

#[test]
fn the_filter_itself_takes_an_operation() {
    check_accept(
        &optical(),
        r#"{"filter": $0}"#,
        "{\"op\": …, \"args\": […]}",
        expect![[r#"{"filter": {"op": "", "args": []}}"#]],
    );
}

#[test]
fn keys_of_a_filter_object() {
    check_accept(
        &optical(),
        r#"{"filter": {"$0"}}"#,
        "op",
        expect![[r#"{"filter": {"op": "", "args": []}}"#]],
    );
}

#[test]
fn order_parameters_keys_and_values_from_the_options_schema() {
    check_labels(
        &optical(),
        r#"{"order_parameters": {"$0"}}"#,
        expect![[r#"
            resolution — Resolution
            reference — Reference
            bands — Bands
            priority — Priority
            note — Note
        "#]],
    );
    check_labels(
        &optical(),
        r#"{"order_parameters": {"resolution": "$0"}}"#,
        expect![[r#"
            30cm
            50cm
            70cm
        "#]],
    );
    // The options schema's if/then/else: spotlight allows at most 4 looks.
    check_labels(
        &radar(),
        r#"{"order_parameters": {"mode": "spotlight", "looks": $0}}"#,
        expect![[r#"
            1 — default
            4 — maximum
            3 — within the range
        "#]],
    );
}

#[test]
fn datetime_and_geometry_type_values() {
    check_labels(
        &optical(),
        r#"{"datetime": $0}"#,
        expect![[r#"
            2026-11-30T00:00:00Z/2026-12-07T00:00:00Z — One week, starting in two days
        "#]],
    );
    check_labels(
        &radar(),
        r#"{"geometry": {"type": "$0"}}"#,
        expect![[r#"
            Polygon
        "#]],
    );
}

#[test]
fn hover_on_a_property_an_operator_and_a_literal() {
    check_hover(
        &optical(),
        r#"{"filter": {"op": "<=", "args": [{"property": "cloud$0_cover"}, 20]}}"#,
        expect![[r#"
            **Cloud Cover** `cloud_cover` (queryable)

            Cloud cover, percent

            Type: integer  
            Range: 0–100  
            Default: `20`"#]],
    );
    check_hover(
        &optical(),
        r#"{"filter": {"op": "<$0=", "args": [{"property": "cloud_cover"}, 20]}}"#,
        expect![[r#"
            **<=** — comparison (Basic CQL2)

            Compares two values: a property, a literal or an expression. Literals compared with a queryable are checked against its schema.

            ```json
            {"op": "<=", "args": [{"property": "cloud_cover"}, 20]}
            ```

            A predicate (true or false) of 2 arguments."#]],
    );
    check_hover(
        &radar(),
        r#"{"filter": {"op": "=", "args": [{"property": "look_direction"}, "le$0ft"]}}"#,
        expect![[r#"
            **Look Direction** `look_direction` (queryable)

            Type: string  
            Default: `"right"`

            Allowed values:
            - `"left"` ← current
            - `"right"` (default)"#]],
    );
    check_hover(
        &optical(),
        r#"{"filter": {"op": "<=", "args": [{"property": "cloud_c$0ovr"}, 20]}}"#,
        expect!["**cloud_covr**: not a queryable of this product; its queryables: `off_nadir`, `cloud_cover`, `sun_elevation`"],
    );
}

#[test]
fn hover_on_order_parameters_and_top_level_keys() {
    check_hover(
        &optical(),
        r#"{"order_parameters": {"reso$0lution": "30cm"}}"#,
        expect![[r#"
            **Resolution** `resolution`

            Ground sample distance of the delivered image

            Type: string  
            Required

            Allowed values:
            - `"30cm"` ← current
            - `"50cm"`
            - `"70cm"`"#]],
    );
    check_hover(
        &optical(),
        r#"{"datetime": "2027-01-01T00:00:00Z/2027-01-0$05T12:00:00+02:00"}"#,
        expect![[r#"
            **Time window** `datetime`

            The acquisition window: an RFC 3339 interval `start/end` with a zone (`Z` or an offset); one end may be open (`..`). The end must be after the start.

            Window: 4.4 days, 2027-01-01 00:00 → 2027-01-05 10:00 UTC"#]],
    );
    check_hover(
        &optical(),
        r#"{"filter": {"op": "=$0=", "args": [1, 1]}}"#,
        expect!["**==** is not a CQL2 operator: CQL2 writes `=`"],
    );
    check_hover(
        &radar(),
        r#"{"geometry": {"type": "Po$0int", "coordinates": [1, 2]}}"#,
        expect![[r#"
            **type** — the GeoJSON geometry type

            This product accepts: Polygon.

            `Point` is not among them."#]],
    );
    check_hover(
        &optical(),
        r#"{"geo$0metry": null}"#,
        expect![[r#"
            **Area of interest** `geometry`

            A GeoJSON geometry in WGS84 longitude/latitude. `optical-30cm` accepts: Point, Polygon."#]],
    );
}

#[test]
fn every_operator_of_the_check_is_documented() {
    for op in operators() {
        let markdown = operator_markdown(op.name).unwrap_or_default();
        assert!(
            markdown.contains(&format!("\"op\": \"{}\"", op.name)),
            "{}: {markdown}",
            op.name
        );
        assert!(
            markdown.contains(&op.arity_text()),
            "{}: {markdown}",
            op.name
        );
    }
    assert_eq!(operator_markdown("=="), None);
}

#[test]
fn set_datetime_to_an_opportunity_keeps_every_other_byte() {
    let text = "{\r\n  \"datetime\" :  \"2027-01-01T00:00:00Z/2027-01-05T00:00:00Z\",\r\n  \"geometry\": {\"type\": \"Point\", \"coordinates\": [10, 45]}\r\n}";
    let doc = Document::new(text.to_string());
    let choices = [
        WindowChoice {
            interval: "2027-01-01T10:30:00+00:00/2027-01-01T10:50:00+00:00".to_string(),
            source: "provider opportunity".to_string(),
        },
        WindowChoice {
            interval: "2027-01-02T10:30:00+00:00/2027-01-02T10:50:00+00:00".to_string(),
            source: "provider opportunity".to_string(),
        },
    ];
    let on_datetime = TextRange::empty(text.find("datetime").unwrap());
    let actions = set_window_actions(&doc, &choices, on_datetime);
    let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Set datetime to 2027-01-01T10:30Z/2027-01-01T10:50Z (provider opportunity)",
            "Set datetime to 2027-01-02T10:30Z/2027-01-02T10:50Z (provider opportunity)"
        ]
    );
    let mut out = text.to_string();
    let edit = &actions[1].edits[0];
    out.replace_range(edit.range.as_range(), &edit.new_text);
    assert_eq!(
        out,
        text.replace(
            "2027-01-01T00:00:00Z/2027-01-05T00:00:00Z",
            "2027-01-02T10:30:00+00:00/2027-01-02T10:50:00+00:00"
        )
    );
    // Elsewhere in the order: no action.
    let on_geometry = TextRange::empty(text.find("coordinates").unwrap());
    assert!(set_window_actions(&doc, &choices, on_geometry).is_empty());
    // Without a datetime, the member is added.
    let doc = Document::new("{\n  \"geometry\": null\n}".to_string());
    let actions = set_window_actions(&doc, &choices, TextRange::empty(0));
    let mut out = doc.text().to_string();
    let edit = &actions[0].edits[0];
    out.replace_range(edit.range.as_range(), &edit.new_text);
    expect![[r#"
        {
          "geometry": null,
          "datetime": "2027-01-01T10:30:00+00:00/2027-01-01T10:50:00+00:00"
        }"#]]
    .assert_eq(&out);
}

/// The orders walked offset by offset, with all their prefixes (half-typed documents).
const ORDERS: &[&str] = &[
    r#"{
  "datetime": "2027-01-01T00:00:00Z/2027-01-05T00:00:00Z",
  "geometry": {"type": "Point", "coordinates": [10, 45]},
  "filter": {"op": "and", "args": [
    {"op": "<=", "args": [{"property": "cloud_cover"}, 20]},
    {"op": "between", "args": [{"property": "off_nadir"}, 0, 25]},
    {"op": "in", "args": [{"property": "look_direction"}, ["left", "right"]]},
    {"op": "not", "args": [{"op": "isNull", "args": [{"property": "sun_elevation"}]}]},
    {"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [1, 2, 3, 4]}]},
    {"op": "t_during", "args": [{"property": "datetime"}, {"interval": ["2027-01-01", ".."]}]},
    {"op": "lt", "args": [{"property": "nope"}, {"op": "+", "args": [1, 2]}]}
  ]},
  "order_parameters": {"resolution": "30cm", "mode": "spotlight", "looks": 3}
}"#,
    r#"{"filter": {"op": "=", "args": [{"property": "look_direction"}, "left"]}, "filter": [[[{"op": {"property": 1}}]]], "order_parameters": []}"#,
];

#[test]
fn every_offset_never_panics_and_offers_only_queryables() {
    for product in [optical(), radar(), SearchProduct::unknown("x", "offline")] {
        let names: Vec<String> = product
            .queryables
            .as_ref()
            .map(|q| q.fields().iter().map(|f| f.name.clone()).collect())
            .unwrap_or_default();
        let product = Arc::new(product);
        let mut checked = 0usize;
        for order in ORDERS {
            let cuts: Vec<usize> = (0..=order.len())
                .filter(|&i| order.is_char_boundary(i))
                .step_by(7)
                .chain([order.len()])
                .collect();
            for cut in cuts {
                let doc = Document::new(order[..cut].to_string());
                for offset in 0..=cut {
                    if !order.is_char_boundary(offset) {
                        continue;
                    }
                    for item in search_completions_at(&doc, &product, offset, now()) {
                        checked += 1;
                        assert!(item.edit.range.end as usize <= cut);
                        assert!(item.edit.range.start <= item.edit.range.end);
                        // A property reference offered: `{"property": "name"}` in an args
                        // slot, or `"name"` after `"property":`.
                        let is_reference = item.kind == CompletionKind::Property
                            && (item.edit.new_text.starts_with("{\"property\"")
                                || doc.text()[..item.edit.range.start as usize]
                                    .trim_end()
                                    .ends_with("\"property\":"));
                        if is_reference {
                            let name = item
                                .label
                                .trim_start_matches("{\"property\": \"")
                                .trim_end_matches("\"}");
                            assert!(
                                names.iter().any(|n| n == name),
                                "{name} offered at {offset} of {:?}",
                                doc.text()
                            );
                        }
                    }
                    let _ = search_hover(&doc, &product, offset);
                }
            }
        }
        assert!(checked > 0 || product.queryables.is_none());
    }
}

/// A random CQL2-JSON expression: operations of the check's table (and a few unknown
/// names), property references (some not queryables), literals of every JSON type.
fn random_expression(rng: &mut crate::support::lsp_client::XorShift, depth: usize) -> Value {
    use serde_json::json;
    let names = [
        "off_nadir",
        "cloud_cover",
        "look_direction",
        "incidence_angle",
        "nope",
    ];
    if depth > 3 || rng.chance(35) {
        return match rng.below(7) {
            0 => json!({"property": names[rng.below(names.len())]}),
            1 => json!(rng.below(100)),
            2 => json!("left"),
            3 => json!(null),
            4 => json!(true),
            5 => json!([1, "a", {"property": "cloud_cover"}]),
            _ => json!({"interval": ["2027-01-01", ".."]}),
        };
    }
    let ops: Vec<&str> = operators()
        .map(|op| op.name)
        .chain(["==", "bogus"])
        .collect();
    let op = ops[rng.below(ops.len())];
    let count = rng.below(4);
    let args: Vec<Value> = (0..count)
        .map(|_| random_expression(rng, depth + 1))
        .collect();
    json!({"op": op, "args": args})
}

/// Generated filters, pretty and compact, cut at random places: completion and hover at
/// every offset never panic, every property reference offered is a queryable of the product,
/// every operator offered is one the check accepts.
#[test]
fn generated_filters_offer_only_queryables_and_known_operators() {
    let mut rng = crate::support::lsp_client::XorShift::new(0x005E_A7C4);
    let known_ops: Vec<String> = operators()
        .map(|op| serde_json::to_string(op.name).unwrap())
        .collect();
    let mut offered = 0usize;
    for case in 0..60 {
        let product = if case % 2 == 0 { optical() } else { radar() };
        let names: Vec<String> = product
            .queryables
            .as_ref()
            .unwrap()
            .fields()
            .iter()
            .map(|f| format!("\"{}\"", f.name))
            .collect();
        let order = serde_json::json!({
            "datetime": "2027-01-01T00:00:00Z/2027-01-05T00:00:00Z",
            "filter": random_expression(&mut rng, 0),
        });
        let text = if case % 3 == 0 {
            order.to_string()
        } else {
            serde_json::to_string_pretty(&order).unwrap()
        };
        let cut = if rng.chance(30) {
            rng.below(text.len() + 1)
        } else {
            text.len()
        };
        let doc = Document::new(text[..cut].to_string());
        for offset in 0..=cut {
            for item in search_completions_at(&doc, &product, offset, now()) {
                let before = doc.text()[..item.edit.range.start as usize].trim_end();
                let new_text = item.edit.new_text.as_str();
                if before.ends_with("\"property\":") {
                    offered += 1;
                    assert!(
                        names.iter().any(|n| n == new_text),
                        "{new_text} at {offset}: {}",
                        doc.text()
                    );
                }
                if let Some(reference) = new_text.strip_prefix("{\"property\": ") {
                    let name = reference.trim_end_matches('}');
                    assert!(names.iter().any(|n| n == name), "{new_text} at {offset}");
                }
                if before.ends_with("\"op\":") && item.kind == CompletionKind::EnumMember {
                    assert!(known_ops.iter().any(|o| o == new_text), "{new_text}");
                }
            }
            let _ = search_hover(&doc, &product, offset);
        }
    }
    assert!(offered > 0, "no property completion was exercised");
}
