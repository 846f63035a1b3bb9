//! Per-file configuration for `validate`: each file is checked under its own nearest
//! `tasking-ls.toml` (its folder, then each parent), as ruff's hierarchical configuration
//! does, whether the file was named on the command line or found by a folder walk. Lookups
//! are cached per folder and each configuration file is read once per run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::file::{self, CONFIG_FILE_NAME};
use super::{CommandLine, Effective, FilePatterns, LintSettings};

/// The settings one file is checked under: the command-line flags over its nearest
/// configuration file over the defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct FileSettings {
    /// The configuration file these come from, if any.
    pub config: Option<PathBuf>,
    /// Which codes are reported, at which severity.
    pub lint: LintSettings,
    /// Warnings fail the run too.
    pub strict: bool,
    /// Which files a folder walk checks.
    pub file_patterns: FilePatterns,
    /// Which paths a folder walk (and, with `--force-exclude`, the command line) skips.
    pub exclude: FilePatterns,
    /// The `[stapi]` table: which files are STAPI orders, for which server and product.
    pub stapi: super::stapi::StapiConfig,
    /// `[rules."<product-id>"]`: acceptance limits per product.
    pub rules: crate::check::aoi::RuleOverrides,
}

impl FileSettings {
    /// The settings of an [`Effective`] configuration.
    pub fn from_effective(effective: &Effective) -> FileSettings {
        FileSettings {
            config: effective.config_file.clone(),
            lint: effective.lint(),
            strict: effective.strict.value,
            file_patterns: effective.file_patterns.value.clone(),
            exclude: effective.exclude.value.clone(),
            stapi: super::stapi::StapiConfig::default(),
            rules: effective.rules.clone(),
        }
    }
}

/// A configuration file's settings, or why it could not be read.
type Loaded = Result<Arc<FileSettings>, String>;

/// Finds the settings of each path; safe to share between threads (the walk's filter and the
/// parallel checks use it).
#[derive(Debug)]
pub struct NearestConfig {
    command_line: CommandLine,
    /// `--config`: one file for every path, nothing discovered.
    fixed: Option<Arc<FileSettings>>,
    /// Absolute folder -> the configuration file that governs it (itself or a parent's).
    folders: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Configuration file (None: no file) -> its settings, or why it could not be read.
    settings: Mutex<HashMap<Option<PathBuf>, Loaded>>,
    /// A file's parent folder as written (relative paths too) -> its settings: the walk asks
    /// for every file, and a hit here costs no `getcwd` or `stat` (issue 27: no metadata
    /// calls beyond what the walk gives).
    by_parent: Mutex<HashMap<PathBuf, Loaded>>,
}

impl Default for NearestConfig {
    /// Discovery with no flags.
    fn default() -> Self {
        NearestConfig::discovering(CommandLine::default())
    }
}

impl NearestConfig {
    /// Every path gets `settings` (a `--config` file named on the command line, or tests).
    pub fn fixed(settings: FileSettings) -> NearestConfig {
        NearestConfig {
            command_line: CommandLine::default(),
            fixed: Some(Arc::new(settings)),
            folders: Mutex::default(),
            settings: Mutex::default(),
            by_parent: Mutex::default(),
        }
    }

    /// Each path gets its nearest `tasking-ls.toml`, under the flags in `command_line`.
    pub fn discovering(command_line: CommandLine) -> NearestConfig {
        NearestConfig {
            command_line,
            fixed: None,
            folders: Mutex::default(),
            settings: Mutex::default(),
            by_parent: Mutex::default(),
        }
    }

    /// The settings of `path` (a file or a folder; relative paths are taken from the current
    /// directory). A file's own folder is searched first, then each parent.
    ///
    /// # Errors
    /// The governing configuration file's load error (`path:line:col: message`), the same
    /// for every path under it.
    pub fn for_path(&self, path: &Path) -> Result<Arc<FileSettings>, String> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let folder = if absolute.is_dir() {
            absolute.as_path()
        } else {
            absolute.parent().unwrap_or(Path::new("/"))
        };
        let config = self.config_of(folder);
        self.settings_of(config)
    }

    /// The settings of `path`, known to name a file (not a folder: the walk knows it from
    /// the directory entry, the command line from its `stat`): those of its parent folder,
    /// cached by the parent as written, so the files of one folder cost one lookup.
    ///
    /// # Errors
    /// As [`NearestConfig::for_path`].
    pub fn for_file(&self, path: &Path) -> Result<Arc<FileSettings>, String> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let parent = path.parent().unwrap_or(Path::new(""));
        let known = self
            .by_parent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(parent)
            .cloned();
        if let Some(known) = known {
            return known;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let folder = absolute.parent().unwrap_or(Path::new("/"));
        let loaded = self.settings_of(self.config_of(folder));
        self.by_parent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(parent.to_path_buf(), loaded.clone());
        loaded
    }

    /// The settings under `config` (None: no configuration file), loaded once.
    fn settings_of(&self, config: Option<PathBuf>) -> Loaded {
        let mut settings = self.settings.lock().unwrap_or_else(|e| e.into_inner());
        settings
            .entry(config.clone())
            .or_insert_with(|| {
                let loaded = config.as_deref().map(file::load).transpose()?;
                let effective = Effective::resolve(&self.command_line, loaded.as_ref());
                let mut settings = FileSettings::from_effective(&effective);
                settings.stapi = super::stapi::StapiConfig::from_config(loaded.as_ref())?;
                Ok(Arc::new(settings))
            })
            .clone()
    }

    /// The configuration file governing `folder` (absolute), cached for it and every folder
    /// passed on the way up.
    fn config_of(&self, folder: &Path) -> Option<PathBuf> {
        let mut visited = Vec::new();
        let mut current = Some(folder);
        let found = loop {
            let Some(dir) = current else { break None };
            if let Some(known) = self.cached(dir) {
                break known;
            }
            let candidate = dir.join(CONFIG_FILE_NAME);
            visited.push(dir.to_path_buf());
            if candidate.is_file() {
                break Some(candidate);
            }
            current = dir.parent();
        };
        let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        for dir in visited {
            folders.insert(dir, found.clone());
        }
        found
    }

    fn cached(&self, dir: &Path) -> Option<Option<PathBuf>> {
        self.folders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(dir)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_configuration_is_every_paths() {
        let settings = FileSettings {
            config: Some(PathBuf::from("/x/tasking-ls.toml")),
            lint: LintSettings::default(),
            strict: true,
            file_patterns: FilePatterns::default(),
            exclude: FilePatterns::none(),
            stapi: crate::config::stapi::StapiConfig::default(),
            rules: Default::default(),
        };
        let nearest = NearestConfig::fixed(settings.clone());
        assert_eq!(*nearest.for_path(Path::new("/a/b.json")).unwrap(), settings);
        assert_eq!(*nearest.for_path(Path::new("c.json")).unwrap(), settings);
    }
}
