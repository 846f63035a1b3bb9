//! Nothing offered is then rejected (issue 10, point 2), shown the way an editor uses the ide
//! layer: for every bundled product, in every branch (each combination of the values the
//! schema's `if` conditions test, and each value of every other enum-valued field), for every
//! field, a document with a `$0` cursor where the key or the value goes, each completion item
//! applied (its text edit and additional edits; each option of a snippet's choice, the
//! placeholders as they stand), then checked again: no diagnostic on that field. The `init`
//! skeleton of every product is checked whole, and so is the request snippet at the root.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use tasking_ls::check::suggest::{skeleton_params, suggested};
use tasking_ls::check::{check_document, CheckOptions, Diagnostic};
use tasking_ls::document::{Document, PathSegment, TextRange};
use tasking_ls::ide::{completions_at, strip_snippet, CompletionItem, CompletionKind};
use tasking_ls::schema::{ProductSchema, SchemaStore};

fn now() -> DateTime<Utc> {
    "2026-11-28T12:34:56Z".parse().unwrap()
}

fn check(store: &SchemaStore, text: &str) -> (Document, Vec<Diagnostic>) {
    let mut options = CheckOptions::new(store);
    options.now = now();
    let doc = Document::new(text);
    let diagnostics = check_document(&doc, &options);
    (doc, diagnostics)
}

/// `{"dataProduct": id, "params": {...}}`, pretty, members in the given order; `cursor`
/// replaces the value of `field` (`Some("$0")`) or is put as a new member at the end.
fn write(product: &str, params: &Map<String, Value>) -> String {
    let request = json!({"dataProduct": product, "params": params});
    serde_json::to_string_pretty(&request).unwrap()
}

/// Every plain text a snippet can insert: each option of each choice (the first choice's
/// options crossed with the rest), placeholders and tab stops as they stand.
fn expansions(snippet: &str) -> Vec<String> {
    let chars: Vec<char> = snippet.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '$' if chars.get(i + 1) == Some(&'{') => {
                let mut j = i + 2;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                if chars.get(j) != Some(&'|') {
                    i += 1;
                    continue;
                }
                // A choice: options separated by unescaped ',' up to '|}'.
                let mut options = vec![String::new()];
                let mut k = j + 1;
                while k < chars.len() {
                    match chars[k] {
                        '\\' if k + 1 < chars.len() => {
                            options.last_mut().unwrap().push(chars[k + 1]);
                            k += 2;
                            continue;
                        }
                        ',' => options.push(String::new()),
                        '|' if chars.get(k + 1) == Some(&'}') => break,
                        c => options.last_mut().unwrap().push(c),
                    }
                    k += 1;
                }
                let before: String = chars[..i].iter().collect();
                let after: String = chars[(k + 2).min(chars.len())..].iter().collect();
                let mut out = Vec::new();
                for option in options {
                    let escaped: String = option
                        .chars()
                        .flat_map(|c| {
                            let escape = matches!(c, '$' | '}' | '\\');
                            escape.then_some('\\').into_iter().chain([c])
                        })
                        .collect();
                    out.extend(expansions(&format!("{before}{escaped}{after}")));
                }
                return out;
            }
            _ => i += 1,
        }
    }
    vec![strip_snippet(snippet)]
}

/// The document after accepting `item` with `new_text` for its main edit.
fn apply(doc: &Document, item: &CompletionItem, new_text: &str) -> String {
    let mut edits: Vec<(TextRange, String)> = vec![(item.edit.range, new_text.to_string())];
    edits.extend(
        item.additional_edits
            .iter()
            .map(|e| (e.range, e.new_text.clone())),
    );
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = doc.text().to_string();
    for (range, text) in edits {
        out.replace_range(range.as_range(), &text);
    }
    out
}

/// The texts accepting an item can insert.
fn insertions(item: &CompletionItem) -> Vec<String> {
    if item.is_snippet {
        expansions(&item.edit.new_text)
    } else {
        vec![item.edit.new_text.clone()]
    }
}

/// A snippet whose value is only a tab stop (`"minBH": $1`) offers no value: the user types
/// it. Those are counted, not checked (the document is incomplete on purpose).
fn offers_no_value(item: &CompletionItem) -> bool {
    item.is_snippet && {
        let text = item.edit.new_text.trim_end_matches(',').trim_end();
        text.ends_with(": $1") || text == "$1" || text.ends_with(": $0")
    }
}

