//! A minimal synchronous LSP client for the provider tests: starts `tasking-ls serve` with a
//! chosen environment (the fake API's URLs and credentials), captures its stderr, answers
//! the server's requests (`window/showMessageRequest` from a queue of choices), and records
//! every notification and server request.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A guard against hangs: what should happen at once must happen within this.
pub const WAIT: Duration = Duration::from_secs(20);

pub struct Lsp {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications from the server, in order.
    pub notifications: Vec<Value>,
    /// Requests from the server: (method, params).
    pub server_requests: Vec<(String, Value)>,
    /// The titles to choose in the next `window/showMessageRequest`s (`None`: dismiss).
    pub choices: VecDeque<Option<String>>,
    /// The `taskingLs` section `workspace/configuration` answers with.
    pub configuration: Value,
    stderr: Arc<Mutex<String>>,
}

/// How to start the server.
pub struct Launch<'a> {
    pub env: Vec<(&'a str, String)>,
    pub args: Vec<String>,
    /// Advertise `window.workDoneProgress` and `workspace.codeLens.refreshSupport`.
    pub progress: bool,
}

impl Lsp {
    pub fn start(launch: Launch<'_>) -> Lsp {
        // `TASKING_LS_BIN` runs another build of the server (a shared target directory
        // can hold another branch's binary by the time the test runs).
        let binary = std::env::var("TASKING_LS_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_tasking-ls").to_string());
        let mut command = Command::new(binary);
        command.arg("-vv").arg("serve").args(&launch.args);
        for (name, _) in std::env::vars() {
            if name.starts_with("UP42_") {
                command.env_remove(&name);
            }
        }
        command.env("RUST_LOG", "debug");
        // No credentials file of the user's: a test names its own (XDG_CONFIG_HOME or
        // TASKING_LS_CREDENTIALS in `launch.env`).
        command.env_remove("TASKING_LS_CREDENTIALS").env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("tasking-ls-tests-no-config"),
        );
        for (name, value) in &launch.env {
            command.env(name, value);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tasking-ls");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let mut stderr_pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0u8; length.expect("Content-Length")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let message: Value = serde_json::from_slice(&body).expect("JSON message");
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        let mut lsp = Lsp {
            child,
            stdin,
            rx,
            next_id: 0,
            notifications: vec![],
            server_requests: vec![],
            choices: VecDeque::new(),
            configuration: json!({}),
            stderr,
        };
        let mut capabilities = json!({
            "general": {"positionEncodings": ["utf-16"]},
            "workspace": {"configuration": true},
        });
        if launch.progress {
            capabilities["window"] = json!({"workDoneProgress": true});
            capabilities["workspace"]["codeLens"] = json!({"refreshSupport": true});
        }
        lsp.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        )
        .expect("initialize");
        lsp.notify("initialized", json!({}));
        lsp
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("the server's stdin is open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message);
    }

    /// Receives one message (answering server requests); `None` on timeout.
    fn pump(&mut self, timeout: Duration) -> Option<Value> {
        let message = match self.rx.recv_timeout(timeout) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => return None,
            Err(RecvTimeoutError::Disconnected) => {
                panic!("the server exited; stderr:\n{}", self.stderr())
            }
        };
        match (message.get("id"), message.get("method")) {
            (Some(id), Some(method)) => {
                let method = method.as_str().unwrap_or_default().to_string();
                let params = message.get("params").cloned().unwrap_or(Value::Null);
                self.server_requests.push((method.clone(), params.clone()));
                let result = match method.as_str() {
                    "window/showMessageRequest" => match self.choices.pop_front().flatten() {
                        Some(title) => json!({"title": title}),
                        None => Value::Null,
                    },
                    "workspace/configuration" => json!([self.configuration.clone()]),
                    _ => Value::Null,
                };
                let id = id.clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": result}));
            }
            (None, Some(_)) => self.notifications.push(message.clone()),
            _ => {}
        }
        Some(message)
    }

    /// Sends a request and waits for its answer: `Ok(result)` or `Err(error)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message);
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(message) = self.pump(left) else {
                panic!(
                    "no answer to {method} within {WAIT:?}; stderr:\n{}",
                    self.stderr()
                );
            };
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return match message.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
                };
            }
        }
    }

    /// Sends a request without waiting for its answer; returns its id (see
    /// [`Lsp::wait_response`]).
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Pumps until the answer to request `id` arrives: `Ok(result)` or `Err(error)`.
    pub fn wait_response(&mut self, id: i64) -> Result<Value, Value> {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(message) = self.pump(left) else {
                panic!("no answer to request {id} within {WAIT:?}");
            };
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return match message.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
                };
            }
        }
    }

    /// Sends `exit` (after `shutdown` when asked), keeps answering the server until it
    /// ends, and returns its exit code (`None`: still running after `WAIT`, then killed),
    /// the notifications it sent meanwhile included.
    pub fn exit_and_wait(&mut self, shutdown: bool) -> Option<i32> {
        if shutdown {
            let _ = self.request("shutdown", Value::Null);
        }
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                // What it wrote before ending is still in the pipe.
                while let Ok(message) = self.rx.recv_timeout(Duration::from_millis(200)) {
                    if message.get("method").is_some() && message.get("id").is_none() {
                        self.notifications.push(message);
                    }
                }
                return status.code();
            }
            match self.rx.recv_timeout(Duration::from_millis(20)) {
                Ok(message) if message.get("method").is_some() && message.get("id").is_none() => {
                    self.notifications.push(message)
                }
                _ => {}
            }
        }
        let _ = self.child.kill();
        None
    }

    pub fn execute(&mut self, command: &str, arguments: Value) -> Result<Value, Value> {
        self.request(
            "workspace/executeCommand",
            json!({"command": command, "arguments": arguments}),
        )
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": text}]}),
        );
    }

    /// Pumps until `done` holds for what was received, or panics after `WAIT`.
    pub fn wait_until(&mut self, what: &str, mut done: impl FnMut(&Lsp) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !done(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!(
                    "timed out waiting for {what}; notifications: {:#?}\nstderr:\n{}",
                    self.notifications,
                    self.stderr()
                );
            }
            self.pump(left.min(Duration::from_millis(100)));
        }
    }

    /// Pumps for `duration`, answering whatever comes.
    pub fn idle(&mut self, duration: Duration) {
        let deadline = Instant::now() + duration;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            self.pump(left);
        }
    }

    /// The newest diagnostics published for `uri`.
    pub fn diagnostics(&self, uri: &str) -> Option<Vec<Value>> {
        self.notifications
            .iter()
            .rev()
            .find(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)
            .map(|n| {
                n["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
    }

    /// Waits until the newest diagnostics of `uri` satisfy `ok`, and returns them.
    pub fn wait_diagnostics(
        &mut self,
        uri: &str,
        what: &str,
        ok: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        self.wait_until(what, |lsp| lsp.diagnostics(uri).is_some_and(|d| ok(&d)));
        self.diagnostics(uri).unwrap()
    }

    /// The `window/showMessage` texts so far.
    pub fn messages(&self) -> Vec<String> {
        self.notifications
            .iter()
            .filter(|n| n["method"] == "window/showMessage")
            .map(|n| {
                n["params"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }

    /// Waits for a `window/showMessage` whose text satisfies `ok` (notifications and
    /// responses travel separately, so a command's message may follow its answer).
    pub fn wait_message(&mut self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_until(what, |lsp| lsp.messages().iter().any(|m| ok(m)));
        self.messages().into_iter().rev().find(|m| ok(m)).unwrap()
    }

    /// The messages of the server's `window/showMessageRequest`s so far.
    pub fn questions(&self) -> Vec<String> {
        self.server_requests
            .iter()
            .filter(|(m, _)| m == "window/showMessageRequest")
            .map(|(_, p)| p["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    pub fn requests_named(&self, method: &str) -> Vec<Value> {
        self.server_requests
            .iter()
            .filter(|(m, _)| m == method)
            .map(|(_, p)| p.clone())
            .collect()
    }

    /// The server's process id (to read its `/proc` status).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Shuts the server down and returns everything it wrote to stderr.
    pub fn finish(mut self) -> String {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.stdin = None;
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(50));
        self.stderr()
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `file://` URI of a path.
pub fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Asserts no secret of the fake provider appears in `text`.
pub fn assert_no_secrets(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "secret {secret:?} leaked into the server's stderr:\n{text}"
        );
    }
}

pub fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

pub fn with_code<'a>(diagnostics: &'a [Value], code: &str) -> Vec<&'a Value> {
    diagnostics.iter().filter(|d| d["code"] == code).collect()
}
