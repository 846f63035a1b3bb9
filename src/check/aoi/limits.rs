//! Where the acceptance rules come from: the bundled data file
//! (`assets/acceptance/limits.toml`: each provider's rules and each collection's limits,
//! every figure with its source URL and the day it was read) and the user's overrides per
//! product id (`[rules."<product-id>"]` in `tasking-ls.toml`), resolved into one
//! [`Acceptance`] per product (cached: a `validate` run resolves each product once, not once
//! per order). The provider's name, its pages and its figures are data: this
//! code names none of them.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

/// The data file, embedded at build time.
pub const BUNDLED_TEXT: &str = include_str!("../../../assets/acceptance/limits.toml");

/// A figure of the data file: a number with the page it comes from.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Figure {
    /// The figure, in the unit its key names (`-km2`: km², `-km`: km, `-m`: metres;
    /// `max-vertices`: positions).
    pub value: f64,
    /// The page's address (`https://…`).
    pub source: String,
    /// The day the page was read, `YYYY-MM-DD` (UTC).
    pub read: String,
    /// A short citation for messages: "docs.example.com, geometry rules".
    pub cite: String,
    /// What a reader of the figure should know (how it is counted, how sure it is).
    #[serde(default)]
    pub note: Option<String>,
}

/// A rule of the data file (something the provider refuses), with the page it comes from.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSource {
    pub source: String,
    pub read: String,
    pub cite: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A provider's rules, for every order of its order form.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Ruleset {
    pub id: String,
    /// The provider's name as messages show it.
    pub provider: String,
    /// The order form the rules apply to: `dataProduct` (orders naming their product) or
    /// `search` (search-style orders).
    pub order_form: String,
    pub max_vertices: Option<Figure>,
    pub no_holes: Option<RuleSource>,
    pub no_duplicate_vertices: Option<RuleSource>,
    pub no_slivers: Option<RuleSource>,
    pub sliver_mean_width_m: Option<Figure>,
    pub no_z: Option<RuleSource>,
    pub multipolygon_bbox: Option<RuleSource>,
}

/// One collection's limits, for the products it lists.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Collection {
    /// The [`Ruleset::id`] the collection belongs to.
    pub ruleset: String,
    pub collection: String,
    pub title: String,
    /// Product ids.
    pub products: Vec<String>,
    /// Figures looked for and not found, and why: said, never invented.
    #[serde(default)]
    pub missing: Vec<String>,
    /// A stricter vertex limit than the provider's.
    pub max_vertices: Option<Figure>,
    /// The collection takes a single polygon (or a point), no MultiPolygon.
    pub no_multipolygon: Option<RuleSource>,
    pub min_area_km2: Option<Figure>,
    pub max_area_km2: Option<Figure>,
    /// An AOI smaller than this is charged as this.
    pub minimum_charge_km2: Option<Figure>,
    pub min_width_km: Option<Figure>,
    pub max_width_km: Option<Figure>,
    pub min_height_km: Option<Figure>,
    pub max_height_km: Option<Figure>,
}

/// The data file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitsFile {
    pub version: u32,
    pub rulesets: Vec<Ruleset>,
    #[serde(default)]
    pub collections: Vec<Collection>,
}

