//! Requests on an open document: completion, hover, code actions, symbols and formatting —
//! each converts positions, calls the pure `ide` function and converts back.

use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::convert;
use super::guard::guarded;
use super::preview;
use super::state::Backend;
use crate::check::{check_document, CheckOptions, Diagnostic};
use crate::document::{Document, PositionEncoding};
use crate::ide;

pub(super) async fn completion(
    backend: &Backend,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let uri = &params.text_document_position.text_document.uri;
    let Some((doc, _)) = backend.snapshot(uri) else {
        return Ok(None);
    };
    let encoding = backend.encoding();
    let store = backend.store();
    let snippets = backend.0.snippets.get().copied().unwrap_or(false);
    // A search-style order is served from its product's schemas as held in memory (the check
    // task keeps them fresh), so a keystroke never waits for the server.
    let search_product = super::stapi::product_for(
        backend,
        &super::analysis::path_of(uri),
        super::analysis::recheck_search_orders,
    );
    guarded("completion", || {
        let offset = convert::offset(&doc, params.text_document_position.position, encoding);
        let items = match &search_product {
            Some(product) => ide::search_completions(&doc, product, offset),
            None => ide::completions(&doc, &store, offset),
        };
        let items: Vec<CompletionItem> = items
            .into_iter()
            .map(|mut item| {
                if item.is_snippet && !snippets {
                    item.edit.new_text = ide::strip_snippet(&item.edit.new_text);
                    item.is_snippet = false;
                }
                completion_item(&doc, &item, encoding)
            })
            .collect();
        (!items.is_empty()).then(|| {
            CompletionResponse::List(CompletionList {
                is_incomplete: false,
                items,
            })
        })
    })
}

fn completion_item(
    doc: &Document,
    item: &ide::CompletionItem,
    encoding: PositionEncoding,
) -> CompletionItem {
    CompletionItem {
        label: item.label.clone(),
        kind: Some(match item.kind {
            ide::CompletionKind::Property => CompletionItemKind::PROPERTY,
            ide::CompletionKind::Value => CompletionItemKind::VALUE,
            ide::CompletionKind::EnumMember => CompletionItemKind::ENUM_MEMBER,
            ide::CompletionKind::Product => CompletionItemKind::MODULE,
            ide::CompletionKind::Snippet => CompletionItemKind::SNIPPET,
        }),
        detail: item.detail.clone(),
        documentation: item.documentation.as_ref().map(|text| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text.clone(),
            })
        }),
        sort_text: Some(item.sort_text.clone()),
        filter_text: item.filter_text.clone(),
        preselect: item.preselect.then_some(true),
        insert_text_format: Some(if item.is_snippet {
            InsertTextFormat::SNIPPET
        } else {
            InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(CompletionTextEdit::Edit(convert::text_edit(
            doc, &item.edit, encoding,
        ))),
        additional_text_edits: (!item.additional_edits.is_empty()).then(|| {
            item.additional_edits
                .iter()
                .map(|e| convert::text_edit(doc, e, encoding))
                .collect()
        }),
        ..Default::default()
    }
}

pub(super) async fn hover(backend: &Backend, params: HoverParams) -> Result<Option<Hover>> {
    let uri = &params.text_document_position_params.text_document.uri;
    let Some((doc, _)) = backend.snapshot(uri) else {
        return Ok(None);
    };
    let encoding = backend.encoding();
    let store = backend.store();
    let markdown = backend.editor().hover_markdown;
    let search_product = super::stapi::product_for(
        backend,
        &super::analysis::path_of(uri),
        super::analysis::recheck_search_orders,
    );
    guarded("hover", || {
        let offset = convert::offset(
            &doc,
            params.text_document_position_params.position,
            encoding,
        );
        let info = match &search_product {
            Some(product) => ide::search_hover(&doc, product, offset),
            None => ide::hover(&doc, &store, offset),
        };
        // On a geometry: the AOI's thumbnail and figures under the field's hover.
        let map = preview::geometry_hover(
            backend,
            uri,
            &doc,
            offset,
            markdown,
            search_product.as_deref(),
        );
        // On the window or the angle: the satellites' passes, computed on this hover only.
        let map = match (
            map,
            super::feasibility::passes_hover(backend, uri, &doc, offset),
        ) {
            (Some(map), Some(passes)) => Some(format!(
                "{map}

{passes}"
            )),
            (map, passes) => map.or(passes),
        };
        let (value, range) = match (info, map) {
            (Some(info), Some(map)) => (
                format!("{}\n\n---\n\n{map}", info.markdown),
                Some(info.range),
            ),
            (Some(info), None) => (info.markdown, Some(info.range)),
            (None, Some(map)) => (map, None),
            (None, None) => return None,
        };
        Some(Hover {
            contents: HoverContents::Markup(if markdown {
                MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                }
            } else {
                MarkupContent {
                    kind: MarkupKind::PlainText,
                    value: plain_text(&value),
                }
            }),
            range: range.map(|r| convert::range(&doc, r, encoding)),
        })
    })
}

