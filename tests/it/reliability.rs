//! The reliability reproductions as tests, against the fake provider with injected faults:
//! an order placed at most once whatever the connection does (lost, truncated, reset,
//! gateway answers, redirects, concurrent runs, an unwritable directory), `submit` refusing a
//! file with errors before any request, requests that go only where they were sent, bounded
//! answers, clamped numbers, ids validated before they reach a path, and capped diagnostics.
//!
//! The CLI runs as the real binary here (two processes must race for the receipt lock); the
//! client-level cases call the library.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::fake_api::*;
use serde_json::{json, Value};
use tasking_ls::api::receipt::{read_receipt, Outcome};
use tasking_ls::api::{Client, ErrorKind};

pub(crate) const SEED: &str =
    include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
const BROKEN: &str =
    include_str!("../../examples/invalid/pleiades_analytic_broken_tasking_request.json");

/// The binary under test: `TASKING_LS_BIN` when set (a shared target directory can hold
/// another branch's build by the time the test runs), else this build's.
pub(crate) fn binary() -> String {
    std::env::var("TASKING_LS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tasking-ls").to_string())
}

/// The order endpoint of the seed form.
pub(crate) fn seed_endpoint() -> String {
    format!("/workspaces/{WORKSPACE_ID}/orders")
}

/// How the CLI is run against a fake provider: its environment and a scratch directory.
pub(crate) struct Cli {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

impl Cli {
    /// Account credentials for `api`, a 1 s timeout, a private cache.
    pub fn new(api: &FakeApi) -> Cli {
        let dir = tempfile::tempdir().unwrap();
        let env = vec![
            ("UP42_API_URL".to_string(), api.url()),
            ("UP42_AUTH_URL".to_string(), api.auth_url()),
            ("UP42_USERNAME".to_string(), USERNAME.to_string()),
            ("UP42_PASSWORD".to_string(), PASSWORD.to_string()),
            ("UP42_TIMEOUT".to_string(), "1".to_string()),
            (
                "XDG_CACHE_HOME".to_string(),
                dir.path().join("xdg").display().to_string(),
            ),
        ];
        Cli { dir, env }
    }

    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(binary());
        command.args(args).env("NO_COLOR", "1").stdin(Stdio::null());
        for (name, _) in std::env::vars() {
            if name.starts_with("UP42_") {
                command.env_remove(&name);
            }
        }
        for (name, value) in &self.env {
            command.env(name, value);
        }
        command
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run(self.command(args).output().expect("run tasking-ls"))
    }
}

pub(crate) struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout(), self.stderr())
    }
}

/// Order POSTs the fake received, both endpoints.
pub(crate) fn order_posts(api: &FakeApi) -> usize {
    api.requests()
        .iter()
        .filter(|r| r.method == "POST" && (r.path == "/v2/orders" || r.path == seed_endpoint()))
        .count()
}

fn outcomes(request: &Path) -> Vec<Outcome> {
    read_receipt(request)
        .unwrap()
        .map(|r| r.all().map(|e| e.outcome).collect())
        .unwrap_or_default()
}

#[test]
fn submit_refuses_a_file_with_errors_and_sends_nothing() {
    let api = FakeApi::start();
    let cli = Cli::new(&api);
    let file = cli.file("broken_tasking_request.json", BROKEN);
    let run = cli.run(&["submit", file.to_str().unwrap(), "--yes"]);
    assert_eq!(run.code(), 1, "{}", run.all());
    let err = run.stderr();
    assert!(err.contains("not submitted"), "{err}");
    assert!(err.contains("has errors"), "{err}");
    // The findings are printed as `validate` prints them, with their location.
    assert!(err.contains("broken_tasking_request.json:"), "{err}");
    assert!(
        err.contains("error[schema.range]") || err.contains("error["),
        "{err}"
    );
    assert!(api.requests().is_empty(), "{:?}", api.requests());
    assert!(read_receipt(&file).unwrap().is_none());
    // `quote` says so before asking for the estimate (and still asks: a quote is free).
    let run = cli.run(&["quote", file.to_str().unwrap()]);
    let err = run.stderr();
    assert!(err.contains("has errors"), "{err}");
    assert_eq!(run.code(), 1, "{}", run.all());
}

