//! The credentials file, end to end with the fake provider, for the command line and the
//! language server: it is used (default place, `$XDG_CONFIG_HOME`, `$TASKING_LS_CREDENTIALS`,
//! `--credentials`), refused unless only its owner can read it, ranked flag > environment >
//! file, and its secrets go only to the API it names (never to one from `--api-url`,
//! `UP42_API_URL` or the editor's settings) and are never printed.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::json;

use crate::support::cli::{run_in_home, text, CLEARED};
use crate::support::fake_api::{
    FakeApi, OTHER_PRODUCT_ID, PASSWORD, STATIC_TOKEN, TOKEN_PATH, TOKEN_PREFIX, USERNAME,
    WORKSPACE_ID,
};
use crate::support::provider_lsp::{assert_no_secrets, Launch, Lsp};

/// An order id the fake does not know: the answer is a 404, the request is what is checked.
const ORDER_ID: &str = "0c0c0c0c-1111-4222-8333-444455556666";
/// A token only the credentials file holds (the fake refuses it; what matters is where it goes).
const FILE_TOKEN: &str = "file-Secr3t-token-from-the-file";
/// A token only the environment holds.
const ENV_TOKEN: &str = "env-Secr3t-token-from-the-env";

/// A user's home with `config/` as `$XDG_CONFIG_HOME`.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The default credentials file under `$XDG_CONFIG_HOME`.
    fn default_file(&self) -> PathBuf {
        self.path()
            .join("config")
            .join("tasking-ls")
            .join("credentials.toml")
    }

    /// Writes `text` at `path` with `mode`.
    fn write(&self, path: &Path, text: &str, mode: u32) -> PathBuf {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
        path.to_path_buf()
    }

    /// Runs the binary verbosely with this home as `$HOME` (see `support::cli`).
    fn run(&self, args: &[&str], env: &[(&str, String)]) -> Output {
        let args: Vec<&str> = std::iter::once("-vv").chain(args.iter().copied()).collect();
        run_in_home(self.path(), &args, env)
    }
}

/// A token file for `api` (its URL and workspace named in the file).
fn token_file(api: &FakeApi, token: &str) -> String {
    format!(
        "token = \"{token}\"\napi-url = \"{}\"\nworkspace-id = \"{WORKSPACE_ID}\"\n",
        api.url()
    )
}

/// The bearer tokens the fake received on the order status call.
fn bearers(api: &FakeApi) -> Vec<Option<String>> {
    api.requests_to("GET", &format!("/v2/orders/{ORDER_ID}"))
        .iter()
        .map(|r| r.header("authorization").map(str::to_string))
        .collect()
}

#[test]
fn the_default_file_is_used_for_a_token_and_for_an_account() {
    let api = FakeApi::start();
    let home = Home::new();
    let file = home.write(&home.default_file(), &token_file(&api, FILE_TOKEN), 0o600);
    let output = home.run(&["status", ORDER_ID], &[]);
    assert_eq!(
        bearers(&api),
        [Some(format!("Bearer {FILE_TOKEN}"))],
        "{}",
        text(&output)
    );
    assert!(!text(&output).contains(FILE_TOKEN), "{}", text(&output));
    // An account: the password grant goes to the file's auth-url, the token it yields to the
    // file's API. Mode 0400 (read-only for the owner) is accepted too.
    api.clear_requests();
    home.write(
        &file,
        &format!(
            "username = \"{USERNAME}\"\npassword = \"{PASSWORD}\"\napi-url = \"{}\"\n\
             auth-url = \"{}\"\nworkspace-id = \"{WORKSPACE_ID}\"\n",
            api.url(),
            api.auth_url()
        ),
        0o400,
    );
    let output = home.run(&["status", ORDER_ID], &[]);
    let logins = api.requests_to("POST", TOKEN_PATH);
    assert_eq!(logins.len(), 1, "{}", text(&output));
    assert!(logins[0]
        .form()
        .contains(&("password".into(), PASSWORD.into())));
    let sent = bearers(&api);
    assert_eq!(sent.len(), 1, "{}", text(&output));
    assert!(
        sent[0]
            .as_deref()
            .is_some_and(|b| b.starts_with(&format!("Bearer {TOKEN_PREFIX}"))),
        "{sent:?}"
    );
    for secret in [PASSWORD, TOKEN_PREFIX] {
        assert!(!text(&output).contains(secret), "{}", text(&output));
    }
    // `$XDG_CONFIG_HOME` unset: `~/.config` is the folder.
    api.clear_requests();
    let mut command = Command::new(env!("CARGO_BIN_EXE_tasking-ls"));
    let dot_config = home.path().join(".config/tasking-ls/credentials.toml");
    home.write(&dot_config, &token_file(&api, FILE_TOKEN), 0o600);
    command
        .args(["status", ORDER_ID])
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME");
    for name in CLEARED {
        command.env_remove(name);
    }
    let output = command.output().unwrap();
    assert_eq!(
        bearers(&api),
        [Some(format!("Bearer {FILE_TOKEN}"))],
        "{}",
        text(&output)
    );
}

