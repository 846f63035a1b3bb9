//! Which files are STAPI orders and which server and product each is for: files named
//! `*_stapi_order.json`, and those matching a `[[stapi.files]]` pattern of
//! `tasking-ls.toml`; the product is the first matching entry's, else `[stapi] product`.
//! The CLI and the server both resolve it here, so a file means the same to both.

use std::path::Path;
use std::sync::Arc;

use super::file::{LoadedConfig, StapiTable};
use super::patterns::FilePatterns;
use crate::schema::SearchProduct;

/// The names of STAPI order files when nothing configures more.
pub const STAPI_FILE_PATTERNS: &[&str] = &["*_stapi_order.json"];

/// The STAPI settings in force.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StapiConfig {
    /// The server's root, without a trailing slash.
    pub url: Option<String>,
    /// The default product id.
    pub product: Option<String>,
    /// The environment variable holding the bearer token.
    pub token_env: Option<String>,
    /// `[[stapi.files]]`: each pattern with its product and constellation.
    files: Vec<(FilePatterns, String, Option<String>)>,
    /// `[stapi] constellation`: the default product's satellites in the constellation table.
    pub constellation: Option<String>,
    /// Every pattern naming STAPI order files (the default and the configured ones).
    patterns: Option<FilePatterns>,
}

impl StapiConfig {
    /// From the `[stapi]` table of a configuration file (nothing configured: the defaults).
    ///
    /// # Errors
    /// `[stapi] files: pattern 'P': reason` for a pattern that is not a glob; a `url` that is
    /// not http(s).
    pub fn from_config(config: Option<&LoadedConfig>) -> Result<StapiConfig, String> {
        let table = config
            .and_then(|c| c.file.stapi.clone())
            .unwrap_or_default();
        Self::from_table(&table)
    }

    /// From a `[stapi]` table.
    ///
    /// # Errors
    /// As [`StapiConfig::from_config`].
    pub fn from_table(table: &StapiTable) -> Result<StapiConfig, String> {
        let mut all: Vec<String> = STAPI_FILE_PATTERNS.iter().map(|p| p.to_string()).collect();
        let mut files = Vec::new();
        for entry in &table.files {
            let pattern = FilePatterns::new(std::slice::from_ref(&entry.pattern))
                .map_err(|e| format!("[stapi] files: {e}"))?;
            files.push((pattern, entry.product.clone(), entry.constellation.clone()));
            all.push(entry.pattern.clone());
        }
        if let Some(url) = &table.url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!(
                    "[stapi] url '{url}' must start with http:// or https://"
                ));
            }
        }
        Ok(StapiConfig {
            url: table
                .url
                .as_ref()
                .map(|u| u.trim_end_matches('/').to_string()),
            product: table.product.clone(),
            token_env: table.token_env.clone(),
            files,
            constellation: table.constellation.clone(),
            patterns: Some(FilePatterns::new(&all)?),
        })
    }

    /// Every pattern naming STAPI order files.
    pub fn patterns(&self) -> FilePatterns {
        self.patterns.clone().unwrap_or_else(|| {
            let defaults: Vec<String> = STAPI_FILE_PATTERNS.iter().map(|p| p.to_string()).collect();
            FilePatterns::new(&defaults).unwrap_or_else(|_| FilePatterns::none())
        })
    }

    /// True when `path` is a STAPI order file.
    pub fn is_order_file(&self, path: &Path) -> bool {
        match &self.patterns {
            Some(patterns) => patterns.matches(path),
            None => self.patterns().matches(path),
        }
    }

    /// The product `path` is for: the first matching `[[stapi.files]]` entry's, else the
    /// default; `None` when neither is set.
    pub fn product_for(&self, path: &Path) -> Option<String> {
        self.files
            .iter()
            .find(|(pattern, _, _)| pattern.matches(path))
            .map(|(_, product, _)| product.clone())
            .or_else(|| self.product.clone())
    }

    /// The constellation (`constellation` of the table) of the product `path` is for: the
    /// first matching `[[stapi.files]]` entry's (none when that entry names none), else
    /// `[stapi] constellation`. The pass search needs it to know which satellites to search.
    pub fn constellation_for(&self, path: &Path) -> Option<String> {
        match self
            .files
            .iter()
            .find(|(pattern, _, _)| pattern.matches(path))
        {
            Some((_, _, constellation)) => constellation.clone(),
            None => self.constellation.clone(),
        }
    }
}

/// Whether a path is a STAPI order (under its own configuration).
pub type PathTest = Arc<dyn Fn(&Path) -> bool + Send + Sync>;
/// The product of a STAPI order path, as the checks read it.
pub type ProductLookup = Arc<dyn Fn(&Path) -> Option<Arc<SearchProduct>> + Send + Sync>;

/// What `validate` needs for the STAPI files among those it checks: which paths they are
/// (each under its nearest configuration), and each one's product as the checks read it
/// (fetched, cached or unknown). Built by the CLI, which knows how to reach the server.
#[derive(Clone, Default)]
pub struct SearchFiles {
    /// True for a STAPI order path (walked besides the request patterns).
    pub is_order: Option<PathTest>,
    /// The product for a STAPI order path.
    pub resolve: Option<ProductLookup>,
}

impl std::fmt::Debug for SearchFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchFiles").finish_non_exhaustive()
    }
}

impl SearchFiles {
    /// True when a walk should pick up `path` as a STAPI order.
    pub fn matches(&self, path: &Path) -> bool {
        self.is_order.as_ref().is_some_and(|test| test(path))
    }

    /// The product of `path` when it is a STAPI order.
    pub fn product_for(&self, path: &Path) -> Option<Arc<SearchProduct>> {
        if !self.matches(path) {
            return None;
        }
        self.resolve.as_ref().and_then(|resolve| resolve(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::file::StapiFiles;

    #[test]
    fn files_entries_pick_the_product_first_match_wins() {
        let config = StapiConfig::from_table(&StapiTable {
            url: Some("http://127.0.0.1:8000/".into()),
            product: Some("optical-30cm".into()),
            token_env: None,
            files: vec![StapiFiles {
                pattern: "radar/*.json".into(),
                product: "sar-spotlight".into(),
                constellation: None,
            }],
            constellation: Some("pneo-tasking".into()),
        })
        .unwrap();
        assert_eq!(config.url.as_deref(), Some("http://127.0.0.1:8000"));
        assert!(config.is_order_file(Path::new("a/b/x_stapi_order.json")));
        assert!(config.is_order_file(Path::new("radar/x.json")));
        assert!(!config.is_order_file(Path::new("x_tasking_request.json")));
        assert_eq!(
            config.product_for(Path::new("radar/x.json")).as_deref(),
            Some("sar-spotlight")
        );
        assert_eq!(
            config
                .product_for(Path::new("x_stapi_order.json"))
                .as_deref(),
            Some("optical-30cm")
        );
        assert_eq!(
            config
                .constellation_for(Path::new("x_stapi_order.json"))
                .as_deref(),
            Some("pneo-tasking")
        );
        assert_eq!(config.constellation_for(Path::new("radar/x.json")), None);
    }

    #[test]
    fn a_url_must_be_http() {
        let error = StapiConfig::from_table(&StapiTable {
            url: Some("ftp://x".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(error.contains("http://"), "{error}");
    }
}
