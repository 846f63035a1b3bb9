//! The stdio transport in front of tower-lsp-server: two tasks. `read_client` feeds the
//! client's bytes through the framer (`framing.rs`: what is a message, what is answered with
//! an error) and passes the messages on; `write_client` copies the framework's output to stdout
//! whole message by whole message, with the framer's error answers between them, so the two
//! never interleave.

// `framed_len` slices below lengths it has just checked (see `framing.rs`).
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use super::framing::{frame, Event, Framer};

/// Reads the client's bytes from `input` and passes the messages the framework can decode to
/// `to_server`; errors go to `answers`. Returns when `input` ends (or the server stops reading).
pub async fn read_client(
    mut input: impl AsyncRead + Unpin,
    mut to_server: impl AsyncWrite + Unpin,
    answers: mpsc::UnboundedSender<Value>,
) {
    let mut framer = Framer::default();
    let mut chunk = vec![0u8; 64 << 10];
    loop {
        let n = match input.read(&mut chunk).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                tracing::error!("reading the client's messages failed: {e}");
                break;
            }
        };
        framer.push(&chunk[..n]);
        while let Some(event) = framer.next_event() {
            match event {
                Event::Message(body) => {
                    if to_server.write_all(&frame(&body)).await.is_err() {
                        return;
                    }
                }
                Event::Reject(answer) => {
                    tracing::warn!(
                        "refused a message from the client: {}",
                        answer["error"]["message"].as_str().unwrap_or_default()
                    );
                    let _ = answers.send(answer);
                }
            }
        }
        if to_server.flush().await.is_err() {
            return;
        }
    }
    let _ = to_server.shutdown().await;
}

/// Copies the framework's framed output from `from_server` to `output` message by message, and
/// writes the transport's `answers` between messages. Returns when the server's output ends.
pub async fn write_client(
    mut from_server: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
    mut answers: mpsc::UnboundedReceiver<Value>,
) {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 << 10];
    let mut answers_open = true;
    loop {
        tokio::select! {
            // The transport's answers first: they answer messages that came before whatever
            // the server is answering now, and a client may wait for them in that order.
            biased;
            answer = answers.recv(), if answers_open => {
                let Some(answer) = answer else {
                    answers_open = false;
                    continue;
                };
                let body = answer.to_string();
                if output.write_all(&frame(body.as_bytes())).await.is_err()
                    || output.flush().await.is_err()
                {
                    return;
                }
            }
            read = from_server.read(&mut chunk) => {
                let n = match read {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                buf.extend_from_slice(&chunk[..n]);
                // The framework writes `Content-Length: N\r\n\r\n` and the body; pass whole messages.
                let mut end = 0;
                while let Some(len) = framed_len(&buf[end..]) {
                    end += len;
                }
                if end > 0 {
                    if output.write_all(&buf[..end]).await.is_err() {
                        return;
                    }
                    buf.drain(..end);
                    if output.flush().await.is_err() {
                        return;
                    }
                }
            }
        }
    }
    let _ = output.write_all(&buf).await;
    let _ = output.flush().await;
}

/// The length of the whole framed message at the start of `buf`, once it is all there.
fn framed_len(buf: &[u8]) -> Option<usize> {
    let header_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let headers = std::str::from_utf8(&buf[..header_end]).ok()?;
    let len: usize = headers.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("Content-Length")
            .then(|| value.trim().parse().ok())
            .flatten()
    })?;
    (buf.len() >= header_end + len).then_some(header_end + len)
}
