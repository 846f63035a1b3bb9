//! Diagnostics for an order request: syntax, envelope, the product schema, geometry and dates,
//! computed in one pass over a parsed [`Document`]. Fixes are built next to the diagnostic
//! that needs them, so the CLI and the language server offer the same ones.

pub mod aoi;
mod cache;
pub mod cql2;
mod dates;
mod diagnostic;
pub(crate) mod edits;
mod envelope;
pub mod feasibility;
mod geojson;
pub mod geometry;
pub mod interval;
pub(crate) mod messages;
mod params;
pub mod rules;
pub mod search_order;
pub mod suggest;
mod syntax;
mod unknown;

use chrono::{DateTime, Utc};

pub use cache::GeometryCache;
pub use diagnostic::{Code, Diagnostic, Edit, Fix, Related, Severity};
pub use envelope::{
    find_geometries, find_polygons, product_id, request_form, GeometrySite, RequestForm,
};
pub use messages::closest;
pub use params::{params_value, suggested_value};

use crate::document::Document;
use crate::schema::{SchemaStore, SearchProduct};

/// What the checks need besides the document.
#[derive(Clone, Debug)]
pub struct CheckOptions<'a> {
    pub store: &'a SchemaStore,
    /// "Now", for `dates.past`; a parameter so results are reproducible.
    pub now: DateTime<Utc>,
    /// Why a product has no schema, when the caller knows (offline, 404, network...).
    pub unknown_product_reason: Option<&'a str>,
    /// `product.unknown` is an error rather than a warning: `validate` sets it (unless
    /// `--allow-unknown-products`), so that CI never passes having checked no `params`; the
    /// language server leaves it unset while a schema fetch may still succeed.
    pub unknown_product_is_error: bool,
    /// Geometry results of earlier checks, reused when a geometry's text is unchanged (the
    /// language server keeps one; a one-off check needs none).
    pub geometry_cache: Option<&'a GeometryCache>,
    /// The document is a search-style order for this product (see [`search_order`]):
    /// the product is named by the caller's configuration, not by the document.
    pub search_product: Option<&'a SearchProduct>,
    /// `[rules."<product-id>"]` of `tasking-ls.toml`: acceptance limits the user sets per
    /// product, over the bundled ones (see [`aoi`]).
    pub rule_overrides: Option<&'a aoi::RuleOverrides>,
    /// Whether the provider's acceptance rules (`aoi.*`) are checked; on by default.
    pub acceptance_rules: bool,
    /// Whether fixes that cost more than the check are computed (the simplify fix of
    /// `aoi.vertices`, about 0.3 s for 200,000 vertices); when not, such a diagnostic
    /// carries a [`Fix::deferred`]. On by default; `validate` without `--fix` and the
    /// language server's diagnostics turn it off, and compute the fix when it is applied.
    pub costly_fixes: bool,
}

impl<'a> CheckOptions<'a> {
    pub fn new(store: &'a SchemaStore) -> Self {
        CheckOptions {
            store,
            now: Utc::now(),
            unknown_product_reason: None,
            unknown_product_is_error: false,
            geometry_cache: None,
            search_product: None,
            rule_overrides: None,
            acceptance_rules: true,
            costly_fixes: true,
        }
    }
}

/// The most diagnostics reported for one file; the rest are summed up in one more.
pub const MAX_DIAGNOSTICS: usize = 1000;

