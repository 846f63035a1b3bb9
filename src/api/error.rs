//! `ApiError`: every way a call to the provider can fail, each displayed as one sentence a
//! user can act on (what was asked, the status, the provider's title and detail), built from
//! the three error bodies the provider uses, and never containing a raw body or a secret.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use super::scrub::Scrubber;

/// The longest title or detail we repeat from the provider; the rest is cut.
const MAX_TEXT: usize = 300;

/// An HTTP error answer, reduced to what a user needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub method: String,
    /// The path asked for, without the query.
    pub path: String,
    pub status: u16,
    /// RFC 9457 `title`, the legacy `error.message`, or Keycloak's `error`.
    pub title: Option<String>,
    /// RFC 9457 `detail`, the legacy `error.details`, or Keycloak's `error_description`.
    pub detail: Option<String>,
    /// RFC 9457 `errors[]` as `name: reason`.
    pub errors: Vec<String>,
}

impl Problem {
    /// Reads whichever error body the provider sent; a body that is not JSON or has none of
    /// the known shapes leaves title and detail empty rather than being dumped.
    pub fn from_body(method: &str, path: &str, status: u16, body: &[u8]) -> Problem {
        Self::from_body_scrubbed(method, path, status, body, &Scrubber::default())
    }

    /// Like [`Problem::from_body`], removing every secret `scrubber` knows from each text
    /// *before* it is whitespace-collapsed and cut to length, so no fragment survives.
    pub fn from_body_scrubbed(
        method: &str,
        path: &str,
        status: u16,
        body: &[u8],
        scrubber: &Scrubber,
    ) -> Problem {
        let short_text = |v: &Value| short_text(v, scrubber);
        let mut problem = Problem {
            method: method.to_string(),
            path: path.to_string(),
            status,
            title: None,
            detail: None,
            errors: vec![],
        };
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return problem;
        };
        let text = |v: Option<&Value>| v.and_then(&short_text);
        match map.get("error") {
            // Legacy envelope: {"data":null,"error":{"code","message","details"}}.
            Some(Value::Object(err)) => {
                problem.title = text(err.get("message"));
                problem.detail = text(err.get("details"));
            }
            // Keycloak: {"error":"invalid_grant","error_description":"…"}.
            Some(Value::String(code)) => {
                problem.title = short_text(&Value::String(code.clone()));
                problem.detail = text(map.get("error_description"));
            }
            _ => {
                // RFC 9457 problem details, or the glossary's {"code","message","details"}.
                problem.title = text(map.get("title")).or_else(|| text(map.get("message")));
                problem.detail = text(map.get("detail")).or_else(|| text(map.get("details")));
                if let Some(Value::Array(errors)) = map.get("errors") {
                    problem.errors = errors
                        .iter()
                        .filter_map(|e| {
                            let name = e.get("name").and_then(Value::as_str).unwrap_or("");
                            let name = scrubber.scrub(name);
                            let reason = e.get("reason").and_then(&short_text)?;
                            Some(if name.is_empty() {
                                reason
                            } else {
                                format!("{name}: {reason}")
                            })
                        })
                        .take(10)
                        .collect();
                }
            }
        }
        problem
    }

    /// Replaces every occurrence of a secret in the texts (a server may echo what it got).
    pub(crate) fn scrub(mut self, scrubber: &Scrubber) -> Problem {
        let fix = |s: &mut String| *s = scrubber.scrub(s);
        self.path = scrubber.scrub(&self.path);
        self.title.iter_mut().for_each(fix);
        self.detail.iter_mut().for_each(fix);
        self.errors.iter_mut().for_each(fix);
        self
    }
}