/// Every way the answer to the order POST can be lost after the provider placed the order:
/// the first run records the outcome as unknown, the rerun with `--yes` sends nothing, and
/// only `--again` places it a second time.
#[test]
fn a_lost_answer_never_leads_to_a_second_order_without_again() {
    let faults = [
        ("truncated 200", Fault::PlaceThenTruncate),
        ("reset after placing", Fault::PlaceThenDrop),
        ("502 after placing", Fault::PlaceThenStatus(502)),
        ("503 after placing", Fault::PlaceThenStatus(503)),
        ("504 after placing", Fault::PlaceThenStatus(504)),
        ("500 after placing", Fault::PlaceThenStatus(500)),
        (
            "answer after the timeout",
            Fault::PlaceThenSlow(Duration::from_millis(1500)),
        ),
        (
            "307 on the order POST",
            Fault::Redirect(307, format!("/v2/orders?workspaceId={WORKSPACE_ID}")),
        ),
    ];
    for (what, fault) in faults {
        let api = FakeApi::start();
        let cli = Cli::new(&api);
        let file = cli.file("o_tasking_request.json", SEED);
        api.inject_method(Some("POST"), &seed_endpoint(), fault, 1);
        let first = cli.run(&["submit", file.to_str().unwrap(), "--yes"]);
        assert_ne!(first.code(), 0, "{what}: {}", first.all());
        assert!(
            first.stderr().contains("outcome unknown"),
            "{what}: {}",
            first.all()
        );
        assert_eq!(outcomes(&file), vec![Outcome::Unknown], "{what}");
        // No redirect was followed: the order went to one endpoint once.
        assert_eq!(api.count("POST", "/v2/orders"), 0, "{what}");
        let placed_before = api.orders().len();
        let rerun = cli.run(&["submit", file.to_str().unwrap(), "--yes"]);
        assert_eq!(rerun.code(), 2, "{what}: {}", rerun.all());
        assert!(
            rerun.stderr().contains("--again"),
            "{what}: {}",
            rerun.all()
        );
        assert!(
            rerun.stdout().contains("UNKNOWN outcome"),
            "{what}: {}",
            rerun.all()
        );
        assert_eq!(order_posts(&api), 1, "{what}: the rerun sent nothing");
        assert_eq!(api.orders().len(), placed_before, "{what}");
        let again = cli.run(&["submit", file.to_str().unwrap(), "--yes", "--again"]);
        assert_eq!(again.code(), 0, "{what}: {}", again.all());
        assert_eq!(order_posts(&api), 2, "{what}");
        assert_eq!(
            outcomes(&file),
            vec![Outcome::Placed, Outcome::Unknown],
            "{what}"
        );
    }
}

/// A refusal (4xx) or a connection that never carried the request leaves no record: the
/// next run needs no `--again`.
#[test]
fn a_refusal_or_nothing_sent_leaves_no_pending_entry() {
    for (what, fault) in [
        (
            "400 refusal",
            Fault::Answer(400, json!({"title": "Bad Request", "status": 400})),
        ),
        ("403 refusal", Fault::Forbidden),
        ("closed while the body was sent", Fault::DropDuringBody),
    ] {
        let api = FakeApi::start();
        let cli = Cli::new(&api);
        let file = cli.file("o_tasking_request.json", SEED);
        api.inject_method(Some("POST"), &seed_endpoint(), fault.clone(), 1);
        let first = cli.run(&["submit", file.to_str().unwrap(), "--yes"]);
        assert_ne!(first.code(), 0, "{what}: {}", first.all());
        assert!(api.orders().is_empty(), "{what}");
        let receipt = outcomes(&file);
        if matches!(fault, Fault::DropDuringBody) {
            // The provider may have read part of it: still unknown to us.
            assert_eq!(receipt, vec![Outcome::Unknown], "{what}");
            continue;
        }
        assert!(receipt.is_empty(), "{what}: {receipt:?}");
        let second = cli.run(&["submit", file.to_str().unwrap(), "--yes"]);
        assert_eq!(second.code(), 0, "{what}: {}", second.all());
        assert_eq!(api.orders().len(), 1, "{what}");
    }
    // Nothing listening: the request never left, so nothing is recorded.
    let api = FakeApi::start();
    let mut cli = Cli::new(&api);
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let file = cli.file("o_tasking_request.json", SEED);
    cli.env
        .push(("UP42_WORKSPACE_ID".into(), WORKSPACE_ID.into()));
    cli.env.push(("UP42_TOKEN".into(), STATIC_TOKEN.into()));
    cli.env
        .retain(|(n, _)| n != "UP42_USERNAME" && n != "UP42_PASSWORD");
    for (n, v) in cli.env.iter_mut() {
        if n == "UP42_API_URL" {
            *v = format!("http://{dead}");
        }
    }
    let run = cli.run(&["submit", file.to_str().unwrap(), "--yes"]);
    assert_eq!(run.code(), 2, "{}", run.all());
    assert!(outcomes(&file).is_empty(), "{}", run.all());
}

