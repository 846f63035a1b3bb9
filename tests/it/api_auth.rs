//! Authentication against the fake provider: each credential style obtains a token, renews
//! it before expiry and after a 401, finds the workspace id, and never lets a secret into an
//! error, a `Debug` dump or a log line.

use std::time::Duration;

use crate::support::fake_api::*;
use tasking_ls::api::{
    ApiSettings, Client, Credentials, ErrorKind, SettingsOverrides, DEFAULT_API_URL,
};

const T: Duration = Duration::from_millis(300);

fn client(api: &FakeApi, credentials: Credentials) -> Client {
    Client::new(api.settings(T), credentials).unwrap()
}

#[tokio::test]
async fn account_credentials_use_the_password_grant_and_userinfo() {
    let api = FakeApi::start();
    let c = client(&api, FakeApi::account());
    assert_eq!(c.workspace_id().await.unwrap(), WORKSPACE_ID);
    let token_req = &api.requests_to("POST", TOKEN_PATH)[0];
    assert_eq!(
        token_req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form = token_req.form();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("grant_type"), Some("password"));
    assert_eq!(get("username"), Some(USERNAME));
    assert_eq!(get("password"), Some(PASSWORD));
    assert_eq!(get("client_id"), Some("up42-api"));
    assert_eq!(get("scope"), Some("openid"));
    let userinfo = &api.requests_to("GET", USERINFO_PATH)[0];
    assert!(userinfo
        .header("authorization")
        .unwrap()
        .starts_with(&format!("Bearer {TOKEN_PREFIX}")));
    assert_eq!(userinfo.header("cache-control"), Some("no-cache"));
    assert_eq!(
        userinfo.header("user-agent"),
        Some(concat!("tasking-ls/", env!("CARGO_PKG_VERSION")))
    );
    // Asked once per client.
    assert_eq!(c.workspace_id().await.unwrap(), WORKSPACE_ID);
    assert_eq!(api.count("GET", USERINFO_PATH), 1);
}

#[tokio::test]
async fn project_credentials_use_basic_auth_and_users_me() {
    let api = FakeApi::start();
    let c = client(&api, FakeApi::project());
    assert_eq!(c.workspace_id().await.unwrap(), WORKSPACE_ID);
    let token_req = &api.requests_to("POST", "/oauth/token")[0];
    let basic = format!(
        "Basic {}",
        base64(&format!("{PROJECT_ID}:{PROJECT_API_KEY}"))
    );
    assert_eq!(token_req.header("authorization"), Some(basic.as_str()));
    assert_eq!(token_req.body_text(), "grant_type=client_credentials");
    assert_eq!(api.count("GET", "/users/me"), 1);
    assert_eq!(api.count("GET", USERINFO_PATH), 0);
}

#[tokio::test]
async fn a_static_token_is_used_as_is() {
    let api = FakeApi::start();
    let c = client(&api, FakeApi::static_token());
    assert_eq!(c.workspace_id().await.unwrap(), WORKSPACE_ID);
    assert_eq!(api.tokens_issued(), 0);
    let r = &api.requests_to("GET", USERINFO_PATH)[0];
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {STATIC_TOKEN}").as_str())
    );
}

#[tokio::test]
async fn the_workspace_setting_wins_over_asking_the_api() {
    let api = FakeApi::start();
    let settings = ApiSettings {
        workspace_id: Some("ws-from-setting".into()),
        ..api.settings(T)
    };
    let c = Client::new(settings, FakeApi::account()).unwrap();
    assert_eq!(c.workspace_id().await.unwrap(), "ws-from-setting");
    assert!(api.requests().is_empty());
}

/// A token that lives no longer than the 30 s margin is renewed before every call; a long
/// one is reused.
async fn renews_before_expiry(credentials: Credentials) {
    let api = FakeApi::start();
    api.set_token_lifetime(30);
    let c = client(&api, credentials.clone());
    c.fetch_schema(PRODUCT_ID, None).await.unwrap();
    c.fetch_schema(PRODUCT_ID, None).await.unwrap();
    assert_eq!(
        api.tokens_issued(),
        2,
        "a token within 30 s of expiry is renewed"
    );

    let api = FakeApi::start();
    api.set_token_lifetime(3600);
    let c = client(&api, credentials);
    for _ in 0..3 {
        c.fetch_schema(PRODUCT_ID, None).await.unwrap();
    }
    assert_eq!(api.tokens_issued(), 1);
}

