//! The HTTP client: `reqwest` clients with a timeout on every call, the common headers,
//! bearer authentication with one renew-and-retry after a 401, and the translation of every
//! failure into an [`ApiError`]. Nothing here logs a header or a body.
//!
//! Requests go only where they were sent: a request that is not a GET (token, estimate,
//! order, decisions) never follows a redirect — a 3xx is an error naming the location — and
//! a GET follows redirects only within the same origin. Answers are read up to a limit per
//! call ([`DEFAULT_BODY_LIMIT`], [`SCHEMA_BODY_LIMIT`]) and refused beyond it. Every error
//! text is scrubbed of every secret the client knows, tokens it obtained included.
//!
//! TLS is rustls with the platform certificate verifier (`rustls-platform-verifier`, what
//! reqwest 0.13's default `rustls` feature uses): certificates are checked against the
//! operating system's trust store, so the root of a corporate TLS-inspecting proxy installed
//! there is trusted (on Linux also `SSL_CERT_FILE`/`SSL_CERT_DIR`). The crypto provider is
//! `ring` rather than reqwest's default `aws-lc-rs`: the same verification, without building
//! a C library (and its CMake/NASM needs on some platforms) into every install. Proxies come
//! from the system settings: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (either
//! case), and the OS proxy configuration on macOS and Windows.

use std::sync::{Arc, Mutex};

