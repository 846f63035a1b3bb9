//! The orbital element sets the pass search uses: files named by `--elements` or by
//! `[feasibility] elements` in `tasking-ls.toml`, and the element cache that
//! `tasking-ls elements import|update` fill (`<cache>/elements/<NORAD id>.json`, beside the
//! schema cache). Explicit files win per satellite; the cache fills in the satellites they do
//! not cover. Shared by `opportunities`, `validate --passes` and the language server's hover.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::feasibility::elements::{self, ElementSet};

/// The cache's folder below the schema cache directory.
pub const CACHE_SUBDIR: &str = "elements";

/// Every element set in `files`; an unreadable or malformed file is an error naming it and
/// the line.
pub fn read(files: &[PathBuf]) -> Result<Vec<ElementSet>, String> {
    let mut sets = Vec::new();
    for file in files {
        sets.extend(read_file(file)?);
    }
    Ok(sets)
}

/// The element sets of one file: `path: line N: message` when it cannot be read.
pub fn read_file(file: &Path) -> Result<Vec<ElementSet>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    elements::parse(&text).map_err(|e| format!("{}: {e}", file.display()))
}

/// The files the pass search reads for an order at `path`: the `[feasibility] elements` of
/// the nearest `tasking-ls.toml`, then, for each satellite those files do not cover, its set
/// in the element cache (the file's `cache-dir`, else the user's cache directory). Empty when
/// there is neither: the caller then says no elements were given, never "no pass".
///
/// A configured file that cannot be read is still returned, so that [`read`] names it.
pub fn configured_for(path: &Path) -> Vec<PathBuf> {
    let loaded = super::file::discover(path).and_then(|config| super::file::load(&config).ok());
    let (configured, cache_dir) = loaded
        .map(|l| (l.file.feasibility.elements, l.file.cache_dir))
        .unwrap_or_default();
    with_cache(configured, ElementCache::at(cache_dir.as_deref()).as_ref())
}

/// The `[feasibility] elements` files of the nearest `tasking-ls.toml` to `path` alone (none
/// when there is no file or it cannot be read), for callers that choose the cache themselves.
pub fn configured_files(path: &Path) -> Vec<PathBuf> {
    super::file::discover(path)
        .and_then(|config| super::file::load(&config).ok())
        .map(|l| l.file.feasibility.elements)
        .unwrap_or_default()
}

/// `explicit` followed by the cache's file of each satellite the explicit files hold no set
/// for. An explicit file that cannot be read covers nothing (and [`read`] will name it).
pub fn with_cache(explicit: Vec<PathBuf>, cache: Option<&ElementCache>) -> Vec<PathBuf> {
    let Some(cache) = cache else {
        return explicit;
    };
    let covered: BTreeSet<u64> = explicit
        .iter()
        .filter_map(|file| read_file(file).ok())
        .flatten()
        .map(|set| set.norad_id)
        .collect();
    let mut files = explicit;
    files.extend(
        cache
            .files()
            .into_iter()
            .filter(|(id, _)| !covered.contains(id))
            .map(|(_, path)| path),
    );
    files
}

/// Where each satellite's set came from, for results that say which elements they used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A file the user named (`--elements`, `[feasibility] elements`).
    File(PathBuf),
    /// The element cache.
    Cache(PathBuf),
}

/// The sets the search uses and where each satellite's came from.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    pub sets: Vec<ElementSet>,
    /// NORAD id -> the origin of its set(s).
    pub origins: BTreeMap<u64, Origin>,
}

/// The sets of `explicit` (all of them: the search takes the newest per satellite) and, for
/// each satellite they do not cover, the cached set.
///
/// # Errors
/// An explicit file that cannot be read or parsed (`path: line N: message`). A damaged cache
/// file is skipped, not an error: `elements show` names it.
pub fn resolve(explicit: &[PathBuf], cache: Option<&ElementCache>) -> Result<Resolved, String> {
    let mut resolved = Resolved::default();
    for file in explicit {
        for set in read_file(file)? {
            resolved
                .origins
                .entry(set.norad_id)
                .or_insert_with(|| Origin::File(file.clone()));
            resolved.sets.push(set);
        }
    }
    if let Some(cache) = cache {
        for entry in cache.entries().0 {
            if resolved.origins.contains_key(&entry.set.norad_id) {
                continue;
            }
            resolved
                .origins
                .insert(entry.set.norad_id, Origin::Cache(entry.path));
            resolved.sets.push(entry.set);
        }
    }
    Ok(resolved)
}

/// The element cache: one OMM JSON file per satellite, `<dir>/<NORAD id>.json`, holding the
/// newest set imported or fetched for it. Each file is itself a valid `--elements` file.
#[derive(Clone, Debug)]
pub struct ElementCache {
    dir: PathBuf,
}

/// One cached set.
#[derive(Clone, Debug)]
pub struct CacheEntry {
    pub path: PathBuf,
    pub set: ElementSet,
}