#[tokio::test]
async fn account_tokens_are_renewed_before_they_expire() {
    renews_before_expiry(FakeApi::account()).await;
}

#[tokio::test]
async fn project_tokens_are_renewed_before_they_expire() {
    // The legacy endpoint gives no lifetime: 299 s is assumed, so only the server-side
    // expiry can force a renewal; check the 401 path with it.
    let api = FakeApi::start();
    let c = client(&api, FakeApi::project());
    c.fetch_schema(PRODUCT_ID, None).await.unwrap();
    api.expire_tokens();
    c.fetch_schema(PRODUCT_ID, None).await.unwrap();
    assert_eq!(api.tokens_issued(), 2);
    assert_eq!(api.count("GET", &format!("/orders/schema/{PRODUCT_ID}")), 3);
}

async fn renews_after_401(credentials: Credentials) {
    let api = FakeApi::start();
    let c = client(&api, credentials);
    c.fetch_schema(PRODUCT_ID, None).await.unwrap();
    let path = format!("/orders/schema/{PRODUCT_ID}");
    api.inject(&path, Fault::ExpiredToken, 1);
    c.fetch_schema(PRODUCT_ID, None).await.unwrap();
    assert_eq!(api.tokens_issued(), 2, "one renewal after the 401");
    assert_eq!(api.count("GET", &path), 3, "the GET is repeated once");
    // Twice in a row: renewed once, then the error is reported.
    api.inject(&path, Fault::ExpiredToken, 2);
    let e = c.fetch_schema(PRODUCT_ID, None).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(
        e.to_string(),
        format!(
            "not authorized: GET {path} answered HTTP 401 Unauthorized: An error occurred while \
             attempting to decode the Jwt: Jwt expired at 2026-01-01T00:00:00Z"
        )
    );
    assert_eq!(api.count("GET", &path), 5);
}

#[tokio::test]
async fn account_tokens_are_renewed_after_a_401() {
    renews_after_401(FakeApi::account()).await;
}

#[tokio::test]
async fn project_tokens_are_renewed_after_a_401() {
    renews_after_401(FakeApi::project()).await;
}

#[tokio::test]
async fn a_static_token_is_not_renewed_after_a_401() {
    let api = FakeApi::start();
    let c = client(&api, FakeApi::static_token());
    let path = format!("/orders/schema/{PRODUCT_ID}");
    api.inject(&path, Fault::ExpiredToken, 1);
    let e = c.fetch_schema(PRODUCT_ID, None).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(api.count("GET", &path), 1);
}

#[tokio::test]
async fn concurrent_calls_share_one_token_request() {
    let api = FakeApi::start();
    let c = client(&api, FakeApi::account());
    let (a, b, d) = tokio::join!(
        c.fetch_schema(PRODUCT_ID, None),
        c.fetch_schema(OTHER_PRODUCT_ID, None),
        c.fetch_schema(PRODUCT_ID, None)
    );
    a.unwrap();
    b.unwrap();
    d.unwrap();
    assert_eq!(api.tokens_issued(), 1);
}

#[tokio::test]
async fn wrong_account_credentials_give_the_keycloak_reason() {
    let api = FakeApi::start();
    let creds = Credentials::Account {
        username: USERNAME.into(),
        password: tasking_ls::api::Secret::new("wrong-Secr3t-pw"),
    };
    let e = client(&api, creds).workspace_id().await.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "login failed: POST {TOKEN_PATH} answered HTTP 401 Unauthorized: invalid_grant — \
             Invalid user credentials"
        )
    );
    assert!(!format!("{e} {e:?}").contains("wrong-Secr3t-pw"));
}

#[tokio::test]
async fn no_credentials_is_a_clear_error() {
    let api = FakeApi::start();
    let e = client(&api, Credentials::None)
        .workspace_id()
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "no credentials: set UP42_TOKEN, or UP42_USERNAME and UP42_PASSWORD, or UP42_PROJECT_ID \
         and UP42_PROJECT_API_KEY"
    );
    assert!(api.requests().is_empty());
}

