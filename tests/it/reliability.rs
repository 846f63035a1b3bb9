//! The reliability reproductions as tests, against the fake provider with injected faults:
//! an order placed at most once whatever the connection does (lost, truncated, reset,
//! gateway answers, redirects, concurrent runs, an unwritable directory), `submit` refusing a
//! file with errors before any request, requests that go only where they were sent, bounded
//! answers, clamped numbers, ids validated before they reach a path, and capped diagnostics.
//!
//! The CLI runs as the real binary here (two processes must race for the receipt lock); the
//! client-level cases call the library. The same faults run once more against the release
//! binary in CI (`tests/fault_injection/run.sh`, "== fault injection" in `.ci/run`).
//!
//! Each reproduction of `../shared/cases/reliability/` and its test:
//! - 01 lost answer, duplicate order: `a_lost_answer_never_leads_to_a_second_order_without_again`
//!   (truncated, reset, 502/503/504/500, late answer, 307), `a_refusal_or_nothing_sent_leaves_no_pending_entry`
//! - 02 editor cancel or `exit` while the POST is in flight:
//!   `an_editor_submit_cancelled_in_flight_still_records_the_order`,
//!   `an_exit_while_the_order_post_is_in_flight_waits_for_the_receipt`
//! - 03 concurrent submits: `two_concurrent_submits_place_one_order_and_record_it`
//! - 04 token redirect leaks the password: `a_redirect_from_the_token_endpoint_is_not_followed`
//! - 05 secret scrubbing gaps: `echoed_secrets_are_scrubbed_in_every_form_end_to_end` (here),
//!   `api_secrets::no_secret_in_logs_or_errors_across_every_path`, the scrubber's property test
//!   (`src/api/scrub.rs`)
//! - 06 malformed message kills the server: `lsp_robustness` (parse errors, oversized
//!   `Content-Length`, random bytes between messages)
//! - 07 stale diagnostics after reopen, 08 checking flag stuck: `lsp_document_races`
//! - 09 read-only directory: `an_unwritable_directory_is_refused_before_sending`,
//!   `a_failed_final_write_falls_back_to_the_cache_and_still_protects`
//! - 10 unbounded diagnostics: `a_file_of_commas_yields_a_capped_list`
//! - 11 human format long lines: `cli_flags::a_minified_order_does_not_print_its_whole_line_per_finding`
//! - 12 walk reads special files: `cli_flags::special_files_never_hang_and_links_say_what_is_wrong`,
//!   `cli_flags::files_over_the_size_cap_are_reported_not_read`, and the peak RSS of a walk over
//!   a link to `/dev/zero` in `memory_stays_bounded_on_endless_inputs` (here)
//! - 13 `UP42_TIMEOUT` panic, 14 `expires_in` panic: `numbers_from_the_environment_and_the_server_are_clamped`,
//!   `the_server_answers_initialize_with_a_huge_timeout`
//! - 15 `allOf` fan-out over a 50,000-value enum: the schema budget tests (`src/schema`,
//!   `tests/it/schema_*.rs`, owned with the schema semantics)
//! - 16 unbounded response body: `answers_are_read_up_to_a_limit` (the client) and
//!   `memory_stays_bounded_on_endless_inputs` (the CLI's peak RSS, here)
//! - 17 stdout write errors: `cli_flags::write_errors_end_every_subcommand_with_exit_two`
//! - 18 dot segments in ids: `ids_are_validated_before_they_reach_a_path`
//! - 19 order POST follows redirects: `a_lost_answer_never_leads_to_a_second_order_without_again`
//!   (the 307 case), `gets_follow_redirects_within_the_origin_only`
//! - 20 symlink loop reported as missing: `cli_flags::special_files_never_hang_and_links_say_what_is_wrong`

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

/// Reproduction 10: a 1 MB file of commas (a million diagnostics, 2.4 GB before the cap)
/// yields 1,000 and an "and N more", in under 1 MiB of output and 256 MiB of peak RSS.
#[test]
fn a_file_of_commas_yields_a_capped_list() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c_tasking_request.json");
    std::fs::write(&path, format!("[{}]", ",".repeat(1_000_000))).unwrap();
    let mut command = Command::new(binary());
    command
        .args(["validate", "--offline", "--format", "json"])
        .arg(&path)
        .env("XDG_CACHE_HOME", dir.path().join("xdg"));
    let (out, peak) = run_measured(command);
    assert!(peak > 0 && peak < 256 * 1024, "peak RSS {peak} KiB");
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

