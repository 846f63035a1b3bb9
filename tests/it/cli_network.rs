//! The command line's network set-up, end to end against the fake provider: the system proxy
//! settings (`HTTP_PROXY`, `NO_PROXY`) and the credentials file (where it is looked for, its
//! permissions, its precedence against the environment, and the hosts it may be sent to).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use crate::support::cli::{run_in_home as run, text};
use crate::support::fake_api::{FakeApi, STATIC_TOKEN, WORKSPACE_ID};

/// An order id the fake does not know (the answer is a 404; the request is what matters).
const ORDER_ID: &str = "0c0c0c0c-1111-4222-8333-444455556666";

/// A plain-HTTP forward proxy on 127.0.0.1: it records each request line (absolute-form, as a
/// client sends to a proxy) and forwards the request to its origin, one request per
/// connection.
struct Proxy {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = log.clone();
                std::thread::spawn(move || {
                    let _ = forward(stream, &log);
                });
            }
        });
        Proxy { port, seen }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn forward(client: TcpStream, log: &Mutex<Vec<String>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let request_line = request_line.trim_end().to_string();
    log.lock().unwrap().push(request_line.clone());
    let mut headers = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end().to_string();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        if !lower.starts_with("connection:") && !lower.starts_with("proxy-") {
            headers.push(line);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    // `GET http://host:port/path HTTP/1.1` -> `GET /path HTTP/1.1` to host:port.
    let mut parts = request_line.splitn(3, ' ');
    let (method, target, version) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let rest = target.strip_prefix("http://").unwrap_or(target);
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut upstream = TcpStream::connect(authority)?;
    let mut head = format!("{method} {path} {version}\r\n");
    for header in headers {
        head.push_str(&header);
        head.push_str("\r\n");
    }
    head.push_str("Connection: close\r\n\r\n");
    upstream.write_all(head.as_bytes())?;
    upstream.write_all(&body)?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer)?;
    let mut client = client;
    client.write_all(&answer)?;
    client.shutdown(std::net::Shutdown::Both)
}

fn token_env(api: &FakeApi) -> Vec<(&'static str, String)> {
    vec![
        ("UP42_API_URL", api.url()),
        ("UP42_TOKEN", STATIC_TOKEN.to_string()),
        ("UP42_WORKSPACE_ID", WORKSPACE_ID.to_string()),
    ]
}

#[test]
fn http_proxy_is_used_and_no_proxy_bypasses_it() {
    let api = FakeApi::start();
    let proxy = Proxy::start();
    let home = tempfile::tempdir().unwrap();
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY"] {
        api.clear_requests();
        let mut env = token_env(&api);
        env.push((name, proxy.url()));
        let output = run(home.path(), &["status", ORDER_ID], &env);
        let path = format!("/v2/orders/{ORDER_ID}");
        let through = proxy.seen();
        assert!(
            through
                .iter()
                .any(|line| line == &format!("GET {}{path} HTTP/1.1", api.url())),
            "{name}: the proxy saw {through:?}; {}",
            text(&output)
        );
        // The request reached the provider through the proxy, with its token.
        let reached = api.requests_to("GET", &path);
        assert_eq!(reached.len(), 1, "{name}: {}", text(&output));
        assert_eq!(
            reached[0].header("authorization"),
            Some(format!("Bearer {STATIC_TOKEN}").as_str())
        );
        proxy.seen.lock().unwrap().clear();
    }
    // NO_PROXY naming the host, or a network holding it, goes direct.
    for bypass in ["127.0.0.1", "127.0.0.0/8", "example.com, 127.0.0.1"] {
        for no_proxy in ["NO_PROXY", "no_proxy"] {
            api.clear_requests();
            let mut env = token_env(&api);
            env.push(("HTTP_PROXY", proxy.url()));
            env.push((no_proxy, bypass.to_string()));
            let output = run(home.path(), &["status", ORDER_ID], &env);
            assert_eq!(
                proxy.seen(),
                Vec::<String>::new(),
                "{no_proxy}={bypass}: {}",
                text(&output)
            );
            assert_eq!(
                api.count("GET", &format!("/v2/orders/{ORDER_ID}")),
                1,
                "{no_proxy}={bypass}: {}",
                text(&output)
            );
        }
    }
}

#[test]
fn an_unreachable_proxy_is_named_as_the_network_failure() {
    let api = FakeApi::start();
    let home = tempfile::tempdir().unwrap();
    // A port nothing listens on: bind, read the port, close.
    let dead = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut env = token_env(&api);
    env.push(("HTTP_PROXY", format!("http://127.0.0.1:{dead}")));
    let output = run(home.path(), &["status", ORDER_ID], &env);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("cannot connect"),
        "{}",
        text(&output)
    );
    assert_eq!(api.requests().len(), 0);
}
