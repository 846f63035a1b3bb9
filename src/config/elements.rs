//! Reading the orbital element files the pass search uses (`--elements`, or `[feasibility]
//! elements` in `tasking-ls.toml`): shared by `opportunities` and the language server's hover.

use std::path::{Path, PathBuf};

use crate::feasibility::elements::{self, ElementSet};

/// Every element set in `files`; an unreadable or malformed file is an error naming it and
/// the line.
pub fn read(files: &[PathBuf]) -> Result<Vec<ElementSet>, String> {
    let mut sets = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        sets.extend(elements::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?);
    }
    Ok(sets)
}

/// The `[feasibility] elements` of the nearest `tasking-ls.toml` to `path` (none when there
/// is no file or it cannot be read: the caller then says no elements were configured).
pub fn configured_for(path: &Path) -> Vec<PathBuf> {
    super::file::discover(path)
        .and_then(|config| super::file::load(&config).ok())
        .map(|loaded| loaded.file.feasibility.elements)
        .unwrap_or_default()
}
