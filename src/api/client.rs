//! The HTTP client: one `reqwest::Client` with a timeout on every call, the common headers,
//! bearer authentication with one renew-and-retry after a 401, and the translation of every
//! failure into an [`ApiError`]. Nothing here logs a header or a body.

use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderValue, CACHE_CONTROL, USER_AGENT};
use reqwest::{Method, RequestBuilder, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::auth::TokenState;
use super::error::{ApiError, Problem};
use super::settings::{ApiSettings, Credentials};

/// Which token, if any, a call carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Auth {
    /// Fails with [`ApiError::NoCredentials`] when none are configured.
    Required,
    /// Sent when credentials exist (endpoints that may or may not need it).
    IfAvailable,
    /// Public endpoint.
    None,
}

/// What a failed transport means: for an order placement, anything after the request may
/// have reached the provider leaves the outcome unknown, so it is never retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    Read,
    /// Creates or decides something; the text names it ("the order submission").
    Write(&'static str),
}

/// One request to make.
pub(crate) struct Call {
    pub method: Method,
    /// A path below the API URL (`/v2/orders`) or a full URL (the auth endpoints).
    pub target: String,
    pub query: Vec<(String, String)>,
    pub body: Option<CallBody>,
    pub headers: Vec<(&'static str, String)>,
    pub auth: Auth,
    pub effect: Effect,
}

pub(crate) enum CallBody {
    /// Sent byte for byte (an order is posted exactly as the user wrote it).
    Json(Vec<u8>),
}

impl Call {
    pub fn new(method: Method, target: impl Into<String>) -> Call {
        Call {
            method,
            target: target.into(),
            query: vec![],
            body: None,
            headers: vec![],
            auth: Auth::Required,
            effect: Effect::Read,
        }
    }

    pub fn get(target: impl Into<String>) -> Call {
        Call::new(Method::GET, target)
    }

    pub fn query(mut self, name: &str, value: impl ToString) -> Call {
        self.query.push((name.to_string(), value.to_string()));
        self
    }

    pub fn json(mut self, body: &Value) -> Call {
        self.body = Some(CallBody::Json(body.to_string().into_bytes()));
        self
    }

    pub fn raw_json(mut self, body: Vec<u8>) -> Call {
        self.body = Some(CallBody::Json(body));
        self
    }

    pub fn auth(mut self, auth: Auth) -> Call {
        self.auth = auth;
        self
    }

    pub fn effect(mut self, effect: Effect) -> Call {
        self.effect = effect;
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Call {
        self.headers.push((name, value.into()));
        self
    }
}

/// A successful (2xx or 304) answer.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub method: String,
    pub path: String,
}

impl Answer {
    /// The body as `T`; a body that is not JSON or not of the expected shape is an
    /// [`ApiError::Malformed`] naming the position, never echoing the body.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_json::from_slice(&self.body).map_err(|e| ApiError::Malformed {
            method: self.method.clone(),
            path: self.path.clone(),
            message: if e.is_data() {
                format!("JSON of an unexpected shape ({e})")
            } else {
                format!("a body that is not valid JSON ({e})")
            },
        })
    }

    pub fn malformed(&self, message: impl Into<String>) -> ApiError {
        ApiError::Malformed {
            method: self.method.clone(),
            path: self.path.clone(),
            message: message.into(),
        }
    }
}

