//! The integration tests, one binary: one module per area (`check_*`, `ide_*`, `cli_*`, `lsp_*`,
//! `api_*`), shared helpers (the fake provider API and two LSP clients) in `support/`.
//!
//! One binary, not one per file: each test crate links tokio, reqwest and tower-lsp-server, and
//! seventeen of them spent minutes linking for seconds of testing (see docs/contributing.md, "Tests").

mod support;

mod aoi_import;
mod aoi_rules;
mod aoi_simplify;
mod api_auth;
mod api_credentials;
mod api_errors;
mod api_orders;
mod api_schemas;
mod api_secrets;
mod architecture;
mod check_conventions;
mod check_diagnostics;
mod check_feasibility;
mod check_geometry;
mod check_incremental;
mod check_line_endings;
mod cli_conventions;
mod cli_elements;
mod cli_flags;
mod cli_network;
mod cli_stapi;
mod cli_validate;
mod docs;
mod ide_actions;
mod ide_completion;
mod ide_hover;
mod ide_outline_format;
mod ide_search;
mod ide_suggestions_valid;
mod lsp_api_orders;
mod lsp_api_schemas;
mod lsp_config_reload;
mod lsp_conformance;
mod lsp_document_races;
mod lsp_editor_features;
mod lsp_features;
mod lsp_parse_budget;
mod lsp_pass_lens;
mod lsp_preview;
mod lsp_robustness;
mod lsp_stapi;
mod lsp_sync;
mod packed_positions;
mod reliability;
mod render_passes;
mod render_preview;
mod rules;
mod schema_budgets;
mod schema_differential;
mod schema_examples;
mod schema_fixtures;
mod stapi_differential;
mod trust;
