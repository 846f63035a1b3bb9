//! Where the API lives and who we are: `ApiSettings` and `Credentials`, read from the command
//! line, the environment and editor settings, with secrets that never print.

use std::fmt;
use std::time::Duration;

/// The default API host (EU region).
pub const DEFAULT_API_URL: &str = "https://api.up42.com";
/// The default OpenID Connect token endpoint for account credentials.
pub const DEFAULT_AUTH_URL: &str =
    "https://auth.up42.com/realms/public/protocol/openid-connect/token";
/// The default timeout of one HTTP call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything about the API except the secrets.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiSettings {
    /// Base URL of the API, without a trailing slash.
    pub api_url: String,
    /// The full OpenID Connect token endpoint.
    pub auth_url: String,
    /// The workspace orders go to; when `None` it is asked from the API.
    pub workspace_id: Option<String>,
    /// Limit for one HTTP call, from connecting to the last byte of the answer.
    pub timeout: Duration,
    /// `--offline`: never touch the network.
    pub offline: bool,
}

impl Default for ApiSettings {
    fn default() -> Self {
        ApiSettings {
            api_url: DEFAULT_API_URL.to_string(),
            auth_url: DEFAULT_AUTH_URL.to_string(),
            workspace_id: None,
            timeout: DEFAULT_TIMEOUT,
            offline: false,
        }
    }
}

/// Values that come from the command line or the editor's settings; `None` means unset.
#[derive(Clone, Debug, Default)]
pub struct SettingsOverrides {
    /// `--api-url`: beats the environment.
    pub cli_api_url: Option<String>,
    /// The `apiUrl` editor setting: loses to the environment.
    pub setting_api_url: Option<String>,
    /// The `workspaceId` editor setting: loses to `UP42_WORKSPACE_ID`.
    pub setting_workspace_id: Option<String>,
    pub timeout: Option<Duration>,
    pub offline: bool,
}

impl ApiSettings {
    /// Settings from the process environment and the given overrides.
    pub fn from_env(overrides: &SettingsOverrides) -> Self {
        Self::from_lookup(overrides, |name| std::env::var(name).ok())
    }

    /// Like [`ApiSettings::from_env`] with an injectable environment (tests must not mutate
    /// the process environment: other tests run in parallel).
    pub fn from_lookup(
        overrides: &SettingsOverrides,
        env: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let env = |name: &str| {
            env(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let api_url = overrides
            .cli_api_url
            .clone()
            .or_else(|| env("UP42_API_URL"))
            .or_else(|| overrides.setting_api_url.clone())
            .unwrap_or_else(|| DEFAULT_API_URL.to_string());
        let auth_url = env("UP42_AUTH_URL").unwrap_or_else(|| DEFAULT_AUTH_URL.to_string());
        let workspace_id =
            env("UP42_WORKSPACE_ID").or_else(|| overrides.setting_workspace_id.clone());
        // `UP42_TIMEOUT`: seconds per call (fractions allowed); unparsable values are ignored.
        let env_timeout = env("UP42_TIMEOUT")
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(Duration::from_secs_f64);
        ApiSettings {
            api_url: api_url.trim_end_matches('/').to_string(),
            auth_url,
            workspace_id,
            timeout: overrides.timeout.or(env_timeout).unwrap_or(DEFAULT_TIMEOUT),
            offline: overrides.offline,
        }
    }

    /// The OpenID Connect `userinfo` endpoint, next to the token endpoint.
    pub fn userinfo_url(&self) -> String {
        match self.auth_url.strip_suffix("/token") {
            Some(base) => format!("{base}/userinfo"),
            None => format!("{}/userinfo", self.auth_url.trim_end_matches('/')),
        }
    }
}

/// A secret string: its `Debug` is redacted and it has no `Display`, so it cannot end up in
/// a log line or an error message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How we authenticate, in order of precedence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// `UP42_TOKEN`: an access token used as is (it cannot be renewed).
    Token(Secret),
    /// `UP42_USERNAME` + `UP42_PASSWORD`: the OpenID Connect password grant.
    Account { username: String, password: Secret },
    /// `UP42_PROJECT_ID` + `UP42_PROJECT_API_KEY`: legacy project credentials.
    Project { project_id: String, api_key: Secret },
    /// Nothing set: only public endpoints work.
    None,
}

/// A half-configured credential pair.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{set} is set but {missing} is not: set both or neither")]
pub struct CredentialsError {
    pub set: &'static str,
    pub missing: &'static str,
}

impl Credentials {
    /// Credentials from the process environment.
    pub fn from_env() -> Result<Self, CredentialsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Credentials::from_env`] with an injectable environment.
    pub fn from_lookup(env: impl Fn(&str) -> Option<String>) -> Result<Self, CredentialsError> {
        let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        if let Some(token) = env("UP42_TOKEN") {
            return Ok(Credentials::Token(Secret::new(token.trim())));
        }
        let pair = |a: &'static str, b: &'static str| match (env(a), env(b)) {
            (Some(x), Some(y)) => Ok(Some((x, y))),
            (Some(_), None) => Err(CredentialsError { set: a, missing: b }),
            (None, Some(_)) => Err(CredentialsError { set: b, missing: a }),
            (None, None) => Ok(None),
        };
        if let Some((username, password)) = pair("UP42_USERNAME", "UP42_PASSWORD")? {
            return Ok(Credentials::Account {
                username,
                password: Secret::new(password),
            });
        }
        if let Some((project_id, api_key)) = pair("UP42_PROJECT_ID", "UP42_PROJECT_API_KEY")? {
            return Ok(Credentials::Project {
                project_id,
                api_key: Secret::new(api_key),
            });
        }
        Ok(Credentials::None)
    }

    /// The secrets these credentials hold, to scrub from anything the server echoes back.
    pub(crate) fn secrets(&self) -> Vec<String> {
        match self {
            Credentials::Token(t) => vec![t.0.clone()],
            Credentials::Account { password, .. } => vec![password.0.clone()],
            Credentials::Project { api_key, .. } => vec![api_key.0.clone()],
            Credentials::None => vec![],
        }
    }

    /// Which environment variables these came from, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Credentials::Token(_) => "UP42_TOKEN",
            Credentials::Account { .. } => "UP42_USERNAME/UP42_PASSWORD",
            Credentials::Project { .. } => "UP42_PROJECT_ID/UP42_PROJECT_API_KEY",
            Credentials::None => "no credentials",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_from_the_environment_loses_to_an_override() {
        let env = |name: &str| (name == "UP42_TIMEOUT").then(|| "0.5".to_string());
        let s = ApiSettings::from_lookup(&SettingsOverrides::default(), env);
        assert_eq!(s.timeout, Duration::from_millis(500));
        let o = SettingsOverrides {
            timeout: Some(Duration::from_secs(3)),
            ..Default::default()
        };
        assert_eq!(
            ApiSettings::from_lookup(&o, env).timeout,
            Duration::from_secs(3)
        );
        let bad = |name: &str| (name == "UP42_TIMEOUT").then(|| "soon".to_string());
        let s = ApiSettings::from_lookup(&SettingsOverrides::default(), bad);
        assert_eq!(s.timeout, DEFAULT_TIMEOUT);
    }
}
