//! A small synchronous LSP client that drives the real `tasking-ls serve` binary over stdio,
//! plus the text model, `$0` markers and snippet expansion the end-to-end tests need.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long a test waits for something that should arrive at once; only a failure guard.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The position encodings the client may offer; the server answers with the one it picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    pub fn from_lsp(kind: &str) -> Encoding {
        match kind {
            "utf-8" => Encoding::Utf8,
            "utf-16" => Encoding::Utf16,
            other => panic!("unexpected position encoding {other:?}"),
        }
    }
}

/// Answers the server's requests to the client: `(method, params) -> result`.
pub type Responder = Box<dyn FnMut(&str, &Value) -> Value + Send>;

/// One `textDocument/publishDiagnostics` notification.
#[derive(Clone, Debug)]
pub struct Published {
    pub uri: String,
    pub version: Option<i64>,
    pub diagnostics: Vec<Value>,
}

impl Published {
    fn from_params(params: &Value) -> Published {
        Published {
            uri: params["uri"].as_str().unwrap_or_default().to_string(),
            version: params["version"].as_i64(),
            diagnostics: params["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// The diagnostic codes in publishing order.
    pub fn codes(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// `(code, range)` pairs, sorted, for comparisons that must not depend on order.
    pub fn code_ranges(&self) -> Vec<(String, Value)> {
        let mut pairs: Vec<(String, Value)> = self
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or_default().to_string(),
                    d["range"].clone(),
                )
            })
            .collect();
        pairs.sort_by_key(|(code, range)| (code.clone(), range.to_string()));
        pairs
    }

    pub fn with_code(&self, code: &str) -> Vec<&Value> {
        self.diagnostics
            .iter()
            .filter(|d| d["code"] == code)
            .collect()
    }
}

pub struct LspClient {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    /// Notifications received and not yet consumed by a `wait_for_*`.
    pending: VecDeque<Value>,
    /// Every diagnostics notification ever received, in arrival order.
    pub history: Vec<Published>,
    /// Every request the server sent to the client, as received.
    pub server_requests: Vec<Value>,
    /// Responses that matched no awaited request.
    pub stray: Vec<Value>,
    pub responder: Responder,
    /// The server's `initialize` result.
    pub initialize_result: Value,
    /// The negotiated position encoding (UTF-16 until `initialize` says otherwise).
    pub encoding: Encoding,
    /// Keeps `HOME` and the cache directory of the server private to this client.
    home: tempfile::TempDir,
    /// Every message in both directions, in order: `(true, m)` from the server, `(false, m)`
    /// to it (raw bytes sent with `send_raw_bytes`/`send_unframed` are not JSON, not kept).
    pub transcript: Arc<Mutex<Vec<(bool, Value)>>>,
}

/// The binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_tasking-ls")
}

/// Environment shared by the server and the `validate` runs it is compared with, so that
/// neither sees the user's cache or credentials.
fn isolate(command: &mut Command, home: &Path) {
    command
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("UP42_TOKEN")
        .env_remove("UP42_USERNAME")
        .env_remove("UP42_PASSWORD")
        .env_remove("UP42_PROJECT_ID")
        .env_remove("UP42_PROJECT_API_KEY")
        .env_remove("RUST_LOG");
}

/// The default responder: settings for `workspace/configuration`, the first action for
/// `window/showMessageRequest`, null for the rest.
pub fn default_responder(settings: Value) -> Responder {
    Box::new(move |method, params| match method {
        "workspace/configuration" => {
            let items = params["items"].as_array().map_or(1, |items| items.len());
            Value::Array(vec![settings.clone(); items])
        }
        "window/showMessageRequest" => params["actions"].get(0).cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    })
}