impl LimitsFile {
    /// Parses a data file's text.
    pub fn parse(text: &str) -> Result<LimitsFile, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The bundled data file (parsed once; its tests prove it parses).
    pub fn bundled() -> &'static LimitsFile {
        static BUNDLED: OnceLock<LimitsFile> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            LimitsFile::parse(BUNDLED_TEXT).unwrap_or_else(|e| {
                // A broken bundled file is a build mistake the tests catch; the checks then
                // run without acceptance rules rather than stop.
                tracing::error!("the bundled acceptance rules do not parse: {e}");
                LimitsFile {
                    version: 0,
                    rulesets: Vec::new(),
                    collections: Vec::new(),
                }
            })
        })
    }

    /// Every figure and rule of the file with where it sits (`rulesets[0].max-vertices`),
    /// its source and its read date, for the test that each one has them.
    pub fn sources(&self) -> Vec<(String, String, String, String)> {
        let mut out = Vec::new();
        let mut figure = |at: String, f: &Option<Figure>| {
            if let Some(f) = f {
                out.push((at, f.source.clone(), f.read.clone(), f.cite.clone()));
            }
        };
        for (i, r) in self.rulesets.iter().enumerate() {
            figure(format!("rulesets[{i}].max-vertices"), &r.max_vertices);
            figure(
                format!("rulesets[{i}].sliver-mean-width-m"),
                &r.sliver_mean_width_m,
            );
        }
        for (i, c) in self.collections.iter().enumerate() {
            for (key, f) in [
                ("max-vertices", &c.max_vertices),
                ("min-area-km2", &c.min_area_km2),
                ("max-area-km2", &c.max_area_km2),
                ("minimum-charge-km2", &c.minimum_charge_km2),
                ("min-width-km", &c.min_width_km),
                ("max-width-km", &c.max_width_km),
                ("min-height-km", &c.min_height_km),
                ("max-height-km", &c.max_height_km),
            ] {
                figure(format!("collections[{i}].{key}"), f);
            }
        }
        let mut rule = |at: String, r: &Option<RuleSource>| {
            if let Some(r) = r {
                out.push((at, r.source.clone(), r.read.clone(), r.cite.clone()));
            }
        };
        for (i, r) in self.rulesets.iter().enumerate() {
            for (key, s) in [
                ("no-holes", &r.no_holes),
                ("no-duplicate-vertices", &r.no_duplicate_vertices),
                ("no-slivers", &r.no_slivers),
                ("no-z", &r.no_z),
                ("multipolygon-bbox", &r.multipolygon_bbox),
            ] {
                rule(format!("rulesets[{i}].{key}"), s);
            }
        }
        for (i, c) in self.collections.iter().enumerate() {
            rule(
                format!("collections[{i}].no-multipolygon"),
                &c.no_multipolygon,
            );
        }
        out
    }
}

/// `[rules."<product-id>"]` of `tasking-ls.toml`: limits a user sets or overrides for one
/// product (units in the key names). A figure set here wins over the bundled one; messages
/// then cite `tasking-ls.toml`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProductRules {
    /// At most this many positions (each ring's closing repeat counted).
    pub max_vertices: Option<f64>,
    pub min_area_km2: Option<f64>,
    pub max_area_km2: Option<f64>,
    pub minimum_charge_km2: Option<f64>,
    pub min_width_km: Option<f64>,
    pub max_width_km: Option<f64>,
    pub min_height_km: Option<f64>,
    pub max_height_km: Option<f64>,
    /// Below this mean width (2 × area / perimeter, metres) a polygon is a sliver.
    pub sliver_mean_width_m: Option<f64>,
    /// `false`: polygons with holes are refused; `true`: accepted.
    pub holes: Option<bool>,
    /// `false`: a MultiPolygon is refused; `true`: accepted (ordered as its bounding box
    /// when the provider's rules say so).
    pub multipolygon: Option<bool>,
}

/// `[rules]` of `tasking-ls.toml`: product id -> its rules.
pub type RuleOverrides = BTreeMap<String, ProductRules>;

/// Parses the `[rules]` tables of a TOML text (the rules reference's examples use it).
pub fn parse_overrides(text: &str) -> Result<RuleOverrides, String> {
    #[derive(Deserialize)]
    struct File {
        #[serde(default)]
        rules: RuleOverrides,
    }
    toml::from_str::<File>(text)
        .map(|f| f.rules)
        .map_err(|e| e.to_string())
}

/// One limit in force: its value and who sets it, for messages.
#[derive(Clone, Debug, PartialEq)]
pub struct Limit {
    /// The figure (unit as the field naming it); unused for a rule.
    pub value: f64,
    /// Who sets it: the provider's name, or `tasking-ls.toml`.
    pub by: String,
    /// The short citation: "docs.example.com, geometry rules".
    pub cite: String,
    /// The page, or the configuration file's table.
    pub source: String,
}

