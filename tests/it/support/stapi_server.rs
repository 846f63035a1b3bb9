//! The STAPI test server: PyPI's `stapi-fastapi` (the reference implementation) with the
//! in-memory backend of `tests/stapi/server.py`, started on 127.0.0.1 for one test and
//! stopped when it is dropped. Its python comes from `TASKING_LS_STAPI_PYTHON`, which
//! `.ci/run` exports after `tests/stapi/setup.sh` made the venv: when the variable is set
//! and the server cannot start, the test fails; when it is not set, the test says loudly
//! that it did not run.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

/// The variable naming the python of the STAPI test server's venv.
pub const PYTHON_VAR: &str = "TASKING_LS_STAPI_PYTHON";

/// A running server; dropping it stops it.
pub struct StapiServer {
    child: Child,
    /// Closing it tells the server to stop.
    stdin: Option<ChildStdin>,
    pub url: String,
}

impl StapiServer {
    /// Starts the server, or `None` (with a loud message) when no python is configured.
    ///
    /// # Panics
    /// `TASKING_LS_STAPI_PYTHON` is set and the server does not come up within 60 s.
    pub fn start(test: &str) -> Option<StapiServer> {
        let Some(python) = std::env::var_os(PYTHON_VAR) else {
            eprintln!(
                "SKIPPED {test}: {PYTHON_VAR} is not set, so the STAPI server (stapi-fastapi) \
                 cannot start; run `bash tests/stapi/setup.sh` and export {PYTHON_VAR} to its \
                 output (.ci/run does)"
            );
            return None;
        };
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stapi/server.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{PYTHON_VAR}={python:?} cannot run {script:?}: {e}"));
        let stdout = child.stdout.take().expect("stdout");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = receiver
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_default();
        let Some(url) = line.trim().strip_prefix("listening ") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the STAPI server ({python:?} {script:?}) did not start: {line:?}");
        };
        Some(StapiServer {
            stdin: child.stdin.take(),
            url: url.to_string(),
            child,
        })
    }

    /// GET `path` on the server, as JSON: a plain HTTP/1.0 request over a socket, so the test
    /// looks at the server as any client would, with nothing of ours in between.
    pub fn get(&self, path: &str) -> serde_json::Value {
        use std::io::{Read, Write};
        let host = self.url.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        serde_json::from_str(body).unwrap_or_else(|e| panic!("GET {path}: {e}: {answer}"))
    }

    /// How many orders the server holds.
    pub fn order_count(&self) -> usize {
        self.get("/orders")["features"]
            .as_array()
            .map_or(0, Vec::len)
    }
}

impl Drop for StapiServer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