impl LspClient {
    /// Starts `tasking-ls serve --offline`.
    pub fn start() -> LspClient {
        LspClient::start_with(&["serve", "--offline"], &[])
    }

    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> LspClient {
        let home = tempfile::tempdir().expect("temp dir");
        let mut command = Command::new(binary());
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        isolate(&mut command, home.path());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn tasking-ls");
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let (sender, incoming) = mpsc::channel();
        let transcript: Arc<Mutex<Vec<(bool, Value)>>> = Arc::default();
        let recorded = transcript.clone();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_frame(&mut reader) {
                recorded.lock().unwrap().push((true, message.clone()));
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        thread::spawn(move || {
            let mut reader = BufReader::new(stderr);
            let mut line = String::new();
            while matches!(reader.read_line(&mut line), Ok(n) if n > 0) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        LspClient {
            stdin: child.stdin.take(),
            child,
            incoming,
            stderr: log,
            next_id: 1,
            pending: VecDeque::new(),
            history: Vec::new(),
            server_requests: Vec::new(),
            stray: Vec::new(),
            responder: default_responder(json!({})),
            initialize_result: Value::Null,
            encoding: Encoding::Utf16,
            home,
            transcript,
        }
    }

    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    fn send(&mut self, message: &Value) {
        self.transcript
            .lock()
            .unwrap()
            .push((false, message.clone()));
        let body = serde_json::to_string(message).unwrap();
        let stdin = self.stdin.as_mut().expect("stdin already closed");
        write!(stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).expect("write to server");
        stdin.flush().expect("flush to server");
    }

    /// Sends a request and returns its id without waiting for the answer.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        // A method without params (`shutdown`, `taskingLs/status`) gets none, not `null`.
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(&message);
        id
    }

    /// Sends raw JSON (for malformed messages).
    pub fn send_raw(&mut self, message: Value) {
        self.send(&message);
    }

    /// Sends `body` framed with its length, whatever it holds.
    pub fn send_raw_bytes(&mut self, body: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin already closed");
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(body).unwrap();
        stdin.flush().unwrap();
    }

    /// Sends `bytes` as they are, without a header (for garbage between messages).
    pub fn send_unframed(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin already closed");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Closes the server's input, as an editor that dies does.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the process to end (panics after the timeout) and returns its status.
    pub fn wait_for_exit(&mut self) -> std::process::ExitStatus {
        self.wait_for_exit_within(TIMEOUT)
            .unwrap_or_else(|| panic!("the server did not exit within {TIMEOUT:?}"))
    }

    /// The process's exit status if it ends within `timeout`.
    pub fn wait_for_exit_within(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Every message received and not yet consumed, plus the server's requests: what the
    /// user could see.
    pub fn seen(&self) -> Vec<Value> {
        self.pending
            .iter()
            .chain(&self.server_requests)
            .cloned()
            .collect()
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(&message);
    }

    /// Sends a request and waits for its answer: `Ok(result)` or `Err(error object)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// Waits for the response to request `id`, handling everything that arrives meanwhile.
    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self
                .next_message(deadline)
                .unwrap_or_else(|| panic!("no response to request {id} within {TIMEOUT:?}"));
            if message.get("method").is_none() && message["id"] == json!(id) {
                return match message.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
                };
            }
            self.dispatch(message);
        }
    }

    /// The next message before the deadline, or `None`; panics if the server closed stdout.
    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(wait) {
            Ok(message) => Some(message),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                panic!("the server closed its output; stderr:\n{}", self.stderr())
            }
        }
    }

    /// Answers server requests; queues notifications.
    fn dispatch(&mut self, message: Value) {
        let Some(method) = message.get("method").and_then(Value::as_str) else {
            // A response to no pending request: an error about an unreadable message, or the
            // answer to a request whose response was not awaited.
            self.stray.push(message);
            return;
        };
        let method = method.to_string();
        if let Some(id) = message.get("id") {
            let params = message.get("params").cloned().unwrap_or(Value::Null);
            let result = (self.responder)(&method, &params);
            let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
            self.server_requests.push(message.clone());
            self.send(&reply);
        } else {
            if method == "textDocument/publishDiagnostics" {
                self.history
                    .push(Published::from_params(&message["params"]));
            }
            self.pending.push_back(message);
        }
    }

    /// Processes incoming messages for `duration` (to let notifications that should not come
    /// have their chance).
    pub fn pump(&mut self, duration: Duration) {
        let deadline = Instant::now() + duration;
        while let Some(message) = self.next_message(deadline) {
            self.dispatch(message);
        }
    }

    /// The first queued notification that matches, waiting up to `timeout`; it and the
    /// notifications before it of the same method are consumed.
    pub fn wait_for_notification(
        &mut self,
        method: &str,
        mut matches: impl FnMut(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(index) = self
                .pending
                .iter()
                .position(|m| m["method"] == method && matches(&m["params"]))
            {
                let found = self.pending[index].clone();
                // Drop what this one supersedes: earlier notifications of the same method
                // about the same document (others stay for their own waits).
                let mut position = 0;
                self.pending.retain(|m| {
                    let keep = position > index
                        || m["method"] != method
                        || m["params"]["uri"] != found["params"]["uri"];
                    position += 1;
                    keep
                });
                return Some(found["params"].clone());
            }
            let message = self.next_message(deadline)?;
            self.dispatch(message);
        }
    }

    /// The first diagnostics published for `uri` whose version satisfies `version`.
    pub fn wait_for_diagnostics(
        &mut self,
        uri: &str,
        mut version: impl FnMut(Option<i64>) -> bool,
        timeout: Duration,
    ) -> Option<Published> {
        self.wait_for_notification(
            "textDocument/publishDiagnostics",
            |params| params["uri"] == uri && version(params["version"].as_i64()),
            timeout,
        )
        .map(|params| Published::from_params(&params))
    }

    /// The diagnostics of exactly `version`, or a panic after the timeout.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Published {
        self.wait_for_diagnostics(uri, |v| v == Some(version), TIMEOUT)
            .unwrap_or_else(|| {
                let versions: Vec<Option<i64>> = self
                    .history
                    .iter()
                    .filter(|p| p.uri == uri)
                    .map(|p| p.version)
                    .collect();
                panic!(
                    "no diagnostics for {uri} version {version}; versions published: {:?}; \
                     server stderr:\n{}",
                    &versions[versions.len().saturating_sub(10)..],
                    self.stderr()
                )
            })
    }

    /// `initialize` + `initialized`. `encodings` is what the client offers in
    /// `general.positionEncodings` (`None` leaves the field out).
    pub fn initialize(&mut self, encodings: Option<&[&str]>, init_options: Value) -> Value {
        self.initialize_with(encodings, init_options, json!({}))
    }

    /// Like `initialize`, with extra client capabilities merged over the defaults.
    pub fn initialize_with(
        &mut self,
        encodings: Option<&[&str]>,
        init_options: Value,
        workspace: Value,
    ) -> Value {
        let mut general = json!({});
        if let Some(encodings) = encodings {
            general["positionEncodings"] = json!(encodings);
        }
        let params = json!({
            "processId": std::process::id(),
            "rootUri": null,
            "initializationOptions": init_options,
            "capabilities": {
                "general": general,
                "workspace": workspace,
                "textDocument": {
                    "publishDiagnostics": {"versionSupport": true},
                    "completion": {"completionItem": {"snippetSupport": true}},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
                    "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {
                        "valueSet": ["quickfix", "source.fixAll", "refactor.rewrite"]
                    }}}
                },
                "window": {"workDoneProgress": true}
            }
        });
        let result = self.request("initialize", params).expect("initialize");
        if let Some(kind) = result["capabilities"]["positionEncoding"].as_str() {
            self.encoding = Encoding::from_lsp(kind);
        }
        self.initialize_result = result.clone();
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.open_version(uri, text, 1);
    }

    pub fn open_version(&mut self, uri: &str, text: &str, version: i64) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "json", "version": version, "text": text}}),
        );
    }

    /// `didChange` with content changes (`{"range", "text"}` or `{"text"}` objects).
    pub fn change(&mut self, uri: &str, version: i64, changes: Vec<Value>) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    pub fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }

    pub fn status(&mut self) -> Value {
        self.request("taskingLs/status", Value::Null)
            .expect("taskingLs/status")
    }

    /// `shutdown`, `exit`, closing the server's input as editors do, and the assertion that
    /// the process ends with status 0. (That it ends without its input closing is
    /// `lsp_robustness::exit_ends_the_process_while_its_input_stays_open`.)
    pub fn shutdown_and_exit(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Ok(Value::Null), "shutdown");
        self.notify("exit", Value::Null);
        self.stdin = None;
        let status = self.wait_for_exit();
        assert!(
            status.success(),
            "server exited with {status}; stderr:\n{}",
            self.stderr()
        );
    }

    /// Runs `tasking-ls validate --format json` on `text` saved as `<name>` in this client's
    /// private directory; the same engine as the server, so the results must agree.
    pub fn validate(&self, name: &str, text: &str) -> Vec<Value> {
        let path = self.home.path().join(name);
        std::fs::write(&path, text).unwrap();
        validate_file(&path, self.home.path())
    }
}