#[test]
fn a_file_others_can_read_is_refused_with_the_command_to_fix_it() {
    let api = FakeApi::start();
    let home = Home::new();
    for mode in [
        0o644, 0o640, 0o604, 0o660, 0o606, 0o610, 0o601, 0o700, 0o777,
    ] {
        let file = home.write(&home.default_file(), &token_file(&api, FILE_TOKEN), mode);
        let output = home.run(&["status", ORDER_ID], &[]);
        let shown = text(&output);
        if mode & 0o077 == 0 {
            // 0700: executable for the owner, still private.
            assert_eq!(bearers(&api).len(), 1, "{mode:o}: {shown}");
            api.clear_requests();
            continue;
        }
        assert_eq!(output.status.code(), Some(2), "{mode:o}: {shown}");
        assert!(
            shown.contains(&format!("run `chmod 600 {}`", file.display())),
            "{mode:o}: {shown}"
        );
        assert!(
            shown.contains(&format!("(mode {mode:04o})")),
            "{mode:o}: {shown}"
        );
        assert!(!shown.contains(FILE_TOKEN), "{shown}");
        assert!(api.requests().is_empty(), "{mode:o}: nothing is sent");
    }
    // The same refusal from `--credentials` and `$TASKING_LS_CREDENTIALS`.
    let elsewhere = home.write(
        &home.path().join("elsewhere.toml"),
        &token_file(&api, FILE_TOKEN),
        0o644,
    );
    let path = elsewhere.display().to_string();
    for (args, env) in [
        (vec!["--credentials", &path, "status", ORDER_ID], vec![]),
        (
            vec!["status", ORDER_ID],
            vec![("TASKING_LS_CREDENTIALS", path.clone())],
        ),
    ] {
        let output = home.run(&args, &env);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(text(&output).contains(&format!("chmod 600 {path}")));
    }
    assert!(api.requests().is_empty());
}

#[test]
fn malformed_files_are_located_errors_that_never_quote_a_secret() {
    let api = FakeApi::start();
    let home = Home::new();
    let cases: &[(&str, &str)] = &[
        // An unterminated string on the secret's line: toml would quote that line.
        (
            "token = \"file-Secr3t-token-from-the-file\n",
            "credentials.toml:1:",
        ),
        ("token = 42\n", "credentials.toml:1:"),
        (
            "tokn = \"file-Secr3t-token-from-the-file\"\n",
            "unknown field `tokn`",
        ),
        (
            "api-url = \"https://api.up42.com\"\n",
            "holds no credentials",
        ),
        (
            "username = \"ada\"\n",
            "username is set but password is not",
        ),
        (
            "project-api-key = \"file-Secr3t-token-from-the-file\"\n",
            "project-api-key is set but project-id is not",
        ),
        (
            "token = \"file-Secr3t-token-from-the-file\"\nusername = \"u\"\npassword = \"p\"\n",
            "holds more than one kind of credentials (token and username/password)",
        ),
        (
            "token = \"file-Secr3t-token-from-the-file\"\napi-url = \"ftp://x\"\n",
            "api-url `ftp://x` is not an http(s) URL",
        ),
    ];
    for (content, expected) in cases {
        home.write(&home.default_file(), content, 0o600);
        let output = home.run(&["status", ORDER_ID], &[]);
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(2), "{content}: {shown}");
        assert!(shown.contains(expected), "{content}: {shown}");
        assert!(!shown.contains("Secr3t"), "{content}: {shown}");
    }
    assert!(api.requests().is_empty());
}

