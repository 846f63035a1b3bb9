//! The command line: subcommands and output formats. Thin: the logic lives in the core.

pub mod format;
pub mod orders;
pub mod products;
pub mod validate;

use std::path::PathBuf;

use crate::schema::SchemaStore;

/// Exit statuses of the design: 0 clean, 1 findings, 2 usage or I/O failure.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_FAILURE: i32 = 2;

/// Options every subcommand shares.
#[derive(Clone, Debug, Default)]
pub struct GlobalOptions {
    pub schema_dir: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    pub offline: bool,
    pub api_url: Option<String>,
}

/// The schemas a command sees: bundled, then the disk cache, then `--schema-dir`.
pub fn load_store(options: &GlobalOptions) -> Result<SchemaStore, String> {
    let mut store = SchemaStore::bundled();
    crate::schema::cache::load_into(&mut store, options.cache_dir.as_deref());
    if let Some(dir) = &options.schema_dir {
        store.load_dir(dir).map_err(|e| e.to_string())?;
    }
    Ok(store)
}