/// What storing a set did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// The satellite had no cached set.
    Added,
    /// The cached set was older and was replaced.
    Replaced { previous: DateTime<Utc> },
    /// The cache already holds a set of this epoch.
    Same,
    /// The cache holds a newer set, which was kept: an older import never replaces it.
    KeptNewer { cached: DateTime<Utc> },
}

impl ElementCache {
    /// A cache in `dir` (the folder holding the `<NORAD id>.json` files).
    pub fn new(dir: impl Into<PathBuf>) -> ElementCache {
        ElementCache { dir: dir.into() }
    }

    /// The cache below the schema cache directory: `<--cache-dir>/elements`, else the user's
    /// cache (`$XDG_CACHE_HOME/tasking-ls/schemas/elements`); `None` on a system without one.
    pub fn at(cache_dir: Option<&Path>) -> Option<ElementCache> {
        crate::schema::cache::SchemaCache::at(cache_dir)
            .map(|schemas| ElementCache::new(schemas.dir().join(CACHE_SUBDIR)))
    }

    /// The cache's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of satellite `norad_id`.
    pub fn path_for(&self, norad_id: u64) -> PathBuf {
        self.dir.join(format!("{norad_id}.json"))
    }

    /// The cache's files by NORAD id (from their names; not read), in id order.
    pub fn files(&self) -> Vec<(u64, PathBuf)> {
        let Ok(read_dir) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut files: Vec<(u64, PathBuf)> = read_dir
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name();
                let id = name.to_str()?.strip_suffix(".json")?.parse::<u64>().ok()?;
                Some((id, entry.path()))
            })
            .collect();
        files.sort();
        files
    }

    /// Every readable cached set in NORAD id order, and a sentence for each file that could
    /// not be read (named, with its line).
    pub fn entries(&self) -> (Vec<CacheEntry>, Vec<String>) {
        let mut entries = Vec::new();
        let mut problems = Vec::new();
        for (id, path) in self.files() {
            match read_file(&path) {
                Ok(sets) => match sets
                    .into_iter()
                    .filter(|s| s.norad_id == id)
                    .max_by_key(|s| s.epoch)
                {
                    Some(set) => entries.push(CacheEntry { path, set }),
                    None => problems.push(format!(
                        "{}: holds no element set for NORAD {id}",
                        path.display()
                    )),
                },
                Err(message) => problems.push(message),
            }
        }
        (entries, problems)
    }

    /// The cached set of `norad_id`, if one is there and readable.
    pub fn get(&self, norad_id: u64) -> Option<ElementSet> {
        read_file(&self.path_for(norad_id))
            .ok()?
            .into_iter()
            .filter(|s| s.norad_id == norad_id)
            .max_by_key(|s| s.epoch)
    }

    /// Stores `set` unless the cache holds a set of the same satellite at least as new.
    /// Written atomically (a temporary file, then a rename), so a reader never sees half a
    /// file and an interrupted import leaves the previous set.
    ///
    /// # Errors
    /// The file cannot be written (the message names it).
    pub fn store(&self, set: &ElementSet) -> Result<Stored, String> {
        let outcome = match self.get(set.norad_id) {
            None => Stored::Added,
            Some(cached) if cached.epoch > set.epoch => {
                return Ok(Stored::KeptNewer {
                    cached: cached.epoch,
                })
            }
            Some(cached) if cached.epoch == set.epoch => return Ok(Stored::Same),
            Some(cached) => Stored::Replaced {
                previous: cached.epoch,
            },
        };
        let path = self.path_for(set.norad_id);
        crate::schema::cache::write_atomically(&path, omm_json(set).as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(outcome)
    }
}

/// `set` as an OMM JSON array of one record (CelesTrak's keys, the `sgp4` crate's
/// serialisation, which reads back to the same elements), named by the set's name.
pub fn omm_json(set: &ElementSet) -> String {
    let mut elements = set.elements.clone();
    if set.name.is_some() {
        elements.object_name.clone_from(&set.name);
    }
    let mut text = serde_json::to_string_pretty(&[elements]).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALLADO_00005: &str = "\
1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753
2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667";

    #[test]
    fn a_cached_set_reads_back_as_the_same_elements() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ElementCache::new(dir.path());
        let set = elements::parse(&format!("VANGUARD 1\n{VALLADO_00005}\n")).unwrap();
        assert_eq!(cache.store(&set[0]).unwrap(), Stored::Added);
        let back = cache.get(5).unwrap();
        assert_eq!(
            back.elements,
            set[0].elements.clone().with_name("VANGUARD 1")
        );
        assert_eq!(back.epoch, set[0].epoch);
        assert_eq!(back.name.as_deref(), Some("VANGUARD 1"));
        assert_eq!(cache.store(&set[0]).unwrap(), Stored::Same);
    }

    trait WithName {
        fn with_name(self, name: &str) -> Self;
    }
    impl WithName for sgp4::Elements {
        fn with_name(mut self, name: &str) -> Self {
            self.object_name = Some(name.to_string());
            self
        }
    }
}
