//! Test support shared by the integration tests: the fake provider API and an LSP client.
#![allow(dead_code)]

pub mod fake_api;
pub mod lsp_client;