/// Markdown as plain text for a client that renders none: emphasis and code marks, hard
/// line breaks and rules removed.
fn plain_text(markdown: &str) -> String {
    markdown
        .lines()
        .filter(|line| line.trim() != "---")
        .map(|line| line.trim_end().replace("**", "").replace('`', ""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `diagnostics` with their deferred fixes computed (checked again with costly fixes, the
/// lint settings applied as for publishing: the same diagnostics in the same order), when a
/// diagnostic touching `range` has one; else `diagnostics`.
async fn with_costly_fixes(
    backend: &Backend,
    uri: &Uri,
    doc: &Arc<Document>,
    diagnostics: Arc<Vec<Diagnostic>>,
    range: crate::document::TextRange,
) -> Arc<Vec<Diagnostic>> {
    let wanted = diagnostics.iter().any(|d| {
        d.range.start <= range.end
            && range.start <= d.range.end
            && d.fixes.iter().any(|f| f.deferred)
    });
    if !wanted {
        return diagnostics;
    }
    let memo = &backend.0.costly_fixes;
    if let Some((memo_doc, fixed)) = memo.lock().ok().and_then(|m| m.clone()) {
        if Arc::ptr_eq(&memo_doc, doc) {
            return fixed;
        }
    }
    let search_product = super::stapi::product_for(
        backend,
        &super::analysis::path_of(uri),
        super::analysis::recheck_search_orders,
    );
    let store = backend.store();
    let settings = backend.settings();
    let document = doc.clone();
    // The simplify fix of a large AOI takes a while: off the protocol's threads.
    let checked = tokio::task::spawn_blocking(move || {
        let mut options = CheckOptions::new(&store);
        options.rule_overrides = Some(&settings.rules);
        options.search_product = search_product.as_deref();
        let mut fixed = check_document(&document, &options);
        settings.lint.apply(&mut fixed);
        fixed
    })
    .await;
    backend.release_when_idle();
    let Ok(mut fixed) = checked else {
        return diagnostics;
    };
    // The pass search's diagnostics are merged after the check's (`feasibility`): kept.
    fixed.extend(
        diagnostics
            .iter()
            .filter(|d| d.code == crate::check::Code::FeasibilityPasses)
            .cloned(),
    );
    // The same diagnostics as published, or the indices would point at others.
    let same = fixed.len() == diagnostics.len()
        && fixed
            .iter()
            .zip(diagnostics.iter())
            .all(|(a, b)| a.code == b.code && a.range == b.range);
    if !same {
        return diagnostics;
    }
    let fixed = Arc::new(fixed);
    if let Ok(mut m) = memo.lock() {
        *m = Some((doc.clone(), fixed.clone()));
    }
    fixed
}

pub(super) async fn code_action(
    backend: &Backend,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = &params.text_document.uri;
    let Some((doc, _)) = backend.snapshot(uri) else {
        return Ok(None);
    };
    let encoding = backend.encoding();
    let store = backend.store();
    let search_product = super::stapi::product_for(
        backend,
        &super::analysis::path_of(uri),
        super::analysis::recheck_search_orders,
    );
    let diagnostics = backend.diagnostics_now(uri, &doc, true, search_product.as_deref());
    let range = convert::text_range(&doc, params.range, encoding);
    let diagnostics = with_costly_fixes(backend, uri, &doc, diagnostics, range).await;
    guarded("codeAction", || {
        let only = params.context.only.clone();
        let actions: Vec<CodeActionOrCommand> =
            ide::code_actions(&doc, &store, &diagnostics, range)
                .into_iter()
                .map(|action| {
                    let kind = CodeActionKind::from(action.kind.as_str().to_string());
                    let edits = action
                        .edits
                        .iter()
                        .map(|e| convert::text_edit(&doc, e, encoding))
                        .collect();
                    let fixed = action
                        .diagnostics
                        .iter()
                        .filter_map(|&i| diagnostics.get(i));
                    CodeAction {
                        title: action.title,
                        kind: Some(kind),
                        diagnostics: Some(
                            fixed
                                .map(|d| convert::diagnostic(&doc, d, encoding))
                                .collect(),
                        ),
                        edit: Some(WorkspaceEdit {
                            changes: Some(HashMap::from([(uri.clone(), edits)])),
                            ..Default::default()
                        }),
                        is_preferred: action.preferred.then_some(true),
                        ..Default::default()
                    }
                })
                .filter(|action| match (&only, &action.kind) {
                    (Some(only), Some(kind)) => {
                        only.iter().any(|o| kind.as_str().starts_with(o.as_str()))
                    }
                    _ => true,
                })
                .map(CodeActionOrCommand::CodeAction)
                .collect();
        Some(actions)
    })
    .map(|actions| {
        actions.map(|mut actions| {
            let wanted = params.context.only.as_ref().is_none_or(|only| {
                only.iter()
                    .any(|o| "source.submitOrder".starts_with(o.as_str()))
            });
            if wanted {
                actions.extend(super::commands::submit_order_action(
                    backend,
                    uri,
                    &diagnostics,
                ));
            }
            actions.extend(window_actions(
                backend,
                uri,
                &doc,
                range,
                encoding,
                &params.context.only,
            ));
            actions
        })
    })
}

/// "Set datetime to … (provider opportunity)": one action per window of the document's last
/// opportunity search, when the range is on its window.
fn window_actions(
    backend: &Backend,
    uri: &Uri,
    doc: &Document,
    range: crate::document::TextRange,
    encoding: PositionEncoding,
    only: &Option<Vec<CodeActionKind>>,
) -> Vec<CodeActionOrCommand> {
    let Some(choices) = backend.0.opportunities.get(uri).map(|c| c.clone()) else {
        return Vec::new();
    };
    guarded("codeAction", || {
        ide::set_window_actions(doc, &choices, range)
            .into_iter()
            .filter(|action| {
                only.as_ref().is_none_or(|only| {
                    only.iter()
                        .any(|o| action.kind.as_str().starts_with(o.as_str()))
                })
            })
            .map(|action| {
                let edits = action
                    .edits
                    .iter()
                    .map(|e| convert::text_edit(doc, e, encoding))
                    .collect();
                CodeActionOrCommand::CodeAction(CodeAction {
                    title: action.title,
                    kind: Some(CodeActionKind::from(action.kind.as_str().to_string())),
                    edit: Some(WorkspaceEdit {
                        changes: Some(HashMap::from([(uri.clone(), edits)])),
                        ..Default::default()
                    }),
                    ..Default::default()
                })
            })
            .collect()
    })
    .unwrap_or_default()
}

pub(super) fn document_symbol(
    backend: &Backend,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let Some((doc, _)) = backend.snapshot(&params.text_document.uri) else {
        return Ok(None);
    };
    let encoding = backend.encoding();
    let hierarchical = backend.editor().hierarchical_symbols;
    let uri = params.text_document.uri;
    guarded("documentSymbol", || {
        let outline = ide::symbols(&doc);
        if hierarchical {
            let symbols = outline
                .iter()
                .map(|s| document_symbol_of(&doc, s, encoding))
                .collect();
            Some(DocumentSymbolResponse::Nested(symbols))
        } else {
            let mut flat = Vec::new();
            flat_symbols(&doc, &uri, &outline, None, encoding, &mut flat);
            Some(DocumentSymbolResponse::Flat(flat))
        }
    })
}

/// The outline as `SymbolInformation[]`, for clients that did not declare
/// `hierarchicalDocumentSymbolSupport`: depth first, each child naming its parent in
/// `containerName`.
#[allow(deprecated)] // `deprecated` is a required field of the struct.
fn flat_symbols(
    doc: &Document,
    uri: &Uri,
    symbols: &[ide::Symbol],
    container: Option<&str>,
    encoding: PositionEncoding,
    out: &mut Vec<SymbolInformation>,
) {
    for symbol in symbols {
        out.push(SymbolInformation {
            name: symbol.name.clone(),
            kind: symbol_kind(symbol.kind),
            tags: None,
            deprecated: None,
            location: Location {
                uri: uri.clone(),
                range: convert::range(doc, symbol.range, encoding),
            },
            container_name: container.map(str::to_string),
        });
        flat_symbols(
            doc,
            uri,
            &symbol.children,
            Some(&symbol.name),
            encoding,
            out,
        );
    }
}

fn symbol_kind(kind: ide::SymbolKind) -> SymbolKind {
    match kind {
        ide::SymbolKind::Object => SymbolKind::OBJECT,
        ide::SymbolKind::Array => SymbolKind::ARRAY,
        ide::SymbolKind::String => SymbolKind::STRING,
        ide::SymbolKind::Number => SymbolKind::NUMBER,
        ide::SymbolKind::Boolean => SymbolKind::BOOLEAN,
        ide::SymbolKind::Null => SymbolKind::NULL,
        ide::SymbolKind::Key => SymbolKind::FIELD,
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the struct.
fn document_symbol_of(
    doc: &Document,
    symbol: &ide::Symbol,
    encoding: PositionEncoding,
) -> DocumentSymbol {
    DocumentSymbol {
        name: symbol.name.clone(),
        detail: symbol.detail.clone(),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: convert::range(doc, symbol.range, encoding),
        selection_range: convert::range(doc, symbol.selection_range, encoding),
        children: (!symbol.children.is_empty()).then(|| {
            symbol
                .children
                .iter()
                .map(|c| document_symbol_of(doc, c, encoding))
                .collect()
        }),
    }
}

pub(super) fn formatting(
    backend: &Backend,
    params: DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    let Some((doc, _)) = backend.snapshot(&params.text_document.uri) else {
        return Ok(None);
    };
    let encoding = backend.encoding();
    guarded("formatting", || {
        let formatted = ide::format(&doc)?;
        if formatted == doc.text() {
            return Some(Vec::new());
        }
        let whole = crate::document::TextRange::new(0, doc.text().len());
        Some(vec![TextEdit {
            range: convert::range(&doc, whole, encoding),
            new_text: formatted,
        }])
    })
}