use reqwest::header::{HeaderMap, HeaderValue, CACHE_CONTROL, USER_AGENT};
use reqwest::{Method, RequestBuilder, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{ApiError, Problem};
use super::scrub::{redact_url, Scrubber};
use super::settings::{ApiSettings, Credentials};
use super::token::TokenState;

/// The most an answer may weigh unless the call says otherwise (1 MiB): estimates, orders,
/// tokens, lists are far smaller.
pub const DEFAULT_BODY_LIMIT: u64 = 1 << 20;
/// The most a schema or a product list may weigh (16 MiB).
pub const SCHEMA_BODY_LIMIT: u64 = 16 << 20;
/// How many same-origin redirects a GET follows.
const MAX_REDIRECTS: usize = 5;

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
    /// The most bytes of answer read; more is [`ApiError::TooLarge`].
    pub limit: u64,
    /// Return any answer as it is, error statuses included (the caller reads the body of
    /// a 4xx itself, e.g. a 422's `detail`); redirects and transport failures still fail.
    pub raw: bool,
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
            limit: DEFAULT_BODY_LIMIT,
            raw: false,
        }
    }

    /// See [`Call::raw`].
    pub fn raw(mut self) -> Call {
        self.raw = true;
        self
    }

    pub fn limit(mut self, limit: u64) -> Call {
        self.limit = limit;
        self
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
    /// For GETs: follows redirects within the same origin only.
    pub http: reqwest::Client,
    /// For everything else: follows no redirect.
    pub http_write: reqwest::Client,
    pub settings: ApiSettings,
    pub credentials: Credentials,
    /// Why configured credentials are not used with this API (an editor-set URL), if so.
    pub withheld: Option<String>,
    pub token: tokio::sync::Mutex<TokenState>,
    pub workspace: tokio::sync::OnceCell<String>,
    /// Every access token obtained, to scrub from anything that leaves the process.
    pub issued: Mutex<Vec<String>>,
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
    /// A client for `settings`. Credentials are dropped (and every call needing them fails
    /// with [`ApiError::CredentialsWithheld`]) when the API URL came from the editor's
    /// settings: see [`ApiSettings::credentials_allowed`].
    ///
    /// # Errors
    /// [`ApiError::Invalid`] for a URL that does not parse (shown without userinfo or query).
    pub fn new(settings: ApiSettings, credentials: Credentials) -> Result<Client, ApiError> {
        install_crypto_provider();
        let mut headers = HeaderMap::new();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("tasking-ls/", env!("CARGO_PKG_VERSION"))),
        );
        let same_origin = reqwest::redirect::Policy::custom(|attempt| {
            let first = attempt.previous().first().map(|u| u.origin());
            if attempt.previous().len() > MAX_REDIRECTS
                || first.is_some_and(|o| o != attempt.url().origin())
            {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        let build = |policy: reqwest::redirect::Policy| {
            reqwest::Client::builder()
                .default_headers(headers.clone())
                .timeout(settings.timeout)
                .connect_timeout(settings.timeout)
                .redirect(policy)
                .build()
                .map_err(|e| ApiError::Invalid(format!("cannot set up the HTTP client: {e}")))
        };
        let http = build(same_origin)?;
        let http_write = build(reqwest::redirect::Policy::none())?;
        for url in [&settings.api_url, &settings.auth_url] {
            Url::parse(url).map_err(|e| {
                ApiError::Invalid(format!("invalid URL `{}`: {e}", redact_url(url)))
            })?;
        }
        let withheld = if credentials == Credentials::None {
            None
        } else {
            settings.credentials_withheld(credentials.describe())
        };
        let credentials = if withheld.is_some() {
            Credentials::None
        } else {
            credentials
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                http_write,
                settings,
                credentials,
                withheld,
                token: tokio::sync::Mutex::new(TokenState::default()),
                workspace: tokio::sync::OnceCell::new(),
                issued: Mutex::new(Vec::new()),
            }),
        })
    }

    /// The scrubber for every secret this client knows now.
    pub(crate) fn scrubber(&self) -> Scrubber {
        let issued = self
            .inner
            .issued
            .lock()
            .map(|i| i.clone())
            .unwrap_or_else(|e| e.into_inner().clone());
        Scrubber::new(self.inner.credentials.secrets().into_iter().chain(issued))
    }

    /// Remembers an obtained token so it is scrubbed from everything from now on.
    pub(crate) fn remember_issued(&self, token: &str) {
        let mut issued = self.inner.issued.lock().unwrap_or_else(|e| e.into_inner());
        if !issued.iter().any(|t| t == token) {
            issued.push(token.to_string());
        }
    }

    /// Why credentials are withheld from this API, if they are.
    pub fn credentials_withheld(&self) -> Option<&str> {
        self.inner.withheld.as_deref()
    }

    /// The HTTP client for `method`: redirects only for GET, within one origin.
    pub(crate) fn http_for(&self, method: &Method) -> &reqwest::Client {
        if *method == Method::GET {
            &self.inner.http
        } else {
            &self.inner.http_write
        }
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
        let result = self.execute_unscrubbed(call).await;
        result.map_err(|e| e.scrubbed(&self.scrubber()))
    }

    async fn execute_unscrubbed(&self, call: Call) -> Result<Answer, ApiError> {
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
            let mut rb = self
                .http_for(&call.method)
                .request(call.method.clone(), url.clone());
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
            let answer = self
                .send(rb, &method, &path, &url, call.effect, call.limit)
                .await?;
            if answer.status == 401 && !renewed && token.is_some() && self.can_renew() {
                tracing::debug!(%method, %path, "401: renewing the token and retrying once");
                self.invalidate(token.as_ref()).await;
                renewed = true;
                continue;
            }
            if call.raw && !(300..400).contains(&answer.status) {
                return Ok(answer);
            }
            return self.check(answer);
        }
    }

    /// Sends and reads the whole answer, whatever its status, up to `limit` bytes: a
    /// longer answer (announced or actual) is [`ApiError::TooLarge`], read no further.
    pub(crate) async fn send(
        &self,
        rb: RequestBuilder,
        method: &str,
        path: &str,
        url: &Url,
        effect: Effect,
        limit: u64,
    ) -> Result<Answer, ApiError> {
        enum Failure {
            Transport(reqwest::Error),
            TooLarge,
        }
        let result = async {
            let mut response = rb.send().await.map_err(Failure::Transport)?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            if response.content_length().is_some_and(|n| n > limit) {
                return Err(Failure::TooLarge);
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
                let total =
                    u64::try_from(body.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
                if total > limit {
                    return Err(Failure::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok::<_, Failure>((status, headers, body))
        }
        .await;
        match result {
            Err(Failure::TooLarge) => {
                tracing::debug!(%method, %path, limit, "answer over the limit");
                let error = ApiError::TooLarge {
                    method: method.to_string(),
                    path: path.to_string(),
                    limit,
                };
                Err(match effect {
                    Effect::Write(what) => ApiError::OutcomeUnknown {
                        what: what.to_string(),
                        cause: error.to_string(),
                    },
                    Effect::Read => error,
                })
            }
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
            Err(Failure::Transport(e)) => Err(self.transport_error(&e, method, path, url, effect)),
        }
    }

    /// Turns an error status into an [`ApiError`]; 2xx and 304 pass; any other 3xx is a
    /// redirect that was not followed ([`ApiError::Redirect`]).
    pub(crate) fn check(&self, answer: Answer) -> Result<Answer, ApiError> {
        if (200..300).contains(&answer.status) || answer.status == 304 {
            return Ok(answer);
        }
        if (300..400).contains(&answer.status) {
            let location = answer
                .headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(redact_url)
                .unwrap_or_else(|| "nowhere (no Location)".to_string());
            return Err(ApiError::Redirect {
                method: answer.method.clone(),
                path: answer.path.clone(),
                status: answer.status,
                location,
                why: if answer.method == "GET" {
                    "redirects are followed within the same origin only"
                } else {
                    "a request that sends data is never redirected"
                },
            });
        }
        let problem = self.problem(&answer);
        tracing::debug!(%problem, "API error");
        Err(ApiError::from_problem(problem))
    }

    /// The error body of an answer, with any secret the server might echo removed.
    pub(crate) fn problem(&self, answer: &Answer) -> Problem {
        Problem::from_body_scrubbed(
            &answer.method,
            &answer.path,
            answer.status,
            &answer.body,
            &self.scrubber(),
        )
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
            .map_err(|e| ApiError::Invalid(format!("invalid URL `{}`: {e}", redact_url(&full))))?;
        let path = url.path().to_string();
        Ok((url, path))
    }
}

/// Makes `ring` the process's rustls crypto provider, once; reqwest's `rustls-no-provider`
/// builds its TLS configuration from it (and the platform verifier checks signatures with
/// it). An already installed provider (an embedding program's) is kept.
fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Err only when another thread installed one in between: that one is used.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
    });
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