/// The acceptance rules in force for one order: the provider's, the collection's and the
/// user's, resolved. Each field is `None` when nothing sets it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Acceptance {
    /// The collection's title, for messages ("the X collection").
    pub collection: Option<String>,
    pub max_vertices: Option<Limit>,
    pub no_holes: Option<Limit>,
    pub no_duplicate_vertices: Option<Limit>,
    pub no_slivers: Option<Limit>,
    /// The sliver threshold (metres of mean width); set with `no_slivers`.
    pub sliver_mean_width_m: Option<Limit>,
    pub no_z: Option<Limit>,
    pub multipolygon_bbox: Option<Limit>,
    pub no_multipolygon: Option<Limit>,
    pub min_area_km2: Option<Limit>,
    pub max_area_km2: Option<Limit>,
    pub minimum_charge_km2: Option<Limit>,
    pub min_width_km: Option<Limit>,
    pub max_width_km: Option<Limit>,
    pub min_height_km: Option<Limit>,
    pub max_height_km: Option<Limit>,
    /// Whether the simplify fix of `aoi.vertices` is computed (else announced, see
    /// [`Fix::deferred`](crate::check::Fix::deferred)): not a rule, but part of what the
    /// diagnostics of a geometry depend on, so the geometry cache keys on it too.
    pub simplify_fix: bool,
}

/// The default sliver threshold when a rule refuses slivers but gives no figure (metres of
/// mean width); see docs/acceptance.md.
const DEFAULT_SLIVER_MEAN_WIDTH_M: f64 = 20.0;

fn from_figure(f: &Option<Figure>, by: &str) -> Option<Limit> {
    f.as_ref().map(|f| Limit {
        value: f.value,
        by: by.to_string(),
        cite: f.cite.clone(),
        source: f.source.clone(),
    })
}

fn from_rule(r: &Option<RuleSource>, by: &str) -> Option<Limit> {
    r.as_ref().map(|r| Limit {
        value: 0.0,
        by: by.to_string(),
        cite: r.cite.clone(),
        source: r.source.clone(),
    })
}

/// What a resolution of the bundled file depends on: the order form, the product and that
/// product's own `[rules."<product-id>"]` (the rest of the user's table does not matter).
struct CacheKey {
    order_form: String,
    product: Option<String>,
    user: Option<ProductRules>,
    simplify_fix: bool,
}

/// The most resolutions kept; past it the cache starts again (a language server's session
/// may see many products and many edits of `[rules]`: the cache must not grow with them).
const CACHE_CAPACITY: usize = 64;

impl Acceptance {
    /// [`Acceptance::resolve`] on the bundled file with `simplify_fix` set, cached: the same
    /// order form, product and user table give the same (shared) rules without copying
    /// their strings again. Resolving copied a dozen strings per order, 1.8% of `validate`'s
    /// instructions on 1,000 small orders (benches/README.md).
    pub fn resolve_bundled(
        order_form: &str,
        product: Option<&str>,
        overrides: Option<&RuleOverrides>,
        simplify_fix: bool,
    ) -> Option<Arc<Acceptance>> {
        // One cache per thread, so the parallel checks of `validate` take no lock per file
        // (issue 27); each thread resolves a product once.
        thread_local! {
            static CACHE: std::cell::RefCell<Vec<(CacheKey, Option<Arc<Acceptance>>)>> =
                const { std::cell::RefCell::new(Vec::new()) };
        }
        let user = product.and_then(|p| overrides?.get(p));
        let matches = |k: &CacheKey| {
            k.simplify_fix == simplify_fix
                && k.order_form == order_form
                && k.product.as_deref() == product
                && k.user.as_ref() == user
        };
        if let Some(rules) = CACHE.with_borrow(|cache| {
            cache
                .iter()
                .find(|(k, _)| matches(k))
                .map(|(_, rules)| rules.clone())
        }) {
            return rules;
        }
        let rules = Acceptance::resolve(LimitsFile::bundled(), order_form, product, overrides).map(
            |mut a| {
                a.simplify_fix = simplify_fix;
                Arc::new(a)
            },
        );
        CACHE.with_borrow_mut(|cache| {
            if cache.len() >= CACHE_CAPACITY {
                cache.clear();
            }
            cache.push((
                CacheKey {
                    order_form: order_form.to_string(),
                    product: product.map(str::to_string),
                    user: user.cloned(),
                    simplify_fix,
                },
                rules.clone(),
            ));
        });
        rules
    }

