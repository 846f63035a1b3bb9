//! Test support shared by the integration tests: the fake provider API, the LSP client of the
//! editor-feature tests (`lsp_client`) and the one of the provider tests (`provider_lsp`, which
//! sets the server's environment and answers its `window/showMessageRequest`s).
#![allow(dead_code)]

pub mod cli;
pub mod elements;
pub mod fake_api;
pub mod lsp_client;
pub mod metamodel;
pub mod provider_lsp;
pub mod stapi_server;