/// Every diagnostic of the document, sorted by position then code: at most
/// [`MAX_DIAGNOSTICS`], then one "and N more" diagnostic (with the code and range of the
/// first one left out) when there are more.
pub fn check_document(doc: &Document, options: &CheckOptions<'_>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let omitted_syntax = syntax::check(doc, &mut diagnostics, MAX_DIAGNOSTICS);
    if let (Some(root), Some(product)) = (doc.root(), options.search_product) {
        if let Some(site) = search_order::check(doc, root, product, options, &mut diagnostics) {
            let acceptance = acceptance(options, "search", Some(&product.id));
            let _ = check_geometry(doc, &site, options, acceptance.as_deref(), &mut diagnostics);
        }
    } else if let Some(root) = doc.root() {
        let request = envelope::check(doc, root, options, &mut diagnostics);
        if let Some(schema) = &request.schema {
            params::check(doc, &request, schema, options.now, &mut diagnostics);
        }
        let acceptance = acceptance(options, "dataProduct", product_id(root));
        let sites = find_geometries(root, request.form, request.schema.as_deref());
        let extremes: Vec<_> = sites
            .iter()
            .map(|site| check_geometry(doc, site, options, acceptance.as_deref(), &mut diagnostics))
            .collect();
        dates::check(doc, &request, options.now, &mut diagnostics);
        feasibility::check(&request, &sites, &extremes, options, &mut diagnostics);
        geojson::check(doc, root, &mut diagnostics);
    }
    diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    diagnostics.dedup_by(|a, b| a.range == b.range && a.code == b.code && a.message == b.message);
    keep_line_ending(doc, &mut diagnostics);
    cap(diagnostics, omitted_syntax)
}

/// Writes the line breaks of every fix's text as the document's own (the checks build them
/// with `\n`): a fix must not leave a CRLF file with mixed line endings (ruff's rule too).
fn keep_line_ending(doc: &Document, diagnostics: &mut [Diagnostic]) {
    let ending = doc.line_ending();
    for fix in diagnostics.iter_mut().flat_map(|d| d.fixes.iter_mut()) {
        for edit in &mut fix.edits {
            if let std::borrow::Cow::Owned(text) =
                crate::document::with_line_ending(&edit.new_text, ending)
            {
                edit.new_text = text;
            }
        }
    }
}

/// The acceptance rules in force for an order of `order_form` for `product`: the bundled
/// data and the user's overrides ([`aoi::Acceptance::resolve_bundled`], resolved once per
/// product and shared).
fn acceptance(
    options: &CheckOptions<'_>,
    order_form: &str,
    product: Option<&str>,
) -> Option<std::sync::Arc<aoi::Acceptance>> {
    if !options.acceptance_rules {
        return None;
    }
    aoi::Acceptance::resolve_bundled(
        order_form,
        product,
        options.rule_overrides,
        options.costly_fixes,
    )
}

/// The geometry checks of one site, through the geometry cache when the caller keeps one.
/// The geometry's diagnostics (appended) and latitude extremes (see `geometry::check`).
fn check_geometry(
    doc: &Document,
    site: &GeometrySite<'_>,
    options: &CheckOptions<'_>,
    acceptance: Option<&aoi::Acceptance>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<geometry::LatitudeExtremes> {
    match options.geometry_cache {
        Some(cache) => {
            // Everything the geometry's verdict depends on besides its text: the acceptance
            // rules in force too (another product, or an edited `[rules]`, gives other
            // `aoi.*` diagnostics for the same text).
            let context = format!(
                "{}|{:?}|{:?}|{:?}",
                site.label, site.path, site.model, acceptance
            );
            let key = cache::key(doc, site.node.range, &context);
            cache.check(key, site.node.range.start, diagnostics, |out| {
                geometry::check(doc, site, acceptance, out)
            })
        }
        None => geometry::check(doc, site, acceptance, diagnostics),
    }
}

/// Keeps the first [`MAX_DIAGNOSTICS`] and sums up the rest (plus `omitted`, syntax errors
/// never built, which all lie after the kept ones).
fn cap(mut diagnostics: Vec<Diagnostic>, omitted: usize) -> Vec<Diagnostic> {
    if diagnostics.len() <= MAX_DIAGNOSTICS && omitted == 0 {
        return diagnostics;
    }
    let rest = diagnostics.split_off(MAX_DIAGNOSTICS.min(diagnostics.len()));
    let more = rest.len().saturating_add(omitted);
    let (code, range) = rest
        .first()
        .map(|d| (d.code, d.range))
        .or_else(|| diagnostics.last().map(|d| (d.code, d.range)))
        .unwrap_or((Code::Syntax, crate::document::TextRange::new(0, 0)));
    diagnostics.push(Diagnostic::new(
        code,
        range,
        format!(
            "and {more} more problem{} in this file, not listed (the first {MAX_DIAGNOSTICS} are); \
             fix these first",
            if more == 1 { "" } else { "s" }
        ),
    ));
    diagnostics
}
