//! What the command line and the language server share: the global options, the schema store
//! they load, and the process exit statuses. Neutral ground, so that `lsp` never imports `cli`
//! (and `cli` never imports `lsp`); the `tasking-ls.toml` configuration file belongs here too.

use std::path::PathBuf;

use crate::schema::SchemaStore;

/// Exit status: no errors (warnings allowed). Design, "validate output formats".
pub const EXIT_OK: i32 = 0;
/// Exit status: at least one error (or a warning under `--strict`); also the language
/// server's status after `exit` without `shutdown` (LSP's `exit` notification).
pub const EXIT_FINDINGS: i32 = 1;
/// Exit status: a usage or I/O failure.
pub const EXIT_FAILURE: i32 = 2;

/// Options every subcommand and the server share, from the command line.
#[derive(Clone, Debug, Default)]
pub struct GlobalOptions {
    /// `--schema-dir`: extra `<product-id>.json` schemas that take precedence.
    pub schema_dir: Option<PathBuf>,
    /// `--cache-dir`: where fetched schemas are cached (default: the platform's cache dir).
    pub cache_dir: Option<PathBuf>,
    /// `--offline`: never touch the network.
    pub offline: bool,
    /// `--api-url`: the provider's API base URL.
    pub api_url: Option<String>,
}

/// The schemas a command sees: bundled, then the disk cache, then `--schema-dir`.
///
/// # Errors
/// The text of the first `--schema-dir` file that cannot be read or is not a schema.
pub fn load_store(options: &GlobalOptions) -> Result<SchemaStore, String> {
    let mut store = SchemaStore::bundled();
    crate::schema::cache::load_into(&mut store, options.cache_dir.as_deref());
    if let Some(dir) = &options.schema_dir {
        store.load_dir(dir).map_err(|e| e.to_string())?;
    }
    Ok(store)
}
