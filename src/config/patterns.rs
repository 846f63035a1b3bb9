//! File patterns with one meaning everywhere (CLI walk, `exclude`, the server's
//! `filePatterns`, and the VS Code and Neovim clients, which implement the same rule):
//! globs as globset reads them with `literal_separator` (`*` and `?` never cross `/`, `**`
//! spans folders, `{a,b}` alternatives, `[abc]` classes), matched against the end of the
//! path. A pattern without `/` matches the file (or folder) name in any folder; a pattern
//! with `/` matches the last segments of the path, as if it started with `**/`, unless it
//! starts with `/` or `**/` already.
//!
//! A pattern `*LITERAL` (the common case: `*_tasking_request.json`) is matched as a name
//! suffix without globset: building its regex costs more than the rest of a one-file
//! `validate` (4 million instructions, globset's DFA construction), and a suffix test is the
//! same verdict (`*` never crosses `/`, matches the empty string and no dot rule applies).

use std::path::Path;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// The file patterns used when nothing configures them.
pub const DEFAULT_FILE_PATTERNS: &[&str] = &["*_tasking_request.json"];

/// A compiled list of patterns.
#[derive(Clone, Debug)]
pub struct FilePatterns {
    patterns: Vec<String>,
    /// The `LITERAL` of each `*LITERAL` pattern: a file (or folder) name ending with it
    /// matches.
    name_suffixes: Vec<String>,
    /// The other patterns.
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
            name_suffixes: Vec::new(),
            set: GlobSet::empty(),
        }
    }

    /// Compiles `patterns` (backslashes in them are taken as `/`).
    ///
    /// # Errors
    /// `pattern 'P': reason` for the first pattern that is not a glob (an unclosed `{` or `[`).
    pub fn new(patterns: &[String]) -> Result<Self, String> {
        let mut builder = GlobSetBuilder::new();
        let mut name_suffixes = Vec::new();
        let mut globs = 0;
        for pattern in patterns {
            if let Some(suffix) = name_suffix(pattern) {
                name_suffixes.push(suffix.to_string());
                continue;
            }
            globs += 1;
            let glob = GlobBuilder::new(&anchored(pattern))
                .literal_separator(true)
                .backslash_escape(false)
                .build()
                .map_err(|e| format!("pattern '{pattern}': {}", e.kind()))?;
            builder.add(glob);
        }
        let set = if globs == 0 {
            GlobSet::empty()
        } else {
            builder.build().map_err(|e| e.to_string())?
        };
        Ok(FilePatterns {
            patterns: patterns.to_vec(),
            name_suffixes,
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
        if !self.name_suffixes.is_empty() {
            let name = text.rsplit('/').next().unwrap_or(text);
            if self
                .name_suffixes
                .iter()
                .any(|s| name.ends_with(s.as_str()))
            {
                return true;
            }
        }
        if self.set.is_empty() {
            return false;
        }
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

/// `LITERAL` when `pattern` is `*LITERAL` with no other glob syntax and no separator.
fn name_suffix(pattern: &str) -> Option<&str> {
    let rest = pattern.strip_prefix('*')?;
    let special = |c: char| matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '/' | '\\');
    (!rest.is_empty() && !rest.contains(special)).then_some(rest)
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

    /// The `*LITERAL` fast path gives globset's verdict: thousands of generated patterns
    /// and paths (names with dots, underscores, the literal itself, empty prefixes, folders
    /// named like files).
    #[test]
    fn name_suffix_patterns_match_as_globset_does() {
        let mut rng = crate::test_rng::Lcg(7);
        let alphabet = ['a', '_', '.', 'j', 's', 'o', 'n'];
        let word = |rng: &mut crate::test_rng::Lcg, max: u32| -> String {
            let len = rng.draw() % (max + 1);
            (0..len)
                .map(|_| alphabet[rng.draw() as usize % alphabet.len()])
                .collect()
        };
        for _ in 0..3000 {
            let literal = format!("{}{}", alphabet[rng.draw() as usize % 7], word(&mut rng, 4));
            let pattern = format!("*{literal}");
            assert!(name_suffix(&pattern).is_some(), "{pattern}");
            let fast = patterns(&[pattern.as_str()]);
            let glob = globset::GlobBuilder::new(&anchored(&pattern))
                .literal_separator(true)
                .backslash_escape(false)
                .build()
                .unwrap()
                .compile_matcher();
            for _ in 0..8 {
                let mut path = String::new();
                for _ in 0..rng.draw() % 3 {
                    path.push_str(&word(&mut rng, 5));
                    path.push('/');
                }
                path.push_str(&word(&mut rng, 4));
                if rng.draw().is_multiple_of(2) {
                    path.push_str(&literal);
                }
                if rng.draw().is_multiple_of(4) {
                    path.push_str(&word(&mut rng, 2));
                }
                let absolute = if path.starts_with('/') {
                    path.clone()
                } else {
                    format!("/{path}")
                };
                assert_eq!(
                    fast.matches(Path::new(&path)),
                    glob.is_match(&absolute),
                    "{pattern} on {path}"
                );
            }
        }
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
