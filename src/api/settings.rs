//! Where the API lives and who we are: `ApiSettings` and `Credentials`, read from the command
//! line, the environment and editor settings, with secrets that never print.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// The default API host (EU region).
pub const DEFAULT_API_URL: &str = "https://api.up42.com";
/// The default OpenID Connect token endpoint for account credentials.
pub const DEFAULT_AUTH_URL: &str =
    "https://auth.up42.com/realms/public/protocol/openid-connect/token";
/// The default timeout of one HTTP call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest timeout accepted from `UP42_TIMEOUT` (one hour); larger values are clamped,
/// so `1e20` cannot overflow a `Duration` or an `Instant`.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);
/// The shortest timeout accepted (1 ms); smaller positive values are raised to it.
pub const MIN_TIMEOUT: Duration = Duration::from_millis(1);

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
    /// True when `api_url` comes from the editor's settings (a workspace can set it) and
    /// names another origin than the default: credentials from the user's environment are
    /// then never sent to it (see [`ApiSettings::credentials_allowed`]).
    pub api_url_from_editor: bool,
    /// True when `auth_url` was configured (`UP42_AUTH_URL`, or `auth-url` in the credentials
    /// file) rather than defaulted. A defaulted auth host is used only with the default API,
    /// so a token or a password meant for another API never goes to the default auth host.
    pub auth_url_configured: bool,
    /// With credentials from a credentials file: that file and the API it names, the only
    /// origin they are sent to (see [`ApiSettings::credentials_allowed`]).
    pub credentials_home: Option<CredentialsHome>,
}

impl Default for ApiSettings {
    fn default() -> Self {
        ApiSettings {
            api_url: DEFAULT_API_URL.to_string(),
            auth_url: DEFAULT_AUTH_URL.to_string(),
            workspace_id: None,
            timeout: DEFAULT_TIMEOUT,
            offline: false,
            api_url_from_editor: false,
            auth_url_configured: false,
            credentials_home: None,
        }
    }
}

/// The origin (`scheme://host:port`) of a URL, or the text itself when it does not parse.
pub(crate) fn origin_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| url.to_string())
}

/// Seconds from `UP42_TIMEOUT` as a `Duration`, clamped to [`MIN_TIMEOUT`]..=[`MAX_TIMEOUT`];
/// `None` for text that is not a positive finite number.
pub fn clamp_timeout(text: &str) -> Option<Duration> {
    let secs = text.trim().parse::<f64>().ok()?;
    if !secs.is_finite() || secs <= 0.0 {
        return None;
    }
    let clamped = secs.clamp(MIN_TIMEOUT.as_secs_f64(), MAX_TIMEOUT.as_secs_f64());
    Duration::try_from_secs_f64(clamped).ok()
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
    /// `--credentials PATH`: the credentials file, beating the environment (see
    /// [`super::credentials`]).
    pub credentials_file: Option<std::path::PathBuf>,
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
        let user_api_url = overrides
            .cli_api_url
            .clone()
            .or_else(|| env("UP42_API_URL"));
        let api_url_from_editor = user_api_url.is_none()
            && overrides
                .setting_api_url
                .as_deref()
                .is_some_and(|url| origin_of(url) != origin_of(DEFAULT_API_URL));
        let api_url = user_api_url
            .or_else(|| overrides.setting_api_url.clone())
            .unwrap_or_else(|| DEFAULT_API_URL.to_string());
        let configured_auth_url = env("UP42_AUTH_URL");
        let auth_url_configured = configured_auth_url.is_some();
        let auth_url = configured_auth_url.unwrap_or_else(|| DEFAULT_AUTH_URL.to_string());
        let workspace_id =
            env("UP42_WORKSPACE_ID").or_else(|| overrides.setting_workspace_id.clone());
        // `UP42_TIMEOUT`: seconds per call (fractions allowed), clamped; unparsable values
        // are ignored.
        let env_timeout = env("UP42_TIMEOUT").and_then(|v| clamp_timeout(&v));
        ApiSettings {
            api_url: api_url.trim_end_matches('/').to_string(),
            auth_url,
            workspace_id,
            timeout: overrides.timeout.or(env_timeout).unwrap_or(DEFAULT_TIMEOUT),
            offline: overrides.offline,
            api_url_from_editor,
            auth_url_configured,
            credentials_home: None,
        }
    }

    /// Whether the auth host may receive the credentials meant for `api_url`: it was
    /// configured next to them, or both are the defaults. A static `UP42_TOKEN` with
    /// `UP42_API_URL` at another host is never sent to the default auth host.
    pub fn auth_host_trusted(&self) -> bool {
        self.auth_url_configured || origin_of(&self.api_url) == origin_of(DEFAULT_API_URL)
    }

    /// Whether the credentials may be sent to this API. Credentials from a credentials file
    /// go only to the origin of the file's `api-url` (the default API when it has none);
    /// credentials from the environment go anywhere the user's command line or environment
    /// names, but not to a URL from the editor's settings (a workspace file can set those)
    /// that points elsewhere than the default API.
    pub fn credentials_allowed(&self) -> bool {
        match &self.credentials_home {
            Some(home) => home.admits(&self.api_url),
            None => !self.api_url_from_editor,
        }
    }

    /// Why credentials described as `what` are not sent to this API, if they are not.
    pub fn credentials_withheld(&self, what: &str) -> Option<String> {
        if self.credentials_allowed() {
            return None;
        }
        Some(match &self.credentials_home {
            Some(home) => format!(
                "the credentials in {} are for {} (its api-url, or the default API), and \
                 credentials go only to the API named next to them; add \
                 `api-url = \"{}\"` to that file to use them with this API",
                home.file.display(),
                shown_url(&home.api_url),
                shown_url(&self.api_url),
            ),
            None => format!(
                "its URL comes from the editor's settings (a workspace can set those), while \
                 the credentials ({what}) come from your environment; set UP42_API_URL to it \
                 where the credentials are set to use them there"
            ),
        })
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

    /// The secrets these credentials hold, to scrub from anything the server echoes back:
    /// the secret itself and, for project credentials, the Basic authorization value
    /// (`base64(id:key)`) a server may echo.
    pub(crate) fn secrets(&self) -> Vec<String> {
        match self {
            Credentials::Token(t) => vec![t.0.clone()],
            Credentials::Account { password, .. } => vec![password.0.clone()],
            Credentials::Project {
                project_id,
                api_key,
            } => vec![
                api_key.0.clone(),
                super::scrub::base64(format!("{project_id}:{}", api_key.0).as_bytes()),
            ],
            Credentials::None => vec![],
        }
    }

    /// Which environment variables these came from (or, read from a credentials file, which
    /// of its keys), for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Credentials::Token(_) => "UP42_TOKEN",
            Credentials::Account { .. } => "UP42_USERNAME/UP42_PASSWORD",
            Credentials::Project { .. } => "UP42_PROJECT_ID/UP42_PROJECT_API_KEY",
            Credentials::None => "no credentials",
        }
    }
}

