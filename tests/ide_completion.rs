//! Completion at a `$0` cursor: the labels offered, and the document after accepting one.

use chrono::{DateTime, Utc};
use expect_test::{expect, Expect};
use tasking_ls::document::Document;
use tasking_ls::ide::{completions_at, strip_snippet, CompletionItem};
use tasking_ls::schema::SchemaStore;

const ANALYTIC: &str = "bd102407-1814-4f92-8b5a-7697b7a73f5a";
const NEO: &str = "97891b26-bacf-48fb-9d30-46697a11ce65";

/// A Saturday, so "next Monday" is two days later.
fn now() -> DateTime<Utc> {
    "2026-11-28T12:34:56Z".parse().unwrap()
}

fn items(text: &str) -> (Document, Vec<CompletionItem>) {
    let offset = text.find("$0").expect("a $0 cursor marker");
    let text = text.replacen("$0", "", 1);
    let doc = Document::new(text);
    let store = SchemaStore::bundled();
    let mut items = completions_at(&doc, &store, offset, now());
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    (doc, items)
}

/// One line per item, in sort order: label, then detail.
fn check_labels(text: &str, expect: Expect) {
    let (_, items) = items(text);
    let rendered: String = items
        .iter()
        .map(|i| match &i.detail {
            Some(detail) => format!("{} — {detail}\n", i.label),
            None => format!("{}\n", i.label),
        })
        .collect();
    expect.assert_eq(&rendered);
}

/// The document after accepting the item labelled `label` (snippet tab stops left as they are).
fn check_accept(text: &str, label: &str, expect: Expect) {
    let (doc, items) = items(text);
    let item = items
        .iter()
        .find(|i| i.label == label)
        .unwrap_or_else(|| panic!("no item {label:?} among {:?}", labels(&items)));
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

fn labels(items: &[CompletionItem]) -> Vec<&str> {
    items.iter().map(|i| i.label.as_str()).collect()
}

#[test]
fn probe() {
    for text in [
        r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"acq$0"#,
        r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"acquisitionMode": "st$0"#,
        r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"acquisitionMode": $0}}"#,
    ] {
        let (_, items) = items(text);
        for i in items { println!("{:?}", i); }
        println!("---");
    }
}
