//! Where the credentials come from: `--credentials PATH`, the `UP42_*` environment variables,
//! or the credentials file (`$TASKING_LS_CREDENTIALS`, else
//! `$XDG_CONFIG_HOME/tasking-ls/credentials.toml`, else `~/.config/tasking-ls/credentials.toml`),
//! in that order, and the API settings that go with them ([`ApiConfig`]).
//!
//! Precedence, as the AWS CLI and `gh` do it: a file named on the command line is the most
//! specific choice; the environment is how CI injects secrets per job and how one shell
//! overrides the standing set-up; the file in the user's configuration folder is that standing
//! set-up. `$TASKING_LS_CREDENTIALS` only moves the file (like `AWS_SHARED_CREDENTIALS_FILE`),
//! so `UP42_*` variables still win over it. There is deliberately no editor setting naming the
//! file: a workspace's settings could then choose which account, and which API, the user's
//! orders go to.
//!
//! Credentials follow the user, not the workspace (issue 15): credentials from a file are sent
//! only to the API its `api-url` names (the default API when it names none) and its
//! `auth-url`; an API URL set anywhere else (`--api-url`, `UP42_API_URL`, an editor setting)
//! that names another origin gets no credentials, and the error says which line to add to
//! the file. The file is refused unless only its owner can read and write it (Unix mode
//! `0600` or `0400`, as ssh requires of private keys), and no error about it ever quotes the
//! file's text: a TOML syntax error would otherwise print the line holding the secret.

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use super::settings::{shown_url, CredentialsHome};
use super::settings::{ApiSettings, Credentials, Secret, SettingsOverrides, DEFAULT_API_URL};

/// The environment variable that names the credentials file (instead of the default path).
pub const CREDENTIALS_FILE_ENV: &str = "TASKING_LS_CREDENTIALS";
/// The largest credentials file read: a few secrets and URLs are far smaller.
const MAX_CREDENTIALS_BYTES: u64 = 64 << 10;
/// The keys a credentials file may hold, for messages.
const KEYS: &str = "token; username + password; project-id + project-api-key; and optionally \
                    api-url, auth-url, workspace-id";

/// The file's keys, as written (kebab-case). Unknown keys are errors, so a typo such as
/// `tokn` is not silently "no credentials".
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFile {
    token: Option<String>,
    username: Option<String>,
    password: Option<String>,
    project_id: Option<String>,
    project_api_key: Option<String>,
    api_url: Option<String>,
    auth_url: Option<String>,
    workspace_id: Option<String>,
}

/// A credentials file that was read and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct CredentialsFile {
    pub path: PathBuf,
    /// Never [`Credentials::None`]: a file without credentials is an error.
    pub credentials: Credentials,
    /// The API these credentials are for; `None` means the default API.
    pub api_url: Option<String>,
    /// The token endpoint for account credentials; `None` means the default one (used only
    /// with the default API, see [`ApiSettings::auth_host_trusted`]).
    pub auth_url: Option<String>,
    pub workspace_id: Option<String>,
}

/// Where the credentials in force came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialsSource {
    /// `--credentials PATH`.
    Flag(PathBuf),
    /// The `UP42_*` environment variables.
    Environment,
    /// The credentials file at its default place or at `$TASKING_LS_CREDENTIALS`.
    File(PathBuf),
    /// None anywhere: only public endpoints work.
    None,
}

/// The API settings and the credentials for one command or one server configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiConfig {
    pub settings: ApiSettings,
    pub credentials: Credentials,
    pub source: CredentialsSource,
}

/// The default credentials file: `$XDG_CONFIG_HOME/tasking-ls/credentials.toml` when that is
/// an absolute path (the XDG rule), else `$HOME/.config/tasking-ls/credentials.toml` on Unix
/// (macOS included, as `gh` and most CLIs do) and the roaming configuration folder on Windows.
pub fn default_path(env: &impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let folder = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            if cfg!(windows) {
                dirs::config_dir()
            } else {
                env("HOME")
                    .filter(|h| !h.is_empty())
                    .map(|h| PathBuf::from(h).join(".config"))
            }
        })?;
    Some(folder.join("tasking-ls").join("credentials.toml"))
}

