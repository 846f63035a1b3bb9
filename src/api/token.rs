//! The access token held in memory and whether it is still usable. Its own module so that
//! the client, which holds it, and `auth`, which fetches and renews it, both import it and
//! not each other.

use std::time::{Duration, Instant};

use super::settings::Secret;

/// Renew this long before the provider's expiry, so a token never expires in flight.
pub const EXPIRY_MARGIN: Duration = Duration::from_secs(30);
/// The token held in memory.
#[derive(Default)]
pub(crate) struct TokenState {
    pub(super) current: Option<Token>,
}

#[derive(Clone)]
pub(super) struct Token {
    pub(super) value: Secret,
    /// `None` for a static `UP42_TOKEN`, which we cannot renew anyway.
    pub(super) expires_at: Option<Instant>,
}

impl Token {
    pub(super) fn usable(&self) -> bool {
        self.expires_at.is_none_or(|at| {
            Instant::now()
                .checked_add(EXPIRY_MARGIN)
                .is_some_and(|soon| soon < at)
        })
    }
}