/// An editor's language server with account credentials for `api`, a timeout long enough
/// for a slow answer, and a private cache.
fn submitting_server(api: &FakeApi, dir: &Path) -> crate::support::provider_lsp::Lsp {
    use crate::support::provider_lsp::{Launch, Lsp};
    let mut env = account_env(api);
    env.push(("UP42_TIMEOUT", "5".to_string()));
    Lsp::start(Launch {
        env,
        args: vec![
            "--cache-dir".into(),
            dir.join("cache").display().to_string(),
        ],
        progress: false,
    })
}

/// Opens the seed as `name` in `dir`, starts `taskingLs.submitOrder` with "Submit order"
/// chosen, and returns once the order POST reached the provider (which places the order and
/// answers 1.5 s later): (the file, the request's id).
fn submit_in_flight(
    lsp: &mut crate::support::provider_lsp::Lsp,
    api: &FakeApi,
    dir: &Path,
    name: &str,
) -> (PathBuf, i64) {
    let path = dir.join(name);
    std::fs::write(&path, SEED).unwrap();
    let uri = crate::support::provider_lsp::uri_of(&path);
    lsp.open(&uri, SEED);
    lsp.wait_diagnostics(&uri, "first diagnostics", |_| true);
    api.inject_method(
        Some("POST"),
        &seed_endpoint(),
        Fault::PlaceThenSlow(Duration::from_millis(1500)),
        1,
    );
    lsp.choices.push_back(Some("Submit order".into()));
    let id = lsp.send_request(
        "workspace/executeCommand",
        json!({"command": "taskingLs.submitOrder", "arguments": [uri]}),
    );
    lsp.wait_until("the order POST", |_| api.orders().len() == 1);
    (path, id)
}