/// A URL as the user wrote it, for messages, with userinfo and query redacted
/// ([`super::scrub::redact_url`]) but without the `/` a bare origin gains when parsed.
pub fn shown_url(url: &str) -> String {
    let redacted = super::scrub::redact_url(url);
    match redacted.strip_suffix('/') {
        Some(bare) if !url.ends_with('/') && !bare.ends_with('/') => bare.to_string(),
        _ => redacted,
    }
}

/// The credentials file the credentials came from and the API they are for: the only API
/// (by origin) they are sent to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsHome {
    pub file: PathBuf,
    /// The file's `api-url`, or the default API.
    pub api_url: String,
}

impl CredentialsHome {
    /// Whether `api_url` is the API these credentials are for (same origin).
    pub fn admits(&self, api_url: &str) -> bool {
        origin_of(api_url) == origin_of(&self.api_url)
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

    #[test]
    fn any_timeout_text_is_clamped_never_a_panic() {
        for text in [
            "1e20",
            "1e308",
            "inf",
            "NaN",
            "-1",
            "0",
            "1e-300",
            "18446744073709551615",
            "3600.5",
        ] {
            let t = clamp_timeout(text);
            assert!(
                t.is_none_or(|t| (MIN_TIMEOUT..=MAX_TIMEOUT).contains(&t)),
                "{text}"
            );
        }
        assert_eq!(clamp_timeout("1e20"), Some(MAX_TIMEOUT));
        assert_eq!(clamp_timeout("1e-300"), Some(MIN_TIMEOUT));
        assert_eq!(clamp_timeout("0"), None);
    }

    #[test]
    fn an_api_url_from_the_editor_gets_no_credentials() {
        let editor = SettingsOverrides {
            setting_api_url: Some("http://attacker.example".into()),
            ..Default::default()
        };
        let s = ApiSettings::from_lookup(&editor, |_| None);
        assert!(!s.credentials_allowed());
        // The same URL from the environment is the user's choice.
        let s = ApiSettings::from_lookup(&editor, |n| {
            (n == "UP42_API_URL").then(|| "http://attacker.example".to_string())
        });
        assert!(s.credentials_allowed());
        // The editor naming the default API changes nothing.
        let default = SettingsOverrides {
            setting_api_url: Some(format!("{DEFAULT_API_URL}/")),
            ..Default::default()
        };
        assert!(ApiSettings::from_lookup(&default, |_| None).credentials_allowed());
    }

    #[test]
    fn the_default_auth_host_serves_only_the_default_api() {
        let none = SettingsOverrides::default();
        assert!(ApiSettings::from_lookup(&none, |_| None).auth_host_trusted());
        let other = |n: &str| (n == "UP42_API_URL").then(|| "http://127.0.0.1:9".to_string());
        assert!(!ApiSettings::from_lookup(&none, other).auth_host_trusted());
        let both = |n: &str| match n {
            "UP42_API_URL" => Some("http://127.0.0.1:9".to_string()),
            "UP42_AUTH_URL" => Some("http://127.0.0.1:9/token".to_string()),
            _ => None,
        };
        assert!(ApiSettings::from_lookup(&none, both).auth_host_trusted());
    }
}