/// `tasking-ls validate --offline --format json PATH` → the array it prints.
pub fn validate_file(path: &Path, home: &Path) -> Vec<Value> {
    let mut command = Command::new(binary());
    command
        .args(["validate", "--offline", "--format", "json"])
        .arg(path);
    isolate(&mut command, home);
    let output = command.output().expect("run validate");
    let stdout = String::from_utf8_lossy(&output.stdout);
    match serde_json::from_str::<Value>(&stdout) {
        Ok(Value::Array(items)) => items,
        _ => panic!(
            "validate printed no JSON array (status {}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        self.stdin = None;
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// One `Content-Length` framed JSON message, or `None` at the end of the stream.
fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("the server sent invalid JSON"))
}

/// A `file://` URI in a directory that does not need to exist: the server works on the
/// text the client sends.
pub fn uri(name: &str) -> String {
    format!("file:///tmp/tasking-ls-e2e/{name}")
}

pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

// ---------------------------------------------------------------------------------------------
// Positions and the client's text model
// ---------------------------------------------------------------------------------------------

/// An LSP position as `{"line", "character"}`.
pub fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

pub fn range(start: Value, end: Value) -> Value {
    json!({"start": start, "end": end})
}

/// Removes the `$0` marker and returns the text and the marker's UTF-16 position.
pub fn cursor(text_with_marker: &str) -> (String, Value) {
    let offset = text_with_marker
        .find("$0")
        .expect("the text has no $0 marker");
    let text = text_with_marker.replacen("$0", "", 1);
    let position = TextModel::new(&text).position(offset, Encoding::Utf16);
    (text, position)
}

/// The client's copy of a document: applies LSP edits the way an editor does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextModel {
    pub text: String,
}

