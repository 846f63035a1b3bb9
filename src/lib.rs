//! tasking-ls: the language server and validator for satellite tasking order requests.
//!
//! Layers point one way: `document` <- `schema` <- `check` <- `ide`; `lsp` and `cli` are thin
//! adapters over them and `api` is the only code that talks HTTP; `config` holds what `cli` and
//! `lsp` share. ARCHITECTURE.md at the root is the map.

pub mod aoi;
pub mod api;
pub mod check;
pub mod cli;
pub mod config;
pub mod document;
pub mod feasibility;
pub mod ide;
pub mod lsp;
pub mod render;
pub mod schema;
#[cfg(test)]
mod test_rng;
