//! How the editor shows a document: folding ranges (`textDocument/foldingRange`), selection
//! ranges (`textDocument/selectionRange`) and inlay hints (`textDocument/inlayHint`). Each
//! converts positions, calls the pure `ide` function and converts back.
//!
//! LSP has no "start folded" flag (3.17); VS Code folds `imports` ranges on open when
//! `editor.foldingImportsByDefault` is set, which the extension sets for the
//! `tasking-request` language, so long coordinate lists are sent with kind `imports`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::convert;
use super::guard::guarded;
use super::state::Backend;
use crate::ide;

pub(crate) fn folding_range(
    backend: &Backend,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>> {
    let Some((doc, _)) = backend.snapshot(&params.text_document.uri) else {
        return Ok(None);
    };
    let editor = backend.editor();
    guarded("foldingRange", || {
        let mut folds = ide::folding_ranges(&doc);
        if let Some(limit) = editor.folding_range_limit {
            // Over the client's limit: keep the folds that hide the most lines.
            if folds.len() > limit as usize {
                folds.sort_by_key(|f| std::cmp::Reverse(f.end_line.saturating_sub(f.start_line)));
                folds.truncate(limit as usize);
                folds.sort_by_key(|f| f.start_line);
            }
        }
        Some(
            folds
                .into_iter()
                .map(|fold| FoldingRange {
                    start_line: fold.start_line,
                    start_character: None,
                    end_line: fold.end_line,
                    end_character: None,
                    kind: fold
                        .collapse_by_default
                        .then_some(FoldingRangeKind::Imports),
                    collapsed_text: editor
                        .folding_collapsed_text
                        .then(|| format!("… {}", fold.collapsed_text)),
                })
                .collect(),
        )
    })
}

pub(crate) fn selection_range(
    backend: &Backend,
    params: SelectionRangeParams,
) -> Result<Option<Vec<SelectionRange>>> {
    let Some((doc, _)) = backend.snapshot(&params.text_document.uri) else {
        return Ok(None);
    };
    let encoding = backend.encoding();
    guarded("selectionRange", || {
        let answer = params
            .positions
            .iter()
            .map(|&position| {
                let offset = convert::offset(&doc, position, encoding);
                // Outermost first, each the parent of the next.
                let mut chain: Option<SelectionRange> = None;
                for range in ide::selection_ranges(&doc, offset).into_iter().rev() {
                    chain = Some(SelectionRange {
                        range: convert::range(&doc, range, encoding),
                        parent: chain.map(Box::new),
                    });
                }
                // LSP wants one answer per position: an empty text gives the cursor itself.
                chain.unwrap_or(SelectionRange {
                    range: Range::new(position, position),
                    parent: None,
                })
            })
            .collect();
        Some(answer)
    })
}

pub(crate) fn inlay_hint(
    backend: &Backend,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>> {
    let Some((doc, _)) = backend.snapshot(&params.text_document.uri) else {
        return Ok(None);
    };
    let encoding = backend.encoding();
    let store = backend.store();
    let options = backend.settings().inlay_hints;
    guarded("inlayHint", || {
        let range = convert::text_range(&doc, params.range, encoding);
        let hints = ide::inlay_hints(&doc, &store, range, options)
            .into_iter()
            .map(|hint| InlayHint {
                position: convert::position(&doc, hint.offset, encoding),
                label: InlayHintLabel::String(hint.label),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(hint.tooltip)),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect();
        Some(hints)
    })
}