impl TextModel {
    pub fn new(text: &str) -> TextModel {
        TextModel {
            text: text.to_string(),
        }
    }

    /// Every character boundary of the text, its end included (byte offsets): where a
    /// random edit may start or end.
    pub fn boundaries(&self) -> Vec<usize> {
        self.text
            .char_indices()
            .map(|(i, _)| i)
            .chain([self.text.len()])
            .collect()
    }

    /// Byte offsets where each line starts; `\n`, `\r\n` and `\r` all end a line.
    fn line_starts(&self) -> Vec<usize> {
        let bytes = self.text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        starts
    }

    /// The end of line `line`'s content (before its terminator).
    fn line_end(&self, starts: &[usize], line: usize) -> usize {
        let next = starts.get(line + 1).copied().unwrap_or(self.text.len());
        let content = &self.text[starts[line]..next];
        let trimmed = content
            .strip_suffix("\r\n")
            .or_else(|| content.strip_suffix('\n'))
            .or_else(|| content.strip_suffix('\r'))
            .unwrap_or(content);
        starts[line] + trimmed.len()
    }

    /// The byte offset of an LSP position; past the end of a line means its end, past the
    /// last line means the end of the text (as the protocol asks).
    pub fn offset(&self, position: &Value, encoding: Encoding) -> usize {
        let line = position["line"].as_u64().expect("line") as usize;
        let character = position["character"].as_u64().expect("character") as usize;
        let starts = self.line_starts();
        if line >= starts.len() {
            return self.text.len();
        }
        let end = self.line_end(&starts, line);
        let mut units = 0;
        for (index, ch) in self.text[starts[line]..end].char_indices() {
            if units >= character {
                return starts[line] + index;
            }
            units += match encoding {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
            };
        }
        end
    }