/// Reproduction 02: `$/cancelRequest` while the order POST is in flight. The request is
/// cancelled, but the POST's answer is still recorded (the receipt says placed, with the id)
/// and shown; submitting the same content again asks twice.
#[test]
fn an_editor_submit_cancelled_in_flight_still_records_the_order() {
    let api = FakeApi::start();
    let dir = tempfile::tempdir().unwrap();
    let mut lsp = submitting_server(&api, dir.path());
    let (path, id) = submit_in_flight(&mut lsp, &api, dir.path(), "c_tasking_request.json");
    lsp.notify("$/cancelRequest", json!({"id": id}));
    let answer = lsp.wait_response(id);
    assert_eq!(
        answer.as_ref().err().and_then(|e| e["code"].as_i64()),
        Some(-32800),
        "RequestCancelled: {answer:?}"
    );
    let order = api.orders()[0]["id"].as_str().unwrap().to_string();
    let shown = lsp.wait_message("the placed order, after the cancel", |m| m.contains(&order));
    assert!(shown.contains("Order placed"), "{shown}");
    let receipt = read_receipt(&path).unwrap().expect("a receipt");
    assert_eq!(receipt.outcome, Outcome::Placed);
    assert_eq!(receipt.order_ids, vec![order.clone()]);
    // The same content again: a second question names the earlier order; "Cancel" sends
    // nothing.
    let asked = lsp.questions().len();
    lsp.choices.push_back(Some("Submit order".into()));
    lsp.choices.push_back(Some("Cancel".into()));
    let uri = crate::support::provider_lsp::uri_of(&path);
    let again = lsp.execute("taskingLs.submitOrder", json!([uri])).unwrap();
    assert_eq!(again["orderIds"], json!([]));
    let questions = lsp.questions();
    assert_eq!(questions.len(), asked + 2, "{questions:#?}");
    assert!(
        questions[asked + 1].contains("already submitted") && questions[asked + 1].contains(&order),
        "{}",
        questions[asked + 1]
    );
    assert_eq!(order_posts(&api), 1);
    let stderr = lsp.finish();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Reproduction 02: `exit` (with and without `shutdown`) while the order POST is in flight.
/// The process ends only after the answer came and the receipt was completed.
#[test]
fn an_exit_while_the_order_post_is_in_flight_waits_for_the_receipt() {
    for shutdown in [false, true] {
        let api = FakeApi::start();
        let dir = tempfile::tempdir().unwrap();
        let mut lsp = submitting_server(&api, dir.path());
        let (path, _) = submit_in_flight(&mut lsp, &api, dir.path(), "e_tasking_request.json");
        let code = lsp.exit_and_wait(shutdown);
        assert!(
            code.is_some(),
            "shutdown {shutdown}: the server did not end; stderr:\n{}",
            lsp.stderr()
        );
        let order = api.orders()[0]["id"].as_str().unwrap().to_string();
        let receipt = read_receipt(&path).unwrap().expect("a receipt");
        assert_eq!(receipt.outcome, Outcome::Placed, "shutdown {shutdown}");
        assert_eq!(receipt.order_ids, vec![order], "shutdown {shutdown}");
        assert_eq!(order_posts(&api), 1);
        assert!(!lsp.stderr().contains("panicked"), "{}", lsp.stderr());
    }
}

/// Reproduction 05, end to end through the CLI (`-vv`, so the log is in the output too): a
/// provider that echoes what it received. Passwords with spaces, `&`, `%`, quotes, a tab and
/// non-ASCII characters, echoed form-encoded, raw past the 300-character cut, and with runs of
/// whitespace the message normaliser collapses; and the access token the CLI obtained echoed
/// back from its `Authorization` header. Each password is built around two markers that
/// appear nowhere else, so any fragment left of it shows.
#[test]
fn echoed_secrets_are_scrubbed_in_every_form_end_to_end() {
    const HEAD: &str = "Qz7kLm";
    const TAIL: &str = "Xv3pRt";
    let api = FakeApi::start();
    let mut cli = Cli::new(&api);
    let file = cli.file("s_tasking_request.json", SEED);
    let pad = "x".repeat(285);
    let mut runs = 0;
    for middle in [" ", "&", "%", "\"", "'", "  \t", "é€😀", "%26 +", "\\"] {
        let password = format!("{HEAD}{middle}{TAIL}");
        for template in [
            "{body}".to_string(),
            format!("{pad} pw was {password}"),
            format!("user sent password '{password}' in {{body}}"),
        ] {
            api.clear_faults();
            api.inject_method(
                Some("POST"),
                TOKEN_PATH,
                Fault::Echo(400, template.clone()),
                5,
            );
            for (n, v) in cli.env.iter_mut() {
                if n == "UP42_PASSWORD" {
                    *v = password.clone();
                }
            }
            let run = cli.run(&["-vv", "quote", file.to_str().unwrap()]);
            runs += 1;
            assert_eq!(run.code(), 1, "{password:?} / {template}: {}", run.all());
            let all = run.all();
            assert!(
                all.contains("login failed") && all.contains("HTTP 400"),
                "the refusal is reported: {all}"
            );
            for marker in [HEAD, TAIL, &HEAD[..4], &TAIL[2..]] {
                assert!(
                    !all.contains(marker),
                    "{marker} of {password:?} leaked with template {template:?}:\n{all}"
                );
            }
        }
    }
    assert_eq!(runs, 27);
    // The token the CLI obtained, echoed back by the estimate endpoint.
    api.clear_faults();
    for (n, v) in cli.env.iter_mut() {
        if n == "UP42_PASSWORD" {
            *v = PASSWORD.to_string();
        }
    }
    api.inject(
        "/v2/orders/estimate",
        Fault::Echo(401, "token rejected: {auth}".into()),
        5,
    );
    let run = cli.run(&["-vv", "quote", file.to_str().unwrap()]);
    assert_ne!(run.code(), 0, "{}", run.all());
    assert!(api.tokens_issued() > 0);
    let all = run.all();
    assert!(all.contains("token rejected"), "{all}");
    for secret in SECRETS {
        assert!(!all.contains(secret), "{secret} leaked:\n{all}");
    }
}

/// Runs `command` to its end and samples its peak resident set (`VmHWM`, KiB) meanwhile:
/// (its output, the last peak read, a lower bound of the true peak within one sample).
pub(crate) fn run_measured(mut command: Command) -> (Output, u64) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let readers = (
        std::thread::spawn(move || {
            let mut b = vec![];
            std::io::Read::read_to_end(&mut out, &mut b).ok();
            b
        }),
        std::thread::spawn(move || {
            let mut b = vec![];
            std::io::Read::read_to_end(&mut err, &mut b).ok();
            b
        }),
    );
    let mut peak = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(kib);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let output = Output {
        status,
        stdout: readers.0.join().unwrap(),
        stderr: readers.1.join().unwrap(),
    };
    (output, peak)
}