#[test]
fn two_concurrent_submits_place_one_order_and_record_it() {
    let api = FakeApi::start();
    let mut cli = Cli::new(&api);
    cli.env.push(("UP42_TIMEOUT".into(), "10".into()));
    let file = cli.file("o_tasking_request.json", SEED);
    api.inject_method(
        Some("POST"),
        &seed_endpoint(),
        Fault::PlaceThenSlow(Duration::from_millis(800)),
        10,
    );
    let spawn = || {
        cli.command(&["submit", file.to_str().unwrap(), "--yes"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (
        Run(a.wait_with_output().unwrap()),
        Run(b.wait_with_output().unwrap()),
    );
    let mut codes = [a.code(), b.code()];
    codes.sort();
    assert_eq!(codes, [0, 2], "{}\n---\n{}", a.all(), b.all());
    assert_eq!(order_posts(&api), 1);
    let refused = if a.code() == 2 { &a } else { &b };
    assert!(
        refused.stderr().contains("already ordered"),
        "{}",
        refused.all()
    );
    let receipt = read_receipt(&file).unwrap().unwrap();
    assert_eq!(receipt.all().count(), 1);
    assert_eq!(receipt.outcome, Outcome::Placed);
    assert_eq!(receipt.order_ids.len(), 1);
}

/// The receipt cannot be written next to the file: nothing is sent, twice.
#[test]
fn an_unwritable_directory_is_refused_before_sending() {
    let api = FakeApi::start();
    let cli = Cli::new(&api);
    let orders = cli.dir.path().join("orders");
    std::fs::create_dir(&orders).unwrap();
    let file = orders.join("o_tasking_request.json");
    std::fs::write(&file, SEED).unwrap();
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    mode(cli.dir.path(), 0o755).unwrap();
    mode(&orders, 0o555).unwrap();
    // Root ignores modes: run as nobody then (as the reproduction does).
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    let xdg = cli.dir.path().join("xdg");
    std::fs::create_dir_all(&xdg).unwrap();
    mode(&xdg, 0o777).unwrap();
    for _ in 0..2 {
        let mut command = if root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(binary());
            for (n, v) in &cli.env {
                c.env(n, v);
            }
            c
        } else {
            cli.command(&[])
        };
        let out = Run(command
            .args(["submit", file.to_str().unwrap(), "--yes"])
            .stdin(Stdio::null())
            .output()
            .unwrap());
        if root && out.stderr().contains("setpriv") {
            eprintln!("setpriv unavailable: {}", out.stderr());
            return;
        }
        assert_eq!(out.code(), 2, "{}", out.all());
        assert!(out.stderr().contains("cannot be written"), "{}", out.all());
        assert!(out.stderr().contains("nothing was sent"), "{}", out.all());
    }
    mode(&orders, 0o755).unwrap();
    assert_eq!(order_posts(&api), 0);
}

/// The final write fails after the order was placed: the receipt goes to the cache's
/// fallback directory, the run says so loudly, and a rerun still finds it.
#[test]
fn a_failed_final_write_falls_back_to_the_cache_and_still_protects() {
    let api = FakeApi::start();
    let cli = Cli::new(&api);
    let file = cli.file("o_tasking_request.json", SEED);
    // The POST answers slowly; meanwhile the receipt's name becomes a non-empty directory,
    // which no rename can replace.
    api.inject_method(
        Some("POST"),
        &seed_endpoint(),
        Fault::PlaceThenSlow(Duration::from_millis(600)),
        1,
    );
    let child = cli
        .command(&["submit", file.to_str().unwrap(), "--yes"])
        .env("UP42_TIMEOUT", "5")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let receipt = file.with_file_name("o_tasking_request.order.json");
    let deadline = Instant::now() + Duration::from_secs(20);
    while order_posts(&api) == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        receipt.exists(),
        "the pending entry is written before the POST"
    );
    std::fs::remove_file(&receipt).unwrap();
    std::fs::create_dir_all(receipt.join("blocker")).unwrap();
    let run = Run(child.wait_with_output().unwrap());
    assert_eq!(run.code(), 2, "{}", run.all());
    let err = run.stderr();
    assert!(err.contains("COULD NOT BE WRITTEN"), "{err}");
    let id = api.orders()[0]["id"].as_str().unwrap().to_string();
    assert!(err.contains(&id), "the order id is printed: {err}");
    let fallback = cli.dir.path().join("xdg/tasking-ls/receipts");
    assert!(err.contains(&fallback.display().to_string()), "{err}");
    std::fs::remove_dir_all(&receipt).unwrap();
    let rerun = cli.run(&["submit", file.to_str().unwrap(), "--yes"]);
    assert_eq!(rerun.code(), 2, "{}", rerun.all());
    assert!(rerun.stdout().contains(&id), "{}", rerun.all());
    assert_eq!(order_posts(&api), 1);
}

#[test]
fn a_redirect_from_the_token_endpoint_is_not_followed() {
    let evil = FakeApi::start();
    let api = FakeApi::start();
    let cli = Cli::new(&api);
    let file = cli.file("o_tasking_request.json", SEED);
    for status in [301, 302, 303, 307, 308] {
        api.inject_method(
            Some("POST"),
            TOKEN_PATH,
            Fault::Redirect(status, format!("{}/collect?x=1", evil.url())),
            1,
        );
        let run = cli.run(&["quote", file.to_str().unwrap()]);
        assert_eq!(run.code(), 2, "{status}: {}", run.all());
        let err = run.stderr();
        assert!(err.contains(&format!("HTTP {status}")), "{err}");
        assert!(err.contains(&format!("{}/collect", evil.url())), "{err}");
        assert!(!err.contains("x=1"), "the query is redacted: {err}");
        assert!(
            evil.requests().is_empty(),
            "{status}: {:?}",
            evil.requests()
        );
    }
}

#[tokio::test]
async fn gets_follow_redirects_within_the_origin_only() {
    let evil = FakeApi::start();
    let api = FakeApi::start();
    let c = Client::new(api.settings(Duration::from_secs(2)), FakeApi::account()).unwrap();
    let path = format!("/orders/schema/{PRODUCT_ID}");
    api.inject_method(
        Some("GET"),
        &path,
        Fault::Redirect(302, format!("{}{path}", evil.url())),
        1,
    );
    let e = c.fetch_schema(PRODUCT_ID, None).await.unwrap_err();
    assert!(e.to_string().contains("not followed"), "{e}");
    assert!(evil.requests().is_empty());
    // Same origin: followed.
    api.inject_method(
        Some("GET"),
        &path,
        Fault::Redirect(302, format!("{}{path}?moved=1", api.url())),
        1,
    );
    c.fetch_schema(PRODUCT_ID, None).await.unwrap();
}

#[tokio::test]
async fn answers_are_read_up_to_a_limit() {
    let api = FakeApi::start();
    let c = Client::new(
        api.settings(Duration::from_secs(20)),
        FakeApi::static_token(),
    )
    .unwrap();
    let seed: Value = serde_json::from_str(SEED).unwrap();
    for fault in [Fault::Huge(2 << 30), Fault::HugeChunked(64 << 20)] {
        api.inject("/v2/orders/estimate", fault, 1);
        let started = Instant::now();
        let e = c.estimate(&seed).await.unwrap_err();
        assert!(e.to_string().contains("more than 1048576 bytes"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
    let path = format!("/orders/schema/{PRODUCT_ID}");
    api.inject(&path, Fault::HugeChunked(64 << 20), 1);
    let e = c.fetch_schema(PRODUCT_ID, None).await.unwrap_err();
    assert!(e.to_string().contains("more than 16777216 bytes"), "{e}");
}

#[test]
fn numbers_from_the_environment_and_the_server_are_clamped() {
    let api = FakeApi::start();
    let mut cli = Cli::new(&api);
    let file = cli.file("o_tasking_request.json", SEED);
    for timeout in ["1e20", "1e308", "18446744073709551616"] {
        let mut c = cli.command(&["quote", file.to_str().unwrap()]);
        c.env("UP42_TIMEOUT", timeout);
        let run = Run(c.output().unwrap());
        assert_eq!(run.code(), 0, "UP42_TIMEOUT={timeout}: {}", run.all());
    }
    // A token that "lives" 2^64-1 seconds, or 1e300.
    cli.env.push(("UP42_TIMEOUT".into(), "5".into()));
    for expires in [json!(u64::MAX), json!(1e300), json!(-5)] {
        api.inject_method(
            Some("POST"),
            TOKEN_PATH,
            Fault::Answer(
                200,
                json!({"access_token": STATIC_TOKEN, "expires_in": expires}),
            ),
            1,
        );
        let run = cli.run(&["quote", file.to_str().unwrap()]);
        assert_eq!(run.code(), 0, "expires_in {expires}: {}", run.all());
    }
}

#[test]
fn the_server_answers_initialize_with_a_huge_timeout() {
    use crate::support::provider_lsp::{Launch, Lsp};
    let lsp = Lsp::start(Launch {
        env: vec![
            ("UP42_TIMEOUT", "1e20".to_string()),
            ("UP42_TOKEN", "x".to_string()),
            ("UP42_API_URL", "http://127.0.0.1:9".to_string()),
        ],
        args: vec![],
        progress: false,
    });
    let stderr = lsp.finish();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn ids_are_validated_before_they_reach_a_path() {
    let api = FakeApi::start();
    let cli = Cli::new(&api);
    for id in ["..", ".", "../../v2", "a/b", "%2e%2e", "", "x?y=1"] {
        let run = cli.run(&["status", id]);
        assert_eq!(run.code(), 2, "{id:?}: {}", run.all());
        assert!(
            run.stderr().contains("not a valid order id"),
            "{id:?}: {}",
            run.all()
        );
    }
    for args in [
        vec!["quotation", "accept", "..", "--yes"],
        vec!["feasibility", "choose", "..", "x", "--yes"],
    ] {
        let run = cli.run(&args);
        assert_ne!(run.code(), 0, "{args:?}: {}", run.all());
    }
    let sent: Vec<String> = api
        .requests()
        .iter()
        .filter(|r| !r.path.ends_with("/token") && !r.path.ends_with("/userinfo"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(sent.is_empty(), "{sent:?}");
}

#[test]
fn a_file_of_commas_yields_a_capped_list() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c_tasking_request.json");
    std::fs::write(&path, format!("[{}]", ",".repeat(200_000))).unwrap();
    let out = Command::new(binary())
        .args(["validate", "--offline", "--format", "json"])
        .arg(&path)
        .env("XDG_CACHE_HOME", dir.path().join("xdg"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = report.as_array().expect("one array of findings");
    assert_eq!(diagnostics.len(), 1001, "{}", out.stdout.len());
    let last = diagnostics[1000]["message"].as_str().unwrap();
    assert!(last.starts_with("and "), "{last}");
    assert!(last.contains("more problems"), "{last}");
    assert!(out.stdout.len() < 1 << 20, "{} bytes", out.stdout.len());
}

#[tokio::test]
async fn a_legacy_error_or_all_features_refused_is_not_placed() {
    // A 2xx whose every feature was refused leaves nothing recorded.
    let api = FakeApi::start();
    let c = Client::new(api.settings(Duration::from_secs(2)), FakeApi::account()).unwrap();
    let plan = c.plan_order(SEED).await.unwrap();
    api.inject_method(
        Some("POST"),
        &seed_endpoint(),
        Fault::Answer(
            200,
            json!({"data": null, "error": {"code": 400, "message": "bad"}}),
        ),
        1,
    );
    let e = c.place(&plan).await.unwrap_err();
    assert_ne!(e.kind(), ErrorKind::OutcomeUnknown, "{e}");
}
