//! Access tokens and the workspace id: a static token, the OpenID Connect password grant, or
//! legacy project credentials; the token is kept in memory and renewed 30 s before it
//! expires (or after a 401), one renewal at a time.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

use super::client::{Auth, Call, Client, Effect};
use super::error::ApiError;
use super::settings::{Credentials, Secret};
use super::token::Token;

pub use super::token::EXPIRY_MARGIN;

/// Legacy project tokens do not say how long they live; the SDK assumed 5 min − 1 s.
pub const LEGACY_TOKEN_LIFETIME: Duration = Duration::from_secs(299);
/// Account tokens that omit `expires_in` are assumed to live 5 min, the documented default.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(300);
/// The longest token lifetime believed (one day): a larger `expires_in` (up to 2^64-1) is
/// clamped, so adding it to `Instant::now()` cannot overflow.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// The OpenID Connect client id the documentation names.
pub const CLIENT_ID: &str = "up42-api";

impl Client {
    /// A valid access token, fetched or renewed if needed. Callers wait on one lock, so
    /// concurrent calls trigger a single token request.
    pub(crate) async fn token(&self) -> Result<Secret, ApiError> {
        let mut state = self.inner.token.lock().await;
        if let Some(token) = state.current.as_ref().filter(|t| t.usable()) {
            return Ok(token.value.clone());
        }
        let token = self
            .fetch_token()
            .await
            .map_err(|e| e.scrubbed(&self.scrubber()))?;
        self.remember_issued(token.value.expose());
        let value = token.value.clone();
        state.current = Some(token);
        Ok(value)
    }

    /// Whether a 401 can be cured by asking for a new token.
    pub(crate) fn can_renew(&self) -> bool {
        matches!(
            self.inner.credentials,
            Credentials::Account { .. } | Credentials::Project { .. }
        )
    }

    /// Forgets `used` after a 401, unless another call already replaced it.
    pub(crate) async fn invalidate(&self, used: Option<&Secret>) {
        let mut state = self.inner.token.lock().await;
        if state.current.as_ref().map(|t| &t.value) == used {
            state.current = None;
        }
    }

    async fn fetch_token(&self) -> Result<Token, ApiError> {
        let settings = &self.inner.settings;
        if settings.offline {
            return Err(ApiError::Offline {
                what: "logging in".to_string(),
            });
        }
        match &self.inner.credentials {
            Credentials::None => Err(match self.credentials_withheld() {
                Some(why) => ApiError::CredentialsWithheld {
                    api_url: super::credentials::shown_url(&settings.api_url),
                    why: why.to_string(),
                },
                None => ApiError::NoCredentials,
            }),
            Credentials::Token(value) => Ok(Token {
                value: value.clone(),
                expires_at: None,
            }),
            Credentials::Account { .. } if !settings.auth_host_trusted() => {
                Err(ApiError::CredentialsWithheld {
                    api_url: super::credentials::shown_url(&settings.api_url),
                    why: format!(
                        "the API is not the default one while no auth URL is configured next \
                         to the credentials, and the password is never sent to the default \
                         auth host ({}) for another API; set UP42_AUTH_URL (or auth-url in the \
                         credentials file) to that API's token endpoint",
                        super::scrub::redact_url(&settings.auth_url)
                    ),
                })
            }
            Credentials::Account { username, password } => {
                let form = vec![
                    ("grant_type", "password".to_string()),
                    ("username", username.clone()),
                    ("password", password.expose().to_string()),
                    ("client_id", CLIENT_ID.to_string()),
                    ("scope", "openid".to_string()),
                ];
                let (url, path) = self.resolve(&settings.auth_url)?;
                let rb = self.inner.http_write.post(url.clone()).form(&form);
                self.token_answer(rb, &path, &url, DEFAULT_TOKEN_LIFETIME)
                    .await
            }
            Credentials::Project {
                project_id,
                api_key,
            } => {
                let (url, path) = self.resolve("/oauth/token")?;
                let rb = self
                    .inner
                    .http_write
                    .post(url.clone())
                    .basic_auth(project_id, Some(api_key.expose()))
                    .form(&[("grant_type", "client_credentials")]);
                self.token_answer(rb, &path, &url, LEGACY_TOKEN_LIFETIME)
                    .await
            }
        }
    }

    async fn token_answer(
        &self,
        rb: reqwest::RequestBuilder,
        path: &str,
        url: &reqwest::Url,
        default_lifetime: Duration,
    ) -> Result<Token, ApiError> {
        let answer = self
            .send(
                rb,
                "POST",
                path,
                url,
                Effect::Read,
                super::client::DEFAULT_BODY_LIMIT,
            )
            .await?;
        if (300..400).contains(&answer.status) {
            // The form carries the password: never re-posted anywhere.
            return Err(self.check(answer).err().unwrap_or_else(|| {
                ApiError::Invalid("a redirect from the token endpoint".into())
            }));
        }
        if !(200..300).contains(&answer.status) {
            return Err(ApiError::Login(Box::new(self.problem(&answer))));
        }
        let body: Value = answer.json()?;
        // Keycloak and the later legacy endpoint put it at the top; the legacy envelope
        // under `data.accessToken`.
        let value = body
            .get("access_token")
            .or_else(|| body.pointer("/data/accessToken"))
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| answer.malformed("a token answer without an access token"))?;
        self.remember_issued(value);
        let lifetime = body
            .get("expires_in")
            .and_then(|v| v.as_u64().or_else(|| v.as_f64().map(|f| f.max(0.0) as u64)))
            .map(|secs| Duration::from_secs(secs).min(MAX_TOKEN_LIFETIME))
            .unwrap_or(default_lifetime);
        tracing::debug!(lifetime_s = lifetime.as_secs(), "obtained an access token");
        Ok(Token {
            value: Secret::new(value),
            // Clamped above, so this cannot overflow; `None` would mean "never expires".
            expires_at: Instant::now().checked_add(lifetime),
        })
    }

    /// The workspace orders go to: the setting or `UP42_WORKSPACE_ID`, else the token's user
    /// (`userinfo`'s `sub` for account tokens, `GET /users/me` for project credentials);
    /// asked once per client.
    pub async fn workspace_id(&self) -> Result<String, ApiError> {
        if let Some(id) = &self.inner.settings.workspace_id {
            return Ok(id.clone());
        }
        self.inner
            .workspace
            .get_or_try_init(|| async {
                let (answer, pointer) = match &self.inner.credentials {
                    Credentials::Project { .. } => {
                        (self.execute(Call::get("/users/me")).await?, "/data/id")
                    }
                    // A static token for another API than the default, without an auth URL
                    // configured next to it: ask that API, never the default auth host.
                    Credentials::Token(_) if !self.inner.settings.auth_host_trusted() => {
                        (self.execute(Call::get("/users/me")).await?, "/data/id")
                    }
                    _ => {
                        let url = self.inner.settings.userinfo_url();
                        (
                            self.execute(Call::new(Method::GET, url).auth(Auth::Required))
                                .await?,
                            "/sub",
                        )
                    }
                };
                let body: Value = answer.json()?;
                body.pointer(pointer)
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| {
                        answer.malformed(format!(
                            "no workspace id (`{}`); set UP42_WORKSPACE_ID",
                            pointer.trim_start_matches('/').replace('/', ".")
                        ))
                    })
            })
            .await
            .cloned()
    }
}