#[test]
fn the_flag_beats_the_environment_which_beats_the_file() {
    let api = FakeApi::start();
    let home = Home::new();
    home.write(&home.default_file(), &token_file(&api, FILE_TOKEN), 0o600);
    let flag_token = "flag-Secr3t-token";
    let flagged = home.write(
        &home.path().join("flag.toml"),
        &token_file(&api, flag_token),
        0o600,
    );
    let env = vec![
        ("UP42_TOKEN", ENV_TOKEN.to_string()),
        ("UP42_API_URL", api.url()),
        ("UP42_WORKSPACE_ID", WORKSPACE_ID.to_string()),
    ];
    // Environment over the default file.
    let output = home.run(&["status", ORDER_ID], &env);
    assert_eq!(
        bearers(&api),
        [Some(format!("Bearer {ENV_TOKEN}"))],
        "{}",
        text(&output)
    );
    // --credentials over the environment.
    api.clear_requests();
    let path = flagged.display().to_string();
    let output = home.run(&["--credentials", &path, "status", ORDER_ID], &env);
    assert_eq!(
        bearers(&api),
        [Some(format!("Bearer {flag_token}"))],
        "{}",
        text(&output)
    );
    // $TASKING_LS_CREDENTIALS moves the file; the environment's credentials still win.
    api.clear_requests();
    let moved = vec![("TASKING_LS_CREDENTIALS", path.clone())];
    home.run(&["status", ORDER_ID], &moved);
    assert_eq!(bearers(&api), [Some(format!("Bearer {flag_token}"))]);
    api.clear_requests();
    let both: Vec<_> = env.iter().cloned().chain(moved.clone()).collect();
    home.run(&["status", ORDER_ID], &both);
    assert_eq!(bearers(&api), [Some(format!("Bearer {ENV_TOKEN}"))]);
    // A named file that is missing is an error, never a silent "no credentials".
    let missing = home.path().join("missing.toml").display().to_string();
    for (args, env) in [
        (vec!["--credentials", &missing, "status", ORDER_ID], vec![]),
        (
            vec!["status", ORDER_ID],
            vec![("TASKING_LS_CREDENTIALS", missing.clone())],
        ),
    ] {
        let output = home.run(&args, &env);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(text(&output).contains(&missing), "{}", text(&output));
    }
    // `config` says where the credentials come from, never what they are.
    let output = home.run(&["config"], &[]);
    let shown = text(&output);
    assert!(
        shown.contains(&format!(
            "# credentials: token from {}\n",
            home.default_file().display()
        )),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "# api-url = \"{}\"  # {}\n",
            api.url(),
            home.default_file().display()
        )),
        "{shown}"
    );
    let output = home.run(&["--credentials", &path, "config"], &env);
    assert!(
        text(&output).contains(&format!(
            "# credentials: token from {path} (--credentials)\n"
        )),
        "{}",
        text(&output)
    );
    let output = home.run(&["config"], &env);
    assert!(
        text(&output).contains("# credentials: UP42_TOKEN from the environment\n"),
        "{}",
        text(&output)
    );
    assert!(!shown.contains("Secr3t") && !text(&output).contains("Secr3t"));
}

#[test]
fn file_credentials_go_only_to_the_api_the_file_names() {
    let api = FakeApi::start();
    let other = FakeApi::start();
    let home = Home::new();
    // A file for the default API (no api-url), and another API named by the environment or
    // the command line: nothing is sent there, and the error says what to add.
    home.write(
        &home.default_file(),
        &format!("token = \"{FILE_TOKEN}\"\nworkspace-id = \"{WORKSPACE_ID}\"\n"),
        0o600,
    );
    let by_env = vec![("UP42_API_URL", other.url())];
    let by_flag_url = other.url();
    for (args, env) in [
        (vec!["status", ORDER_ID], by_env),
        (vec!["--api-url", &by_flag_url, "status", ORDER_ID], vec![]),
    ] {
        let output = home.run(&args, &env);
        let shown = text(&output);
        assert_ne!(output.status.code(), Some(0), "{shown}");
        assert!(
            shown.contains(&format!("add `api-url = \"{}\"`", other.url())),
            "{shown}"
        );
        assert!(!shown.contains(FILE_TOKEN), "{shown}");
        assert!(
            other
                .requests()
                .iter()
                .all(|r| r.header("authorization").is_none()),
            "the credentials reached an API they are not for"
        );
    }
    // A file naming `api` with `other` on the command line: the same.
    home.write(&home.default_file(), &token_file(&api, FILE_TOKEN), 0o600);
    let output = home.run(&["--api-url", &other.url(), "status", ORDER_ID], &[]);
    assert_ne!(output.status.code(), Some(0), "{}", text(&output));
    assert!(other
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_none()));
    assert!(api.requests().is_empty());
    // The same origin with a trailing slash is the same API.
    let output = home.run(
        &["--api-url", &format!("{}/", api.url()), "status", ORDER_ID],
        &[],
    );
    assert_eq!(
        bearers(&api),
        [Some(format!("Bearer {FILE_TOKEN}"))],
        "{}",
        text(&output)
    );
    // A password for another API with no auth-url never goes to the default auth host:
    // it is refused before any request.
    home.write(
        &home.default_file(),
        &format!(
            "username = \"{USERNAME}\"\npassword = \"{PASSWORD}\"\napi-url = \"{}\"\n",
            other.url()
        ),
        0o600,
    );
    let output = home.run(&["status", ORDER_ID], &[]);
    assert!(
        text(&output).contains("auth-url in the credentials file"),
        "{}",
        text(&output)
    );
    assert!(!text(&output).contains(PASSWORD));
    assert!(other.requests_to("POST", TOKEN_PATH).is_empty());
}

