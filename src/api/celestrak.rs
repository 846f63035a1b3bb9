//! Current orbital elements from CelesTrak's GP API (`GET /NORAD/elements/gp.php?CATNR=<NORAD
//! id>&FORMAT=json`, documented at <https://celestrak.org/NORAD/documentation/gp-data-formats.php>),
//! for `tasking-ls elements update`. Asked only by that command: never with `--offline`, never
//! by a check or the language server. The base URL can be another server's (the tests' fake
//! one on 127.0.0.1): `--source-url` or `$TASKING_LS_ELEMENTS_URL`.

use serde_json::Value;

use super::client::{Auth, Call};
use super::{ApiError, ApiSettings, Client, Credentials};
use crate::feasibility::elements::{self, ElementSet};

/// CelesTrak's root; the GP query is below it.
pub const DEFAULT_ELEMENTS_URL: &str = "https://celestrak.org";

/// The environment variable that replaces [`DEFAULT_ELEMENTS_URL`].
pub const ELEMENTS_URL_ENV: &str = "TASKING_LS_ELEMENTS_URL";

/// The GP query's path below the root.
pub const GP_PATH: &str = "/NORAD/elements/gp.php";

/// The most bytes read from one answer: one OMM record is under 1 KB.
const BODY_LIMIT: u64 = 1 << 20;

/// A client of the GP API at one root URL.
#[derive(Clone, Debug)]
pub struct ElementsClient {
    /// The root as shown in messages: without userinfo (a password in the URL is never
    /// printed).
    shown: String,
    client: Client,
}

/// Why a satellite's elements could not be fetched: the URL asked and what went wrong (the
/// HTTP status, the network error, or an answer that holds no element set for it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{url}: {message}")]
pub struct FetchError {
    /// The URL asked, query included (it holds no secret), without userinfo.
    pub url: String,
    pub message: String,
    /// The HTTP status, when the server answered with an error status.
    pub status: Option<u16>,
    /// True when `--offline` forbade the request.
    pub offline: bool,
}

impl ElementsClient {
    /// A client of the GP API at `url` (a root such as `https://celestrak.org`).
    ///
    /// # Errors
    /// A URL that does not parse.
    pub fn new(url: &str, offline: bool) -> Result<ElementsClient, ApiError> {
        let url = url.trim_end_matches('/').to_string();
        let settings = ApiSettings {
            api_url: url.clone(),
            // Never used: no call here authenticates; set to the same server so that nothing
            // is ever sent to the provider's auth host.
            auth_url: format!("{url}/token"),
            auth_url_configured: true,
            offline,
            ..ApiSettings::default()
        };
        Ok(ElementsClient {
            client: Client::new(settings, Credentials::None)?,
            shown: super::settings::shown_url(&url),
        })
    }

    /// The URL asked for satellite `norad_id`, as shown in messages (without userinfo).
    pub fn url_for(&self, norad_id: u64) -> String {
        format!("{}{GP_PATH}?CATNR={norad_id}&FORMAT=json", self.shown)
    }

    /// The newest element set the server has for `norad_id`.
    ///
    /// # Errors
    /// [`FetchError`] naming the URL: offline, the network, an HTTP error status, an answer
    /// that is not OMM JSON (CelesTrak answers `No GP data found` as text for an unknown
    /// number), or one without a set for this satellite.
    pub async fn fetch(&self, norad_id: u64) -> Result<ElementSet, FetchError> {
        let url = self.url_for(norad_id);
        let fail = |message: String, status: Option<u16>, offline: bool| FetchError {
            url: url.clone(),
            message,
            status,
            offline,
        };
        let call = Call::get(GP_PATH)
            .query("CATNR", norad_id)
            .query("FORMAT", "json")
            .auth(Auth::None)
            .limit(BODY_LIMIT);
        let answer = self.client.execute(call).await.map_err(|e| {
            let offline = matches!(e, ApiError::Offline { .. });
            fail(e.to_string(), e.status(), offline)
        })?;
        let text = String::from_utf8_lossy(&answer.body);
        if serde_json::from_str::<Value>(&text).is_err() {
            let first = text.lines().next().unwrap_or("").trim();
            let shown: String = first.chars().take(80).collect();
            return Err(fail(
                format!(
                    "HTTP {} but not OMM JSON{}",
                    answer.status,
                    if shown.is_empty() {
                        String::new()
                    } else {
                        format!(" ({shown:?})")
                    }
                ),
                None,
                false,
            ));
        }
        let sets = elements::parse(&text).map_err(|e| {
            fail(
                format!("the answer is not an element set: {e}"),
                None,
                false,
            )
        })?;
        sets.into_iter()
            .filter(|s| s.norad_id == norad_id)
            .max_by_key(|s| s.epoch)
            .ok_or_else(|| {
                fail(
                    format!("the answer holds no element set for NORAD {norad_id}"),
                    None,
                    false,
                )
            })
    }
}