    /// The LSP position of a byte offset (which must be a char boundary).
    pub fn position(&self, offset: usize, encoding: Encoding) -> Value {
        assert!(
            self.text.is_char_boundary(offset),
            "offset {offset} splits a character"
        );
        let starts = self.line_starts();
        let line = starts.partition_point(|&start| start <= offset) - 1;
        let units: usize = match encoding {
            Encoding::Utf8 => offset - starts[line],
            Encoding::Utf16 => self.text[starts[line]..offset].encode_utf16().count(),
        };
        pos(line as u32, units as u32)
    }

    pub fn range_of(&self, start: usize, end: usize, encoding: Encoding) -> Value {
        range(self.position(start, encoding), self.position(end, encoding))
    }

    /// The LSP range of the first occurrence of `needle`.
    pub fn find(&self, needle: &str, encoding: Encoding) -> Value {
        let start = self
            .text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in the text"));
        self.range_of(start, start + needle.len(), encoding)
    }

    /// The text an LSP range covers.
    pub fn slice(&self, range: &Value, encoding: Encoding) -> &str {
        let start = self.offset(&range["start"], encoding);
        let end = self.offset(&range["end"], encoding).max(start);
        &self.text[start..end]
    }

    /// Applies one content change as a server would: against the current text.
    pub fn apply_change(&mut self, change: &Value, encoding: Encoding) {
        let new_text = change["text"].as_str().expect("change text");
        match change.get("range") {
            Some(range) if !range.is_null() => {
                let start = self.offset(&range["start"], encoding);
                let end = self.offset(&range["end"], encoding).max(start);
                self.text.replace_range(start..end, new_text);
            }
            _ => self.text = new_text.to_string(),
        }
    }

    /// Applies a `TextEdit[]` whose ranges all refer to the text before any of them (LSP
    /// semantics); edits at the same position apply in array order.
    pub fn apply_edits(&mut self, edits: &[Value], encoding: Encoding) {
        let mut resolved: Vec<(usize, usize, usize, String)> = edits
            .iter()
            .enumerate()
            .map(|(index, edit)| {
                let start = self.offset(&edit["range"]["start"], encoding);
                let end = self.offset(&edit["range"]["end"], encoding);
                assert!(end >= start, "edit with end before start: {edit}");
                let text = edit["newText"].as_str().expect("newText").to_string();
                (start, end, index, text)
            })
            .collect();
        resolved.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.cmp(&a.2)));
        for pair in resolved.windows(2) {
            assert!(
                pair[1].1 <= pair[0].0,
                "overlapping edits in one TextEdit[]: {edits:?}"
            );
        }
        for (start, end, _, text) in resolved {
            self.text.replace_range(start..end, &text);
        }
    }

    /// The edits of a `WorkspaceEdit` for `uri` (`changes` or `documentChanges`).
    pub fn workspace_edits(edit: &Value, uri: &str) -> Vec<Value> {
        if let Some(edits) = edit["changes"][uri].as_array() {
            return edits.clone();
        }
        edit["documentChanges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|change| change["textDocument"]["uri"] == uri)
            .flat_map(|change| change["edits"].as_array().cloned().unwrap_or_default())
            .collect()
    }

    /// Applies a completion item: its `textEdit` (plain or insert/replace, snippet expanded)
    /// and its `additionalTextEdits`; items without a `textEdit` insert at `at`.
    pub fn apply_completion(&mut self, item: &Value, at: &Value, encoding: Encoding) {
        let snippet = item["insertTextFormat"] == 2;
        let expand = |text: &str| {
            if snippet {
                expand_snippet(text)
            } else {
                text.to_string()
            }
        };
        let mut edits = Vec::new();
        let edit = &item["textEdit"];
        if edit.is_object() {
            let range = edit
                .get("range")
                .or_else(|| edit.get("replace"))
                .expect("textEdit without a range")
                .clone();
            let text = expand(edit["newText"].as_str().expect("newText"));
            edits.push(json!({"range": range, "newText": text}));
        } else {
            let text = item["insertText"]
                .as_str()
                .or_else(|| item["label"].as_str())
                .expect("item text");
            edits.push(json!({"range": range(at.clone(), at.clone()), "newText": expand(text)}));
        }
        if let Some(more) = item["additionalTextEdits"].as_array() {
            edits.extend(more.iter().cloned());
        }
        self.apply_edits(&edits, encoding);
    }
}