/// A one-line excerpt of a JSON value: strings as they are, empty objects dropped, anything
/// else compact; secrets removed, then whitespace collapsed (and scrubbed again, for a secret
/// that only matches collapsed), then cut to `MAX_TEXT` characters.
fn short_text(v: &Value, scrubber: &Scrubber) -> Option<String> {
    let s = match v {
        Value::Null => return None,
        Value::String(s) => s.clone(),
        Value::Object(m) if m.is_empty() => return None,
        Value::Array(a) if a.is_empty() => return None,
        other => other.to_string(),
    };
    let s = scrubber.scrub(&s);
    let s = scrubber.scrub(&s.split_whitespace().collect::<Vec<_>>().join(" "));
    if s.is_empty() {
        return None;
    }
    Some(if s.chars().count() > MAX_TEXT {
        format!("{}…", s.chars().take(MAX_TEXT).collect::<String>())
    } else {
        s
    })
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .map(|r| format!(" {r}"))
            .unwrap_or_default();
        write!(
            f,
            "{} {} answered HTTP {}{}",
            self.method, self.path, self.status, reason
        )?;
        if let Some(title) = &self.title {
            write!(f, ": {}", title.trim_end_matches('.'))?;
        }
        if let Some(detail) = &self.detail {
            write!(f, " — {}", detail.trim_end_matches('.'))?;
        }
        if !self.errors.is_empty() {
            write!(f, " ({})", self.errors.join("; "))?;
        }
        Ok(())
    }
}

/// The broad class of an [`ApiError`], for callers that react differently (the language
/// server's `product.unknown` message, the CLI's exit code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Offline,
    NoCredentials,
    Timeout,
    Network,
    Unauthorized,
    Forbidden,
    NotFound,
    Http,
    Malformed,
    OutcomeUnknown,
    Invalid,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("offline: {what} needs the network, which --offline forbids")]
    Offline { what: String },
    #[error(
        "no credentials: set UP42_TOKEN, or UP42_USERNAME and UP42_PASSWORD, or UP42_PROJECT_ID \
         and UP42_PROJECT_API_KEY"
    )]
    NoCredentials,
    #[error("no answer from {origin} within {} ({method} {path})", secs(*.timeout))]
    Timeout {
        method: String,
        path: String,
        origin: String,
        timeout: Duration,
    },
    #[error("network error on {method} {path} to {origin}: {cause}")]
    Network {
        method: String,
        path: String,
        origin: String,
        cause: String,
    },
    #[error("not authorized: {0}")]
    Unauthorized(Box<Problem>),
    #[error("login failed: {0}")]
    Login(Box<Problem>),
    #[error("forbidden: {0}")]
    Forbidden(Box<Problem>),
    #[error("not found: {0}")]
    NotFound(Box<Problem>),
    #[error("{0}")]
    Http(Box<Problem>),
    #[error("{method} {path} answered with {message}")]
    Malformed {
        method: String,
        path: String,
        message: String,
    },
    #[error(
        "the account has no access to the collection of product {data_product} ({problem}); \
         request access from the product's page in the UP42 console (\"Request access\") and \
         submit again once it is granted"
    )]
    NoCollectionAccess {
        data_product: String,
        problem: Box<Problem>,
    },
    #[error(
        "no complete answer to {what} ({cause}): outcome unknown — check `tasking-ls status` \
         or your order list"
    )]
    OutcomeUnknown { what: String, cause: String },
    #[error("{0}")]
    Invalid(String),
    #[error(
        "{method} {path} answered HTTP {status} redirecting to {location}: not followed \
         ({why})"
    )]
    Redirect {
        method: String,
        path: String,
        status: u16,
        /// Redacted: no userinfo, no query.
        location: String,
        why: &'static str,
    },
    #[error("{method} {path} answered with more than {limit} bytes: refused")]
    TooLarge {
        method: String,
        path: String,
        limit: u64,
    },
    #[error("no credentials sent to {api_url}: {why}")]
    CredentialsWithheld { api_url: String, why: String },
    #[error("`{id}` is not a valid {what} id (expected a UUID like bd102407-1814-4f92-8b5a-7697b7a73f5a)")]
    InvalidId { what: &'static str, id: String },
}