#[tokio::test]
async fn offline_never_touches_the_network() {
    let api = FakeApi::start();
    let settings = ApiSettings {
        offline: true,
        ..api.settings(T)
    };
    let c = Client::new(settings, FakeApi::account()).unwrap();
    let e = c.fetch_schema(PRODUCT_ID, None).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Offline);
    assert_eq!(
        e.to_string(),
        format!(
            "offline: GET /orders/schema/{PRODUCT_ID} needs the network, which --offline forbids"
        )
    );
    assert!(api.requests().is_empty());
}

#[test]
fn settings_precedence_and_userinfo_url() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let none = SettingsOverrides::default();
    let s = ApiSettings::from_lookup(&none, env(&[]));
    assert_eq!(s.api_url, DEFAULT_API_URL);
    assert_eq!(
        s.userinfo_url(),
        "https://auth.up42.com/realms/public/protocol/openid-connect/userinfo"
    );
    assert_eq!(s.workspace_id, None);

    let o = SettingsOverrides {
        cli_api_url: Some("http://cli/".into()),
        setting_api_url: Some("http://setting".into()),
        setting_workspace_id: Some("ws-setting".into()),
        ..Default::default()
    };
    let e = env(&[
        ("UP42_API_URL", "http://env"),
        ("UP42_WORKSPACE_ID", "ws-env"),
        (
            "UP42_AUTH_URL",
            "https://auth.sa.up42.com/realms/public/protocol/openid-connect/token",
        ),
    ]);
    let s = ApiSettings::from_lookup(&o, e);
    assert_eq!(s.api_url, "http://cli");
    assert_eq!(s.workspace_id.as_deref(), Some("ws-env"));
    assert_eq!(
        s.userinfo_url(),
        "https://auth.sa.up42.com/realms/public/protocol/openid-connect/userinfo"
    );
    let o = SettingsOverrides {
        cli_api_url: None,
        ..o
    };
    assert_eq!(
        ApiSettings::from_lookup(&o, env(&[("UP42_API_URL", "http://env")])).api_url,
        "http://env"
    );
    assert_eq!(
        ApiSettings::from_lookup(&o, env(&[])).api_url,
        "http://setting"
    );
    assert_eq!(
        ApiSettings::from_lookup(&o, env(&[]))
            .workspace_id
            .as_deref(),
        Some("ws-setting")
    );
}

#[test]
fn credentials_from_the_environment() {
    let env = |pairs: Vec<(&'static str, &'static str)>| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(
        Credentials::from_lookup(env(vec![])).unwrap(),
        Credentials::None
    );
    assert_eq!(
        Credentials::from_lookup(env(vec![
            ("UP42_TOKEN", "t-Secr3t"),
            ("UP42_USERNAME", "u"),
            ("UP42_PASSWORD", "p")
        ]))
        .unwrap(),
        Credentials::Token(tasking_ls::api::Secret::new("t-Secr3t"))
    );
    assert!(matches!(
        Credentials::from_lookup(env(vec![("UP42_USERNAME", "u"), ("UP42_PASSWORD", "p")]))
            .unwrap(),
        Credentials::Account { .. }
    ));
    assert!(matches!(
        Credentials::from_lookup(env(vec![
            ("UP42_PROJECT_ID", "p"),
            ("UP42_PROJECT_API_KEY", "k")
        ]))
        .unwrap(),
        Credentials::Project { .. }
    ));
    assert_eq!(
        Credentials::from_lookup(env(vec![("UP42_USERNAME", "u")]))
            .unwrap_err()
            .to_string(),
        "UP42_USERNAME is set but UP42_PASSWORD is not: set both or neither"
    );
}

#[test]
fn debug_output_redacts_secrets() {
    for creds in [
        FakeApi::account(),
        FakeApi::project(),
        FakeApi::static_token(),
    ] {
        let text = format!(
            "{creds:?} {:?}",
            Client::new(ApiSettings::default(), creds.clone()).unwrap()
        );
        for secret in [PASSWORD, PROJECT_API_KEY, STATIC_TOKEN] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains("<redacted>"), "{text}");
    }
}