/// The fields tested by the schema's `if` conditions (`acquisitionMode`, `geometricProcessing`).
fn condition_fields(schema: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![schema];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(properties) = map
                    .get("if")
                    .and_then(|i| i.get("properties"))
                    .and_then(Value::as_object)
                {
                    out.extend(properties.keys().cloned());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

fn allowed(schema: &ProductSchema, name: &str) -> Vec<Value> {
    schema
        .field(name)
        .map(|f| f.allowed.iter().map(|a| a.value.clone()).collect())
        .unwrap_or_default()
}

/// Every branch's `params`: the `init` skeleton with the condition fields set to each
/// combination of their values, and each other enum-valued field to each of its values;
/// optional fields added with the value suggested for them, so that their own completions are
/// tried in context too.
fn branches(schema: &ProductSchema) -> Vec<Map<String, Value>> {
    let skeleton = skeleton_params(schema, "Survey", now());
    let conditions: Vec<String> = condition_fields(&schema.schema).into_iter().collect();
    let mut combinations: Vec<Vec<(String, Value)>> = vec![Vec::new()];
    for name in &conditions {
        let mut next = Vec::new();
        for combination in &combinations {
            for value in allowed(schema, name) {
                let mut with = combination.clone();
                with.push((name.clone(), value));
                next.push(with);
            }
        }
        combinations = next;
    }
    let first = combinations[0].clone();
    for field in schema.fields() {
        if conditions.contains(&field.name) || field.allowed.len() < 2 {
            continue;
        }
        for value in &field.allowed {
            let mut with = first.clone();
            with.push((field.name.clone(), value.value.clone()));
            combinations.push(with);
        }
    }
    combinations
        .into_iter()
        .map(|combination| {
            let mut params = skeleton.clone();
            for (name, value) in combination {
                params.insert(name, value);
            }
            // Optional fields: the value suggested for them in this branch (left out when none).
            for field in schema.fields() {
                if params.contains_key(&field.name) {
                    continue;
                }
                let path = [PathSegment::Key(field.name.clone())];
                if let Some(value) = suggested(schema, &Value::Object(params.clone()), &path, now())
                {
                    params.insert(field.name.clone(), value);
                }
            }
            params
        })
        .collect()
}

/// Diagnostics on the member `field` of `params` (key or value), and every syntax error.
fn on_field<'a>(doc: &Document, diagnostics: &'a [Diagnostic], field: &str) -> Vec<&'a Diagnostic> {
    let member = doc
        .root()
        .and_then(|r| r.get("params"))
        .and_then(|p| p.member(field))
        .map(|m| m.range);
    diagnostics
        .iter()
        // `feasibility.*` judges the order as a whole (an angle too small for stereo is a
        // valid value), not whether a suggested value is accepted.
        .filter(|d| !d.code.as_str().starts_with("feasibility."))
        .filter(|d| {
            d.code.as_str() == "syntax"
                || member.is_some_and(|m| d.range.start < m.end && d.range.end > m.start)
                || member.is_some_and(|m| d.range.is_empty() && m.contains(d.range.start as usize))
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    branches: usize,
    contexts: usize,
    insertions: usize,
    no_value_snippets: usize,
    /// Insertions per (product, field, key or value).
    per_field: std::collections::BTreeMap<(String, String, String), usize>,
    failures: Vec<String>,
}

fn try_items(
    store: &SchemaStore,
    product: &str,
    field: &str,
    text_with_cursor: &str,
    what: &str,
    keep: &dyn Fn(&CompletionItem) -> bool,
    tally: &mut Tally,
) {
    let offset = text_with_cursor.find("$0").unwrap();
    let text = text_with_cursor.replacen("$0", "", 1);
    let doc = Document::new(text);
    let items = completions_at(&doc, store, offset, now());
    tally.contexts += 1;
    for item in items.iter().filter(|i| keep(i)) {
        if offers_no_value(item) {
            tally.no_value_snippets += 1;
            continue;
        }
        for inserted in insertions(item) {
            *tally
                .per_field
                .entry((product.to_string(), field.to_string(), what.to_string()))
                .or_default() += 1;
            tally.insertions += 1;
            let after = apply(&doc, item, &inserted);
            let (new_doc, diagnostics) = check(store, &after);
            let bad = on_field(&new_doc, &diagnostics, field);
            if !bad.is_empty() && tally.failures.len() < 15 {
                tally.failures.push(format!(
                    "{product} {what} {field}: item {:?} inserting {inserted:?} gives\n{}\nin\n{after}",
                    item.label,
                    bad.iter()
                        .map(|d| format!("  {} `{}`: {}", d.code, new_doc.slice(d.range), d.message))
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
            } else if !bad.is_empty() {
                tally.failures.push(String::new());
            }
        }
    }
}

#[test]
fn every_completion_snippet_and_skeleton_is_accepted_by_the_check() {
    let store = SchemaStore::bundled();
    let mut tally = Tally::default();
    let ids = store.schema_ids();
    assert!(ids.len() >= 4, "{ids:?}");
    for id in &ids {
        let schema = store.get(id).unwrap();
        // `init`: the skeleton as `tasking-ls init` writes it is clean.
        let init = tasking_ls::cli::products::skeleton(&store, id, "Survey").unwrap();
        let (doc, diagnostics) = check(&store, &init);
        let dated: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.code.as_str() != "dates.past")
            .collect();
        assert!(
            dated.is_empty(),
            "init skeleton of {id} is not clean:\n{init}\n{:?}",
            dated
                .iter()
                .map(|d| (d.code.as_str(), doc.slice(d.range), &d.message))
                .collect::<Vec<_>>()
        );
        for params in branches(&schema) {
            tally.branches += 1;
            let base = write(id, &params);
            let (doc, diagnostics) = check(&store, &base);
            assert!(
                diagnostics.is_empty(),
                "the base request of a branch is not clean:\n{base}\n{:?}",
                diagnostics
                    .iter()
                    .map(|d| (d.code.as_str(), doc.slice(d.range), &d.message))
                    .collect::<Vec<_>>()
            );
            for field in schema.fields() {
                let name = field.name.as_str();
                // The key, where a new member goes (the field left out of params).
                let mut without = params.clone();
                without.remove(name);
                let text = write(id, &without);
                let close = text.rfind('}').unwrap();
                let close = text[..close].rfind('}').unwrap();
                let with_cursor = if without.is_empty() {
                    format!("{}$0{}", &text[..close], &text[close..])
                } else {
                    format!(
                        "{},\n    $0\n  {}",
                        text[..close].trim_end(),
                        &text[close..]
                    )
                };
                try_items(
                    &store,
                    id,
                    name,
                    &with_cursor,
                    "key",
                    &|i| i.kind == CompletionKind::Property && i.label == name,
                    &mut tally,
                );
                // Inside a polygon: its keys and the values of `type` and `coordinates`.
                if field.is_polygon {
                    let ring = "[[[13.3, 52.46], [13.46, 52.46], [13.46, 52.56], [13.3, 52.56], [13.3, 52.46]]]";
                    let contexts = [
                        (
                            "value",
                            r#"{"type": "Polygon", "coordinates": $0}"#.to_string(),
                        ),
                        ("value", format!(r#"{{"type": $0, "coordinates": {ring}}}"#)),
                        (
                            "value",
                            format!(r#"{{"type": "$0", "coordinates": {ring}}}"#),
                        ),
                        ("key", r#"{"type": "Polygon", $0}"#.to_string()),
                        ("key", format!(r#"{{"coordinates": {ring}, $0}}"#)),
                    ];
                    for (what, inner) in contexts {
                        let mut with = params.clone();
                        with.insert(name.to_string(), json!("__CURSOR__"));
                        let text = write(id, &with).replace("\"__CURSOR__\"", &inner);
                        try_items(
                            &store,
                            id,
                            name,
                            &text,
                            what,
                            &|i| what == "value" || i.kind == CompletionKind::Property,
                            &mut tally,
                        );
                    }
                }
                // The value, bare and (for string fields) inside quotes.
                let mut with = params.clone();
                with.insert(name.to_string(), json!("__CURSOR__"));
                let text = write(id, &with);
                let mut forms = vec![text.replace("\"__CURSOR__\"", "$0")];
                if field.types.iter().any(|t| t == "string") || field.types.is_empty() {
                    forms.push(text.replace("\"__CURSOR__\"", "\"$0\""));
                }
                for with_cursor in forms {
                    try_items(
                        &store,
                        id,
                        name,
                        &with_cursor,
                        "value",
                        &|i| i.kind != CompletionKind::Property,
                        &mut tally,
                    );
                }
            }
        }
    }
    // The request snippet at the root of an empty document, and every product after it.
    let (doc, items) = {
        let doc = Document::new("");
        let items = completions_at(&doc, &store, 0, now());
        (doc, items)
    };
    let snippet = items
        .iter()
        .find(|i| i.kind == CompletionKind::Snippet)
        .expect("a request snippet at the root");
    let text = apply(&doc, snippet, &strip_snippet(&snippet.edit.new_text));
    assert!(
        check(&store, &text)
            .1
            .iter()
            .all(|d| d.code.as_str() != "syntax"),
        "{text}"
    );
    eprintln!(
        "suggestions: {} branches, {} cursor contexts, {} insertions checked, {} key snippets leave the value to type",
        tally.branches, tally.contexts, tally.insertions, tally.no_value_snippets
    );
    assert!(
        tally.failures.is_empty(),
        "{} insertions draw a diagnostic on their field (first ones):\n{}",
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    // Every field of every product gets something offered, as a key and as a value.
    let mut nothing: Vec<String> = Vec::new();
    for id in &ids {
        for field in store.get(id).unwrap().fields() {
            for what in ["key", "value"] {
                let count = tally
                    .per_field
                    .get(&(id.clone(), field.name.clone(), what.to_string()))
                    .copied()
                    .unwrap_or(0);
                if count == 0 {
                    nothing.push(format!("{id} {} {what}", field.name));
                }
            }
        }
    }
    assert!(nothing.is_empty(), "nothing offered for: {nothing:?}");
    assert!(
        tally.insertions > 1000,
        "only {} insertions",
        tally.insertions
    );
}
