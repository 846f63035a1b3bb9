//! A small LSP client that drives the real binary over stdio.
