//! The product schemas and products index embedded at build time from `schemas-cache/`
//! (see build.rs): `<product-id>.json` files and `products.json`.

mod generated {
    include!(concat!(env!("OUT_DIR"), "/bundled_schemas.rs"));
}

/// Every embedded file as `(file name, contents)`, sorted by name; the store tells the
/// products index from the schemas by name, as it does for `--schema-dir`.
pub(super) fn files() -> &'static [(&'static str, &'static str)] {
    generated::FILES
}