impl ApiError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Offline { .. } => ErrorKind::Offline,
            ApiError::NoCredentials => ErrorKind::NoCredentials,
            ApiError::Timeout { .. } => ErrorKind::Timeout,
            ApiError::Network { .. } => ErrorKind::Network,
            ApiError::Unauthorized(_) | ApiError::Login(_) => ErrorKind::Unauthorized,
            ApiError::Forbidden(_) | ApiError::NoCollectionAccess { .. } => ErrorKind::Forbidden,
            ApiError::NotFound(_) => ErrorKind::NotFound,
            ApiError::Http(_) => ErrorKind::Http,
            ApiError::Malformed { .. } => ErrorKind::Malformed,
            ApiError::OutcomeUnknown { .. } => ErrorKind::OutcomeUnknown,
            ApiError::Invalid(_) | ApiError::InvalidId { .. } => ErrorKind::Invalid,
            ApiError::Redirect { .. } => ErrorKind::Http,
            ApiError::TooLarge { .. } => ErrorKind::Malformed,
            ApiError::CredentialsWithheld { .. } => ErrorKind::NoCredentials,
        }
    }

    /// The HTTP status, when the provider answered with one.
    pub fn status(&self) -> Option<u16> {
        self.problem().map(|p| p.status)
    }

    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ApiError::Unauthorized(p)
            | ApiError::Login(p)
            | ApiError::Forbidden(p)
            | ApiError::NotFound(p)
            | ApiError::Http(p)
            | ApiError::NoCollectionAccess { problem: p, .. } => Some(p.as_ref()),
            _ => None,
        }
    }

    /// The CLI's exit status: 1 when the provider refused, 2 for usage, IO and network.
    pub fn exit_code(&self) -> i32 {
        if self.problem().is_some() {
            1
        } else {
            2
        }
    }

    /// Every text of the error with the secrets `scrubber` knows removed.
    pub(crate) fn scrubbed(self, scrubber: &Scrubber) -> ApiError {
        let s = |t: String| scrubber.scrub(&t);
        let p = |p: Box<Problem>| Box::new(p.scrub(scrubber));
        match self {
            ApiError::Offline { what } => ApiError::Offline { what: s(what) },
            ApiError::Timeout {
                method,
                path,
                origin,
                timeout,
            } => ApiError::Timeout {
                method,
                path: s(path),
                origin,
                timeout,
            },
            ApiError::Network {
                method,
                path,
                origin,
                cause,
            } => ApiError::Network {
                method,
                path: s(path),
                origin,
                cause: s(cause),
            },
            ApiError::Unauthorized(x) => ApiError::Unauthorized(p(x)),
            ApiError::Login(x) => ApiError::Login(p(x)),
            ApiError::Forbidden(x) => ApiError::Forbidden(p(x)),
            ApiError::NotFound(x) => ApiError::NotFound(p(x)),
            ApiError::Http(x) => ApiError::Http(p(x)),
            ApiError::Malformed {
                method,
                path,
                message,
            } => ApiError::Malformed {
                method,
                path: s(path),
                message: s(message),
            },
            ApiError::NoCollectionAccess {
                data_product,
                problem,
            } => ApiError::NoCollectionAccess {
                data_product,
                problem: p(problem),
            },
            ApiError::OutcomeUnknown { what, cause } => ApiError::OutcomeUnknown {
                what,
                cause: s(cause),
            },
            ApiError::Invalid(text) => ApiError::Invalid(s(text)),
            ApiError::Redirect {
                method,
                path,
                status,
                location,
                why,
            } => ApiError::Redirect {
                method,
                path: s(path),
                status,
                location: s(location),
                why,
            },
            ApiError::InvalidId { what, id } => ApiError::InvalidId { what, id: s(id) },
            other @ (ApiError::NoCredentials
            | ApiError::TooLarge { .. }
            | ApiError::CredentialsWithheld { .. }) => other,
        }
    }

    /// The error for an HTTP error status.
    pub(crate) fn from_problem(problem: Problem) -> ApiError {
        let problem = Box::new(problem);
        match problem.status {
            401 => ApiError::Unauthorized(problem),
            403 => ApiError::Forbidden(problem),
            404 => ApiError::NotFound(problem),
            _ => ApiError::Http(problem),
        }
    }
}

/// "0.3 s", "30 s".
pub(crate) fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}