/// Reproductions 12 and 16 by their memory: a 2 GiB estimate answer, a 64 MiB chunked schema
/// answer and a directory walk that meets a link to `/dev/zero` each end with a clear error,
/// and the process's peak RSS stays under 150 MiB (the limits are 1 MiB for answers, 16 MiB
/// for schemas, and special files are not read).
#[cfg(target_os = "linux")]
#[test]
fn memory_stays_bounded_on_endless_inputs() {
    const LIMIT_KIB: u64 = 150 * 1024;
    let api = FakeApi::start();
    let mut cli = Cli::new(&api);
    cli.env.push(("UP42_TIMEOUT".into(), "30".into()));
    let file = cli.file("m_tasking_request.json", SEED);
    api.inject("/v2/orders/estimate", Fault::Huge(2 << 30), 1);
    let (out, peak) = run_measured(cli.command(&["quote", file.to_str().unwrap()]));
    let run = Run(out);
    assert_ne!(run.code(), 0, "{}", run.all());
    assert!(
        run.all().contains("more than 1048576 bytes"),
        "{}",
        run.all()
    );
    assert!(peak > 0 && peak < LIMIT_KIB, "quote: peak RSS {peak} KiB");

    api.inject(
        &format!("/orders/schema/{OTHER_PRODUCT_ID}"),
        Fault::HugeChunked(64 << 20),
        1,
    );
    let (out, peak) = run_measured(cli.command(&["schema", "fetch", OTHER_PRODUCT_ID]));
    let run = Run(out);
    assert_ne!(run.code(), 0, "{}", run.all());
    assert!(
        run.all().contains("more than 16777216 bytes"),
        "{}",
        run.all()
    );
    assert!(
        peak > 0 && peak < LIMIT_KIB,
        "schema fetch: peak RSS {peak} KiB"
    );

    let walk = cli.dir.path().join("walk");
    std::fs::create_dir(&walk).unwrap();
    std::fs::write(walk.join("ok_tasking_request.json"), SEED).unwrap();
    std::os::unix::fs::symlink("/dev/zero", walk.join("zero_tasking_request.json")).unwrap();
    let (out, peak) = run_measured(cli.command(&["validate", "--offline", walk.to_str().unwrap()]));
    let run = Run(out);
    assert_eq!(run.code(), 2, "{}", run.all());
    assert!(run.stderr().contains("not a regular file"), "{}", run.all());
    assert!(
        peak > 0 && peak < LIMIT_KIB,
        "validate: peak RSS {peak} KiB"
    );
}

