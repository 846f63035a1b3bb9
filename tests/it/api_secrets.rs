//! No secret (password, API key, token) reaches a log line, an error's `Display` or `Debug`,
//! across every auth style and every injected fault. Alone in its binary: the capture is the
//! process-wide subscriber, which parallel tests would otherwise race for.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::fake_api::*;
use tasking_ls::api::{Client, Credentials};
use tasking_ls::cli::orders::{
    quote, schema_fetch, status, submit, ApiContext, Console, QuoteArgs, SchemaFetchArgs,
    StatusArgs, SubmitArgs,
};

const T: Duration = Duration::from_millis(300);

fn client(api: &FakeApi, credentials: Credentials) -> Client {
    Client::new(api.settings(T), credentials).unwrap()
}

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn no_secret_in_logs_or_errors_across_every_path() {
    let capture = LogCapture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let api = FakeApi::start();
    let mut seen = String::new();
    for creds in [
        FakeApi::account(),
        FakeApi::project(),
        FakeApi::static_token(),
    ] {
        let c = client(&api, creds.clone());
        seen += &format!("{creds:?}{c:?}");
        let path = format!("/orders/schema/{PRODUCT_ID}");
        c.fetch_schema(PRODUCT_ID, None).await.unwrap();
        for fault in [
            Fault::ExpiredToken,
            Fault::ServerError,
            Fault::Malformed,
            Fault::Drop,
            Fault::Slow(Duration::from_millis(600)),
            Fault::Forbidden,
            Fault::SchemaNotFound,
        ] {
            api.inject(&path, fault, 2);
            if let Err(e) = c.fetch_schema(PRODUCT_ID, None).await {
                seen += &format!("{e}\n{e:?}\n");
            }
            api.clear_faults();
        }
        c.workspace_id().await.unwrap();
    }
    // The CLI's output and the files it writes (receipts, cache entries).
    let dir = tempfile::tempdir().unwrap();
    let request = dir.path().join("s_tasking_request.json");
    // A request without errors: `submit` refuses one with errors before sending anything.
    std::fs::write(&request, crate::reliability::SEED).unwrap();
    let workspace_orders = format!("/workspaces/{WORKSPACE_ID}/orders");
    for creds in [
        FakeApi::account(),
        FakeApi::project(),
        FakeApi::static_token(),
    ] {
        let ctx = ApiContext {
            lint: Default::default(),
            schema_dir: None,
            settings: api.settings(T),
            credentials: creds,
            cache_dir: Some(dir.path().join("cache")),
        };
        for fault in [
            Some(Fault::ExpiredToken),
            Some(Fault::Forbidden),
            Some(Fault::Slow(Duration::from_millis(600))),
            Some(Fault::Drop),
            None,
        ] {
            if let Some(fault) = fault {
                api.inject(&workspace_orders, fault, 1);
            }
            let (mut console, out) = Console::captured(None);
            let args = SubmitArgs {
                file: request.clone(),
                yes: true,
                again: true,
            };
            submit(&ctx, &args, &mut console).await;
            seen += &out.out();
            seen += &out.err();
            api.clear_faults();
        }
        let (mut console, out) = Console::captured(None);
        quote(
            &ctx,
            &QuoteArgs {
                file: request.clone(),
            },
            &mut console,
        )
        .await;
        status(
            &ctx,
            &StatusArgs {
                order: "missing".into(),
            },
            &mut console,
        )
        .await;
        let fetch = SchemaFetchArgs {
            ids: vec![PRODUCT_ID.into()],
            all: false,
            into: None,
        };
        schema_fetch(&ctx, &fetch, &mut console).await;
        seen += &out.out();
        seen += &out.err();
    }
    assert!(seen.contains("Order placed: "), "the CLI ran: {seen}");
    for entry in walk(dir.path()) {
        seen += &std::fs::read_to_string(entry).unwrap();
    }
    assert!(seen.contains("bodySha256"), "the receipt was read");
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("API answer"), "the capture works: {logs}");
    for text in [&logs, &seen] {
        for secret in [PASSWORD, PROJECT_API_KEY, STATIC_TOKEN, TOKEN_PREFIX] {
            assert!(!text.contains(secret), "{secret} leaked into:\n{text}");
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