/// A snippet's text as inserted with every placeholder at its default: `${1:x}` → `x`,
/// `${1|a,b|}` → `a`, `$1` → ``, `\$` → `$`.
pub fn expand_snippet(snippet: &str) -> String {
    let mut out = String::new();
    let mut chars = snippet.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                    chars.next();
                }
                let mut inner = String::new();
                let mut depth = 1;
                for c in chars.by_ref() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    inner.push(c);
                }
                if let Some(default) = inner.strip_prefix(':') {
                    out.push_str(&expand_snippet(default));
                } else if let Some(choices) = inner.strip_prefix('|') {
                    let first = choices
                        .trim_end_matches('|')
                        .split(',')
                        .next()
                        .unwrap_or("");
                    out.push_str(first);
                }
            }
            '$' if chars.peek().is_some_and(|c| c.is_ascii_digit()) => {
                while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                    chars.next();
                }
            }
            _ => out.push(ch),
        }
    }
    out
}

/// The items of a completion response (`null`, an array, or a `CompletionList`).
pub fn completion_items(response: &Value) -> Vec<Value> {
    match response {
        Value::Array(items) => items.clone(),
        Value::Object(list) => list
            .get("items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

pub fn labels(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["label"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A hover's contents as one string, whatever shape they come in.
pub fn hover_text(hover: &Value) -> String {
    fn text(contents: &Value) -> String {
        match contents {
            Value::String(s) => s.clone(),
            Value::Array(parts) => parts.iter().map(text).collect::<Vec<_>>().join("\n"),
            Value::Object(o) => o
                .get("value")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        }
    }
    text(&hover["contents"])
}

/// A tiny seeded PRNG (xorshift64*), so random tests are reproducible.
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> XorShift {
        XorShift(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/// The seed's valid order request.
pub const SEED: &str =
    include_str!("../../../examples/pleiades_analytic_mono_tasking_request.json");
/// The seed with its usual mistakes.
pub const BROKEN: &str =
    include_str!("../../../examples/invalid/pleiades_analytic_broken_tasking_request.json");
/// A request in the current envelope (`featureCollection`, `tags`).
pub const SAR: &str = include_str!("../../../examples/sar_spot_tasking_request.json");
pub const PRODUCT: &str = "bd102407-1814-4f92-8b5a-7697b7a73f5a";

/// The seed with its acquisition window moved to 2099, so that no fixture grows a
/// `dates.past` warning as the calendar moves on.
pub fn seed() -> String {
    SEED.replace("2027-", "2099-")
}

/// `seed()` with one substring replaced; panics if it is absent, so a fixture cannot silently
/// stop testing anything.
pub fn seed_with(from: &str, to: &str) -> String {
    let seed = seed();
    assert!(seed.contains(from), "fixture text {from:?} not in the seed");
    seed.replacen(from, to, 1)
}

/// A started and initialized server that offers no position encoding (so UTF-16).
pub fn started() -> LspClient {
    let mut client = LspClient::start();
    client.initialize(None, json!({}));
    client
}

/// Diagnostics as `(code, range, severity, message)`, sorted: the shape both the server's
/// publish and `validate --format json` can be reduced to.
pub fn normalize_published(diagnostics: &[Value]) -> Vec<(String, Value, String, String)> {
    let mut out: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let severity = match d["severity"].as_i64() {
                Some(1) => "error",
                Some(2) => "warning",
                Some(3) => "information",
                Some(4) => "hint",
                _ => "none",
            };
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["range"].clone(),
                severity.to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort_by_key(|d| (d.1.to_string(), d.0.clone(), d.3.clone()));
    out
}

pub fn normalize_validated(items: &[Value]) -> Vec<(String, Value, String, String)> {
    let mut out: Vec<_> = items
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["range"].clone(),
                d["severity"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort_by_key(|d| (d.1.to_string(), d.0.clone(), d.3.clone()));
    out
}