/// `status FILE` after a submission whose outcome is unknown: the order list is searched for
/// it and the user told what to do, whether the provider placed it (a 503 after placing),
/// did not (a 503 before), or the list cannot be searched.
#[test]
fn status_of_an_unknown_outcome_says_what_to_do() {
    for (what, fault, placed) in [
        ("placed, then 503", Fault::PlaceThenStatus(503), true),
        (
            "503 without placing",
            Fault::Answer(503, json!({"title": "Service Unavailable", "status": 503})),
            false,
        ),
    ] {
        let api = FakeApi::start();
        let cli = Cli::new(&api);
        let file = cli.file("u_tasking_request.json", SEED);
        api.inject_method(Some("POST"), &seed_endpoint(), fault, 1);
        let first = cli.run(&["submit", file.to_str().unwrap(), "--yes"]);
        assert!(
            first.stderr().contains("outcome unknown"),
            "{what}: {}",
            first.all()
        );
        assert_eq!(api.orders().len(), usize::from(placed), "{what}");
        let status = cli.run(&["status", file.to_str().unwrap()]);
        let out = status.stdout();
        assert_eq!(status.code(), 0, "{what}: {}", status.all());
        assert!(out.contains("outcome unknown"), "{what}: {out}");
        assert!(out.contains("503"), "{what}: the reason is shown: {out}");
        let listed = api
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path == "/v2/orders")
            .map(|r| (r.query_param("workspaceId"), r.query_param("displayName")))
            .collect::<Vec<_>>();
        assert_eq!(
            listed,
            vec![(
                Some(WORKSPACE_ID.to_string()),
                Some("My satellite tasking order".to_string())
            )],
            "{what}"
        );
        if placed {
            let id = api.orders()[0]["id"].as_str().unwrap().to_string();
            assert!(out.contains(&id), "{what}: {out}");
            assert!(out.contains("WAS placed"), "{what}: {out}");
            assert!(
                out.contains(&format!("tasking-ls status {id}")),
                "{what}: {out}"
            );
            assert!(out.contains("do not submit again"), "{what}: {out}");
        } else {
            assert!(out.contains("most likely not placed"), "{what}: {out}");
            assert!(out.contains("--again"), "{what}: {out}");
        }
        assert_eq!(order_posts(&api), 1, "{what}: status sends no order");
    }
    // The order list cannot be searched: say where to look instead.
    let api = FakeApi::start();
    let cli = Cli::new(&api);
    let file = cli.file("u_tasking_request.json", SEED);
    api.inject_method(
        Some("POST"),
        &seed_endpoint(),
        Fault::PlaceThenStatus(502),
        1,
    );
    cli.run(&["submit", file.to_str().unwrap(), "--yes"]);
    api.inject_method(Some("GET"), "/v2/orders", Fault::ServerError, 5);
    let receipt = file.with_file_name("u_tasking_request.order.json");
    let status = cli.run(&["status", receipt.to_str().unwrap()]);
    let out = status.stdout();
    assert!(out.contains("could not be searched"), "{out}");
    assert!(out.contains("order list of workspace"), "{out}");
    assert!(out.contains(WORKSPACE_ID), "{out}");
    assert!(
        out.contains("My satellite tasking order"),
        "the request's name: {out}"
    );
}

/// `submit` applies `tasking-ls.toml`'s `[lint]` rules (found from the file's folder) as
/// `validate` does: an ignored error code does not block, a warning raised to error does.
#[test]
fn submit_honours_the_lint_settings_of_the_configuration_file() {
    let mut over: Value = serde_json::from_str(SEED).unwrap();
    over["params"]["cloudCoverage"] = json!(150);
    let mut clockwise: Value = serde_json::from_str(SEED).unwrap();
    if let Some(ring) = clockwise
        .pointer_mut("/params/geometry/coordinates/0")
        .and_then(Value::as_array_mut)
    {
        ring.reverse();
    }
    let cases = [
        (
            "an ignored error",
            over,
            "[lint]\nignore = [\"schema.range\"]\n",
            (1, 0),
            (0, 1),
        ),
        (
            "a warning raised to error",
            clockwise,
            "[lint.severity]\n\"geometry.winding\" = \"error\"\n",
            (0, 1),
            (1, 0),
        ),
    ];
    for (what, request, toml, without, with) in cases {
        for ((code, posts), config) in [(without, None), (with, Some(toml))] {
            let api = FakeApi::start();
            let cli = Cli::new(&api);
            let folder = cli.dir.path().join("orders");
            std::fs::create_dir_all(&folder).unwrap();
            if let Some(toml) = config {
                std::fs::write(folder.join("tasking-ls.toml"), toml).unwrap();
            }
            let file = folder.join("l_tasking_request.json");
            std::fs::write(&file, serde_json::to_string_pretty(&request).unwrap()).unwrap();
            let run = cli.run(&["submit", file.to_str().unwrap(), "--yes"]);
            let label = format!(
                "{what}, {}",
                if config.is_some() {
                    "configured"
                } else {
                    "default"
                }
            );
            assert_eq!(run.code(), code, "{label}: {}", run.all());
            assert_eq!(order_posts(&api), posts, "{label}: {}", run.all());
            if code == 1 {
                assert!(
                    run.stderr().contains("has errors"),
                    "{label}: {}",
                    run.all()
                );
            }
        }
    }
}
