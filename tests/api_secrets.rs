//! No secret (password, API key, token) reaches a log line, an error's `Display` or `Debug`,
//! across every auth style and every injected fault. Alone in its binary: the capture is the
//! process-wide subscriber, which parallel tests would otherwise race for.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::fake_api::*;
use tasking_ls::api::{Client, Credentials};

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
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("API answer"), "the capture works: {logs}");
    for text in [&logs, &seen] {
        for secret in [PASSWORD, PROJECT_API_KEY, STATIC_TOKEN, TOKEN_PREFIX] {
            assert!(!text.contains(secret), "{secret} leaked into:\n{text}");
        }
    }
}