/// A seed-form order of a product only the API knows: opening it makes the server fetch the
/// schema, with the credentials when it may.
fn unknown_product_order() -> String {
    json!({
        "dataProduct": OTHER_PRODUCT_ID,
        "params": {"displayName": "x", "acquisitionStart": "2027-03-01T00:00:00Z",
                   "acquisitionEnd": "2027-05-01T00:00:00Z"}
    })
    .to_string()
}

/// The `Authorization` headers of the schema fetches `api` received.
fn schema_auth(api: &FakeApi) -> Vec<Option<String>> {
    api.requests_to("GET", &format!("/orders/schema/{OTHER_PRODUCT_ID}"))
        .iter()
        .map(|r| r.header("authorization").map(str::to_string))
        .collect()
}

#[test]
fn the_server_uses_the_file_and_never_sends_it_to_an_editor_url() {
    let api = FakeApi::start();
    let home = Home::new();
    let cache = tempfile::tempdir().unwrap();
    let file = home.write(
        &home.path().join("creds.toml"),
        &token_file(&api, STATIC_TOKEN),
        0o600,
    );
    let uri = "file:///orders/a_tasking_request.json";
    // `serve --credentials PATH`: the schema fetch carries the file's token.
    let mut lsp = Lsp::start(Launch {
        env: vec![],
        args: vec![
            "--credentials".into(),
            file.display().to_string(),
            "--cache-dir".into(),
            cache.path().display().to_string(),
        ],
        progress: false,
    });
    lsp.open(uri, &unknown_product_order());
    lsp.wait_until("the schema fetch", |_| !schema_auth(&api).is_empty());
    assert_eq!(schema_auth(&api), [Some(format!("Bearer {STATIC_TOKEN}"))]);
    assert_no_secrets(&lsp.finish(), &[STATIC_TOKEN]);
    // The file found by `$XDG_CONFIG_HOME`, for the default API (no api-url), and an
    // `apiUrl` from the editor's settings: the fetch goes there without credentials.
    let editor_api = FakeApi::start();
    home.write(
        &home.default_file(),
        &format!("token = \"{STATIC_TOKEN}\"\n"),
        0o600,
    );
    let cache = tempfile::tempdir().unwrap();
    let mut lsp = Lsp::start(Launch {
        env: vec![(
            "XDG_CONFIG_HOME",
            home.path().join("config").display().to_string(),
        )],
        args: vec!["--cache-dir".into(), cache.path().display().to_string()],
        progress: false,
    });
    lsp.configuration = json!({"apiUrl": editor_api.url()});
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"taskingLs": {"apiUrl": editor_api.url()}}}),
    );
    lsp.open(uri, &unknown_product_order());
    lsp.wait_until("the schema fetch", |_| !schema_auth(&editor_api).is_empty());
    assert!(
        editor_api
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "credentials from the user's file reached the editor's apiUrl"
    );
    assert_no_secrets(&lsp.finish(), &[STATIC_TOKEN]);
    // A file others can read: the server says why and uses no credentials.
    home.write(&home.default_file(), &token_file(&api, STATIC_TOKEN), 0o644);
    let mut lsp = Lsp::start(Launch {
        env: vec![(
            "XDG_CONFIG_HOME",
            home.path().join("config").display().to_string(),
        )],
        args: vec!["--cache-dir".into(), cache.path().display().to_string()],
        progress: false,
    });
    let message = lsp.wait_message("the refusal", |m| m.contains("chmod 600"));
    assert!(
        message.contains(&home.default_file().display().to_string()),
        "{message}"
    );
    assert_no_secrets(&lsp.finish(), &[STATIC_TOKEN]);
}