/// The provider's API. Cheap to clone: every clone shares the connection pool, the token and
/// the workspace id.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub http: reqwest::Client,
    pub settings: ApiSettings,
    pub credentials: Credentials,
    pub token: tokio::sync::Mutex<TokenState>,
    pub workspace: tokio::sync::OnceCell<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("settings", &self.inner.settings)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(settings: ApiSettings, credentials: Credentials) -> Result<Client, ApiError> {
        let mut headers = HeaderMap::new();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("tasking-ls/", env!("CARGO_PKG_VERSION"))),
        );
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .build()
            .map_err(|e| ApiError::Invalid(format!("cannot set up the HTTP client: {e}")))?;
        for url in [&settings.api_url, &settings.auth_url] {
            Url::parse(url).map_err(|e| ApiError::Invalid(format!("invalid URL `{url}`: {e}")))?;
        }
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                settings,
                credentials,
                token: tokio::sync::Mutex::new(TokenState::default()),
                workspace: tokio::sync::OnceCell::new(),
            }),
        })
    }

    pub fn settings(&self) -> &ApiSettings {
        &self.inner.settings
    }

    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// Makes the call with the configured token; after a 401 renews the token once and
    /// repeats the call. A 401 means the provider did not act on the request, so this is
    /// safe for writes too; transport failures are never repeated.
    pub(crate) async fn execute(&self, call: Call) -> Result<Answer, ApiError> {
        let (url, path) = self.resolve(&call.target)?;
        let method = call.method.to_string();
        if self.inner.settings.offline {
            return Err(ApiError::Offline {
                what: format!("{method} {path}"),
            });
        }
        let mut renewed = false;
        loop {
            let token = match call.auth {
                Auth::Required => Some(self.token().await?),
                Auth::IfAvailable if self.inner.credentials != Credentials::None => {
                    Some(self.token().await?)
                }
                _ => None,
            };
            let mut rb = self.inner.http.request(call.method.clone(), url.clone());
            if !call.query.is_empty() {
                rb = rb.query(&call.query);
            }
            for (name, value) in &call.headers {
                rb = rb.header(*name, value.as_str());
            }
            rb = match &call.body {
                Some(CallBody::Json(bytes)) => rb
                    .header("content-type", "application/json")
                    .body(bytes.clone()),
                None => rb,
            };
            if let Some(token) = &token {
                rb = rb.bearer_auth(token.expose());
            }
            let answer = self.send(rb, &method, &path, &url, call.effect).await?;
            if answer.status == 401 && !renewed && token.is_some() && self.can_renew() {
                tracing::debug!(%method, %path, "401: renewing the token and retrying once");
                self.invalidate(token.as_ref()).await;
                renewed = true;
                continue;
            }
            return self.check(answer);
        }
    }

    /// Sends and reads the whole answer, whatever its status.
    pub(crate) async fn send(
        &self,
        rb: RequestBuilder,
        method: &str,
        path: &str,
        url: &Url,
        effect: Effect,
    ) -> Result<Answer, ApiError> {
        let result = async {
            let response = rb.send().await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response.bytes().await?.to_vec();
            Ok::<_, reqwest::Error>((status, headers, body))
        }
        .await;
        match result {
            Ok((status, headers, body)) => {
                tracing::debug!(%method, %path, status, "API answer");
                Ok(Answer {
                    status,
                    headers,
                    body,
                    method: method.to_string(),
                    path: path.to_string(),
                })
            }
            Err(e) => Err(self.transport_error(&e, method, path, url, effect)),
        }
    }

    /// Turns an error status into an [`ApiError`]; 2xx and 304 pass.
    pub(crate) fn check(&self, answer: Answer) -> Result<Answer, ApiError> {
        if (200..300).contains(&answer.status) || answer.status == 304 {
            return Ok(answer);
        }
        let problem = self.problem(&answer);
        tracing::debug!(%problem, "API error");
        Err(ApiError::from_problem(problem))
    }

    /// The error body of an answer, with any secret the server might echo removed.
    pub(crate) fn problem(&self, answer: &Answer) -> Problem {
        Problem::from_body(&answer.method, &answer.path, answer.status, &answer.body)
            .scrub(&self.inner.credentials.secrets())
    }

    fn transport_error(
        &self,
        e: &reqwest::Error,
        method: &str,
        path: &str,
        url: &Url,
        effect: Effect,
    ) -> ApiError {
        let origin = url.origin().ascii_serialization();
        let cause = if e.is_connect() {
            format!("cannot connect ({})", innermost(e))
        } else if e.is_timeout() {
            format!(
                "no answer within {}",
                super::error::secs(self.inner.settings.timeout)
            )
        } else {
            innermost(e)
        };
        tracing::debug!(%method, %path, %cause, "transport error");
        match effect {
            // A refused connection never carried the request: the outcome is known.
            Effect::Write(what) if !e.is_connect() => ApiError::OutcomeUnknown {
                what: what.to_string(),
                cause,
            },
            _ if e.is_timeout() && !e.is_connect() => ApiError::Timeout {
                method: method.to_string(),
                path: path.to_string(),
                origin,
                timeout: self.inner.settings.timeout,
            },
            _ => ApiError::Network {
                method: method.to_string(),
                path: path.to_string(),
                origin,
                cause,
            },
        }
    }

    /// The full URL and the path shown in messages.
    pub(crate) fn resolve(&self, target: &str) -> Result<(Url, String), ApiError> {
        let full = if target.starts_with("http://") || target.starts_with("https://") {
            target.to_string()
        } else {
            format!("{}{}", self.inner.settings.api_url, target)
        };
        let url = Url::parse(&full)
            .map_err(|e| ApiError::Invalid(format!("invalid URL `{full}`: {e}")))?;
        let path = url.path().to_string();
        Ok((url, path))
    }
}

/// The most specific cause in an error chain ("connection refused", "connection closed
/// before message completed"): reqwest's own Display would repeat the whole URL.
fn innermost(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    let text = source.to_string();
    if text.is_empty() {
        "connection failed".to_string()
    } else {
        text
    }
}