/// Reads and checks a credentials file.
///
/// # Errors
/// A sentence naming the file: missing or unreadable; readable by others (with the `chmod`
/// to run); too big; not valid TOML (line and column only, never the text); an unknown key;
/// no credentials, half a pair, or two kinds at once; an `api-url`/`auth-url` that is not a
/// URL.
pub fn load(path: &Path) -> Result<CredentialsFile, String> {
    let shown = path.display();
    let metadata = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if !metadata.is_file() {
        return Err(format!("{shown}: not a regular file"));
    }
    check_private(path, &metadata)?;
    if metadata.len() > MAX_CREDENTIALS_BYTES {
        return Err(format!(
            "{shown}: {} bytes; a credentials file is at most {MAX_CREDENTIALS_BYTES} bytes",
            metadata.len()
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let raw: RawFile = toml::from_str(&text).map_err(|e| {
        let at = e
            .span()
            .map(|span| {
                let before = text.get(..span.start).unwrap_or(&text);
                let line = before.matches('\n').count().saturating_add(1);
                let column = before
                    .rsplit('\n')
                    .next()
                    .map_or(0, |l| l.chars().count())
                    .saturating_add(1);
                format!(":{line}:{column}")
            })
            .unwrap_or_default();
        // Messages about keys name only the key; any other message may quote a value.
        let message = e.message();
        let what = if message.starts_with("unknown field") {
            format!(
                "{} (keys: {KEYS})",
                message.split(", expected").next().unwrap_or(message)
            )
        } else {
            "not valid TOML, or a value that is not a string (the text is not shown: it may \
             hold a secret)"
                .to_string()
        };
        format!("{shown}{at}: {what}")
    })?;
    let value = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let pair =
        |a: Option<String>, b: Option<String>, names: (&str, &str)| match (value(a), value(b)) {
            (Some(x), Some(y)) => Ok(Some((x, y))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(format!(
                "{shown}: {} is set but {} is not",
                names.0, names.1
            )),
            (None, Some(_)) => Err(format!(
                "{shown}: {} is set but {} is not",
                names.1, names.0
            )),
        };
    let token = value(raw.token);
    let account = pair(raw.username, raw.password, ("username", "password"))?;
    let project = pair(
        raw.project_id,
        raw.project_api_key,
        ("project-id", "project-api-key"),
    )?;
    let kinds: Vec<&str> = [
        token.as_ref().map(|_| "token"),
        account.as_ref().map(|_| "username/password"),
        project.as_ref().map(|_| "project-id/project-api-key"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if kinds.len() > 1 {
        return Err(format!(
            "{shown}: holds more than one kind of credentials ({}): keep one",
            kinds.join(" and ")
        ));
    }
    let credentials = if let Some(token) = token {
        Credentials::Token(Secret::new(token))
    } else if let Some((username, password)) = account {
        Credentials::Account {
            username,
            password: Secret::new(password),
        }
    } else if let Some((project_id, api_key)) = project {
        Credentials::Project {
            project_id,
            api_key: Secret::new(api_key),
        }
    } else {
        return Err(format!("{shown}: holds no credentials (keys: {KEYS})"));
    };
    let url = |key: &str, v: Option<String>| -> Result<Option<String>, String> {
        match value(v) {
            Some(url) => match reqwest::Url::parse(&url) {
                Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(Some(url)),
                _ => Err(format!(
                    "{shown}: {key} `{}` is not an http(s) URL",
                    shown_url(&url)
                )),
            },
            None => Ok(None),
        }
    };
    Ok(CredentialsFile {
        path: path.to_path_buf(),
        credentials,
        api_url: url("api-url", raw.api_url)?.map(|u| u.trim_end_matches('/').to_string()),
        auth_url: url("auth-url", raw.auth_url)?,
        workspace_id: value(raw.workspace_id),
    })
}

/// Refuses a file that anyone but its owner may read or write (Unix); on other platforms the
/// folder's ACLs are the user's to set, and nothing is checked.
#[cfg(unix)]
fn check_private(path: &Path, metadata: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        let shown = path.display();
        return Err(format!(
            "{shown}: the credentials file can be read or changed by other users (mode {mode:04o}); \
             only its owner may have access: run `chmod 600 {shown}`"
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _metadata: &std::fs::Metadata) -> Result<(), String> {
    Ok(())
}

impl ApiConfig {
    /// From the process environment, the overrides and the credentials file.
    ///
    /// # Errors
    /// See [`ApiConfig::resolve`].
    pub fn from_env(overrides: &SettingsOverrides) -> Result<ApiConfig, String> {
        Self::resolve(overrides, |name| std::env::var(name).ok())
    }

    /// Picks the credentials (`--credentials` > `UP42_*` > the credentials file) and builds
    /// the settings that go with them: with credentials from a file, its `api-url`,
    /// `auth-url` and `workspace-id` stand where `UP42_API_URL`, `UP42_AUTH_URL` and
    /// `UP42_WORKSPACE_ID` would (the last two variables still win for the workspace; an
    /// API URL from the command line or `UP42_API_URL` still wins for the API but then gets
    /// no credentials unless it names the file's origin).
    ///
    /// # Errors
    /// Half a credential pair in the environment; a credentials file named by
    /// `--credentials` or `$TASKING_LS_CREDENTIALS` that is missing; any file that is
    /// refused by [`load`].
    pub fn resolve(
        overrides: &SettingsOverrides,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ApiConfig, String> {
        let present = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let from_env = Credentials::from_lookup(&env).map_err(|e| e.to_string())?;
        let (file, source) = if let Some(path) = &overrides.credentials_file {
            (Some(load(path)?), CredentialsSource::Flag(path.clone()))
        } else if from_env != Credentials::None {
            (None, CredentialsSource::Environment)
        } else if let Some(path) = present(CREDENTIALS_FILE_ENV) {
            let path = PathBuf::from(path);
            let file =
                load(&path).map_err(|e| format!("{e} (named by ${CREDENTIALS_FILE_ENV})"))?;
            (Some(file), CredentialsSource::File(path))
        } else {
            match default_path(&present) {
                // `symlink_metadata`: a dangling link is an error worth showing, not "absent".
                Some(path) if std::fs::symlink_metadata(&path).is_ok() => {
                    (Some(load(&path)?), CredentialsSource::File(path))
                }
                _ => (None, CredentialsSource::None),
            }
        };
        let Some(file) = file else {
            return Ok(ApiConfig {
                settings: ApiSettings::from_lookup(overrides, &env),
                credentials: from_env,
                source,
            });
        };
        // The file's URLs stand where the environment's would; the environment's auth URL
        // belongs to the environment's credentials and is not used with the file's.
        let lookup = |name: &str| match name {
            "UP42_API_URL" => present(name).or_else(|| file.api_url.clone()),
            "UP42_AUTH_URL" => file.auth_url.clone(),
            "UP42_WORKSPACE_ID" => present(name).or_else(|| file.workspace_id.clone()),
            _ => env(name),
        };
        let mut settings = ApiSettings::from_lookup(overrides, lookup);
        settings.credentials_home = Some(CredentialsHome {
            file: file.path.clone(),
            api_url: file
                .api_url
                .clone()
                .unwrap_or_else(|| DEFAULT_API_URL.to_string()),
        });
        Ok(ApiConfig {
            settings,
            credentials: file.credentials,
            source,
        })
    }

    /// Where the credentials come from, without any secret: `token from
    /// /home/u/.config/tasking-ls/credentials.toml`, `UP42_USERNAME/UP42_PASSWORD from the
    /// environment`, `none (set ... or write PATH)`.
    pub fn describe(&self) -> String {
        let kind = match &self.credentials {
            Credentials::Token(_) => "token",
            Credentials::Account { .. } => "username/password",
            Credentials::Project { .. } => "project-id/project-api-key",
            Credentials::None => "none",
        };
        match &self.source {
            CredentialsSource::Flag(path) => {
                format!("{kind} from {} (--credentials)", path.display())
            }
            CredentialsSource::File(path) => format!("{kind} from {}", path.display()),
            CredentialsSource::Environment => {
                format!("{} from the environment", self.credentials.describe())
            }
            CredentialsSource::None => format!(
                "none (set UP42_TOKEN, UP42_USERNAME/UP42_PASSWORD or \
                 UP42_PROJECT_ID/UP42_PROJECT_API_KEY, or write {})",
                default_path(&|name: &str| std::env::var(name).ok()).map_or_else(
                    || "a credentials file named by --credentials".to_string(),
                    |p| p.display().to_string()
                )
            ),
        }
    }
}
