//! File patterns with one meaning everywhere (CLI walk, `exclude`, the server's
//! `filePatterns`, and the VS Code and Neovim clients, which implement the same rule):
//! globs as globset reads them with `literal_separator` (`*` and `?` never cross `/`, `**`
//! spans folders, `{a,b}` alternatives, `[abc]` classes), matched against the end of the
//! path. A pattern without `/` matches the file (or folder) name in any folder; a pattern
//! with `/` matches the last segments of the path, as if it started with `**/`, unless it
//! starts with `/` or `**/` already.

use std::path::Path;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// The file patterns used when nothing configures them.
pub const DEFAULT_FILE_PATTERNS: &[&str] = &["*_tasking_request.json"];

/// A compiled list of patterns.
#[derive(Clone, Debug)]
pub struct FilePatterns {
    patterns: Vec<String>,
    set: GlobSet,
}

impl PartialEq for FilePatterns {
    fn eq(&self, other: &Self) -> bool {
        self.patterns == other.patterns
    }
}

impl Default for FilePatterns {
    fn default() -> Self {
        let defaults: Vec<String> = DEFAULT_FILE_PATTERNS
            .iter()
            .map(|p| p.to_string())
            .collect();
        FilePatterns::new(&defaults).expect("the default patterns are valid globs")
    }
}

impl FilePatterns {
    /// The empty list: matches no path (an `exclude` nobody set).
    pub fn none() -> FilePatterns {
        FilePatterns {
            patterns: Vec::new(),
            set: GlobSet::empty(),
        }
    }

    /// Compiles `patterns` (backslashes in them are taken as `/`).
    ///
    /// # Errors
    /// `pattern 'P': reason` for the first pattern that is not a glob (an unclosed `{` or `[`).
    pub fn new(patterns: &[String]) -> Result<Self, String> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let glob = GlobBuilder::new(&anchored(pattern))
                .literal_separator(true)
                .backslash_escape(false)
                .build()
                .map_err(|e| format!("pattern '{pattern}': {}", e.kind()))?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|e| e.to_string())?;
        Ok(FilePatterns {
            patterns: patterns.to_vec(),
            set,
        })
    }

    /// The patterns as written.
    pub fn as_strings(&self) -> &[String] {
        &self.patterns
    }

    /// True when no pattern was given.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// True when `path` (absolute or relative, any separator) matches one of the patterns.
    pub fn matches(&self, path: &Path) -> bool {
        let text = path.to_string_lossy().replace('\\', "/");
        let text = text.strip_prefix("./").unwrap_or(&text);
        // A relative path gets a leading `/` so that `**/x` and `/x` patterns see a root.
        if text.starts_with('/') {
            self.set.is_match(text)
        } else {
            self.set.is_match(format!("/{text}"))
        }
    }
}

impl FilePatterns {
    /// True when `path` or one of its folders matches (for `exclude`: `drafts` excludes
    /// everything below a `drafts` folder, as a walk that skips the folder would).
    pub fn matches_path_or_folder(&self, path: &Path) -> bool {
        path.ancestors()
            .take_while(|p| !p.as_os_str().is_empty() && p.parent().is_some())
            .any(|p| self.matches(p))
    }
}

/// The glob a pattern stands for: `**/` in front unless it is anchored already.
fn anchored(pattern: &str) -> String {
    let pattern = pattern.replace('\\', "/");
    if pattern.starts_with('/') || pattern.starts_with("**/") {
        pattern
    } else {
        format!("**/{pattern}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(list: &[&str]) -> FilePatterns {
        FilePatterns::new(&list.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn a_name_pattern_matches_in_any_folder() {
        let p = FilePatterns::default();
        assert!(p.matches(Path::new("/home/me/orders/panama_tasking_request.json")));
        assert!(p.matches(Path::new("panama_tasking_request.json")));
        assert!(p.matches(Path::new("./a/b_tasking_request.json")));
        assert!(!p.matches(Path::new("/home/me/orders/package.json")));
        assert!(!p.matches(Path::new("/x/panama_tasking_request.json.bak")));
    }

    #[test]
    fn star_does_not_cross_folders_and_braces_alternate() {
        let p = patterns(&["orders/*.json", "{plans,drafts}/**/*.order"]);
        assert!(p.matches(Path::new("/work/orders/a.json")));
        assert!(p.matches(Path::new("orders/a.json")));
        assert!(!p.matches(Path::new("/work/orders/sub/a.json")));
        assert!(!p.matches(Path::new("/work/other/a.json")));
        assert!(p.matches(Path::new("/w/plans/x/y/z.order")));
        assert!(p.matches(Path::new("/w/drafts/z.order")));
        assert!(!p.matches(Path::new("/w/{plans,drafts}/z.order")));
    }

    #[test]
    fn anchored_patterns_match_from_the_root() {
        let p = patterns(&["/srv/orders/*.json"]);
        assert!(p.matches(Path::new("/srv/orders/a.json")));
        assert!(!p.matches(Path::new("/x/srv/orders/a.json")));
    }

    /// The cases every client checks too (editors/glob-cases.json).
    #[test]
    fn the_shared_cases_hold() {
        let cases: serde_json::Value =
            serde_json::from_str(include_str!("../../editors/glob-cases.json")).unwrap();
        for case in cases["cases"].as_array().unwrap() {
            let pattern = case["pattern"].as_str().unwrap();
            let path = case["path"].as_str().unwrap();
            assert_eq!(
                patterns(&[pattern]).matches(Path::new(path)),
                case["matches"].as_bool().unwrap(),
                "{pattern} on {path}"
            );
        }
    }

    #[test]
    fn a_folder_pattern_covers_what_is_below() {
        let p = patterns(&["drafts"]);
        assert!(p.matches_path_or_folder(Path::new("/w/drafts/a/b.json")));
        assert!(p.matches_path_or_folder(Path::new("drafts/b.json")));
        assert!(!p.matches_path_or_folder(Path::new("/w/drafts2/b.json")));
        assert!(!FilePatterns::new(&[])
            .unwrap()
            .matches_path_or_folder(Path::new("/")));
    }

    #[test]
    fn a_broken_glob_is_an_error() {
        let error = FilePatterns::new(&["{a,b".to_string()]).unwrap_err();
        assert!(error.starts_with("pattern '{a,b'"), "{error}");
    }
}