    /// The rules for an order of `order_form` (`dataProduct` or `search`) for `product`:
    /// the ruleset of that form, the collection listing the product, then the user's
    /// `[rules."<product>"]`. `None` when nothing applies.
    pub fn resolve(
        file: &LimitsFile,
        order_form: &str,
        product: Option<&str>,
        overrides: Option<&RuleOverrides>,
    ) -> Option<Acceptance> {
        let mut a = Acceptance {
            simplify_fix: true,
            ..Acceptance::default()
        };
        let mut any = false;
        if let Some(set) = file.rulesets.iter().find(|r| r.order_form == order_form) {
            any = true;
            let by = set.provider.as_str();
            a.max_vertices = from_figure(&set.max_vertices, by);
            a.no_holes = from_rule(&set.no_holes, by);
            a.no_duplicate_vertices = from_rule(&set.no_duplicate_vertices, by);
            a.no_slivers = from_rule(&set.no_slivers, by);
            a.sliver_mean_width_m = from_figure(&set.sliver_mean_width_m, "tasking-ls");
            a.no_z = from_rule(&set.no_z, by);
            a.multipolygon_bbox = from_rule(&set.multipolygon_bbox, by);
            if let Some(c) = product.and_then(|p| {
                file.collections
                    .iter()
                    .find(|c| c.ruleset == set.id && c.products.iter().any(|id| id == p))
            }) {
                a.collection = Some(c.title.clone());
                // A collection's figure is the collection's, whatever page it comes from
                // (the citation names that).
                let by = format!("the {} collection", c.title);
                let by = by.as_str();
                if c.max_vertices.is_some() {
                    a.max_vertices = from_figure(&c.max_vertices, by);
                }
                a.no_multipolygon = from_rule(&c.no_multipolygon, by);
                a.min_area_km2 = from_figure(&c.min_area_km2, by);
                a.max_area_km2 = from_figure(&c.max_area_km2, by);
                a.minimum_charge_km2 = from_figure(&c.minimum_charge_km2, by);
                a.min_width_km = from_figure(&c.min_width_km, by);
                a.max_width_km = from_figure(&c.max_width_km, by);
                a.min_height_km = from_figure(&c.min_height_km, by);
                a.max_height_km = from_figure(&c.max_height_km, by);
            }
        }
        if let Some(user) = product.and_then(|p| overrides?.get(p)) {
            any = true;
            let table = format!(
                "[rules.\"{}\"]",
                product.unwrap_or_default().replace('"', "\\\"")
            );
            let limit = |value: f64| Limit {
                value,
                by: "tasking-ls.toml".to_string(),
                cite: format!("tasking-ls.toml {table}"),
                source: format!("tasking-ls.toml {table}"),
            };
            let set = |slot: &mut Option<Limit>, value: Option<f64>| {
                if let Some(v) = value {
                    *slot = Some(limit(v));
                }
            };
            set(&mut a.max_vertices, user.max_vertices);
            set(&mut a.min_area_km2, user.min_area_km2);
            set(&mut a.max_area_km2, user.max_area_km2);
            set(&mut a.minimum_charge_km2, user.minimum_charge_km2);
            set(&mut a.min_width_km, user.min_width_km);
            set(&mut a.max_width_km, user.max_width_km);
            set(&mut a.min_height_km, user.min_height_km);
            set(&mut a.max_height_km, user.max_height_km);
            if let Some(v) = user.sliver_mean_width_m {
                a.sliver_mean_width_m = Some(limit(v));
                if a.no_slivers.is_none() {
                    a.no_slivers = Some(limit(v));
                }
            }
            match user.holes {
                Some(true) => a.no_holes = None,
                Some(false) => a.no_holes = Some(limit(0.0)),
                None => {}
            }
            match user.multipolygon {
                Some(true) => a.no_multipolygon = None,
                Some(false) => a.no_multipolygon = Some(limit(0.0)),
                None => {}
            }
        }
        if a.no_slivers.is_some() && a.sliver_mean_width_m.is_none() {
            a.sliver_mean_width_m = Some(Limit {
                value: DEFAULT_SLIVER_MEAN_WIDTH_M,
                by: "tasking-ls".to_string(),
                cite: "tasking-ls's threshold".to_string(),
                source: String::new(),
            });
        }
        any.then_some(a)
    }
}
