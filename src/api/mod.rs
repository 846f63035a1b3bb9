//! The provider's HTTP API, the only code that talks HTTP: settings and credentials, tokens,
//! products, schemas (with the cached, deduplicated [`SchemaFetcher`]), quotes, orders,
//! receipts, quotations and feasibility studies.

// Outside input reaches every function here (a client's bytes, a provider's answers): no
// `unwrap`/`expect`/`panic!`, no arithmetic that can overflow and no indexing that can panic
// outside tests (issue 14); clippy enforces it with `-D warnings` in CI. Sizes, counts,
// positions and durations from outside saturate or are checked. One exception, said where it
// is: the LSP framing code in `transport.rs` slices below lengths it has just checked.
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing
    )
)]

mod auth;
pub mod celestrak;
mod client;
pub mod credentials;
mod error;
mod orders;
mod products;
pub mod receipt;
mod schemas;
pub mod scrub;
mod settings;
pub mod stapi;
mod tasking;
mod token;

pub use auth::{CLIENT_ID, EXPIRY_MARGIN, LEGACY_TOKEN_LIFETIME};
pub use client::Client;
pub use credentials::{ApiConfig, CredentialsSource};
pub use error::{ApiError, ErrorKind, Problem};
pub use orders::{
    api_id, data_product, group_thousands, request_form, sub_status_meaning, to_current_form,
    Estimate, FeatureError, ListedOrder, Order, PlannedOrder, RequestError, RequestForm,
    Submission,
};
pub use schemas::{Backoff, FetchError, SchemaAnswer, SchemaFetcher};
pub use settings::{
    clamp_timeout, ApiSettings, Credentials, CredentialsError, Secret, SettingsOverrides,
    DEFAULT_API_URL, DEFAULT_AUTH_URL, DEFAULT_TIMEOUT, MAX_TIMEOUT,
};
pub use tasking::{Decision, FeasibilityOption, FeasibilityStudy, OrderReport, Quotation};
