//! The framing half of the stdio transport in front of tower-lsp-server (`transport.rs` is
//! the other half, the two tasks on stdin and stdout): it frames the client's bytes itself, answers a
//! message that cannot be framed or decoded with a JSON-RPC error, and resynchronises at the
//! next `Content-Length` header, so one bad message never ends the session.
//!
//! Why our own framing: tower-lsp-server 0.23 (like tower-lsp 0.20) reads stdin through
//! tokio-util's `FramedRead`, which returns `None` after the first decode error, and the server
//! then ends (a truncated body, a lone surrogate escape, `{"foo":1}`, a bad header); its codec
//! also buffers any `Content-Length` it is given. Here only messages the framework decodes are
//! passed on (re-framed), through an in-memory pipe; its output goes through a second
//! pipe to a writer task that also writes our error answers, one whole message at a time, so the
//! two never interleave on stdout.
//!
//! Rules (JSON-RPC 2.0, section 5.1 error codes; LSP base protocol headers):
//! - bytes that are not a header block are skipped up to the next `Content-Length`, answered
//!   once with -32700 (parse error, id null);
//! - a header block without a readable `Content-Length` gets -32700 and the same skip;
//! - a `Content-Length` above [`MAX_MESSAGE_BYTES`] is refused with -32600 (invalid request,
//!   with the request's id when the body's start names one) and its body is skipped without
//!   being held in memory;
//! - a body that is not UTF-8 or not JSON gets -32700; a lone UTF-16 surrogate escape (what
//!   `JSON.stringify` writes for half an emoji) is repaired to U+FFFD, which has the same
//!   UTF-16 length, so positions stay right; JSON that is not a JSON-RPC message gets -32600,
//!   with its id when it has one;
//! - a body that fails to decode may have been cut short and swallowed the start of the next
//!   message: its bytes are scanned again for the next `Content-Length`.

// The framer works on indices into its own buffer, each below a length it has just checked
// (`Content-Length` is parsed as a `usize`, refused above MAX_MESSAGE_BYTES, and only then
// used as a slice bound); unit tests and a random-bytes test on the real server drive it. The
// lints that hold in the rest of src/lsp would only turn those checks into `get`s here.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use serde::Deserialize;
use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Request, Response};

/// The largest message body accepted, in bytes. A 200,000-vertex order is about 8.4 MB and
/// JSON escaping at most doubles a text's size in practice; 64 MiB leaves room and keeps one
/// message from taking the machine's memory.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// A header block longer than this without its blank line is not a header block.
const MAX_HEADER_BYTES: usize = 8 << 10;

const HEADER_NAME: &[u8] = b"Content-Length";

/// JSON-RPC 2.0 error codes.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;

/// What the framer makes of the bytes read so far.
#[derive(Debug, PartialEq)]
pub enum Event {
    /// A body the framework will decode (possibly repaired), without its headers.
    Message(Vec<u8>),
    /// A JSON-RPC error response to write back.
    Reject(Value),
}

#[derive(Debug)]
enum State {
    /// Expecting a header block at the start of the buffer.
    Header,
    /// Expecting `len` body bytes.
    Body(usize),
    /// An oversized body of `len` bytes: waiting for its first bytes, which may name its id.
    Refuse(usize),
    /// Discarding an oversized body: up to `remaining` bytes, or up to the next header line at
    /// or after `from` (1 once a tail of the previous read is kept in front of the buffer).
    Skip { remaining: usize, from: usize },
}

/// How many bytes of an oversized body are awaited to find its id.
const ID_WINDOW: usize = 1024;

/// The byte-level half of the transport: push bytes in, take events out. Pure and
/// synchronous, so that it is tested without a process. Memory stays bounded by the largest
/// accepted message plus one read.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    state: State,
    max_message: usize,
    /// Set while skipping garbage, so a run of garbage gets one answer, not one per read.
    in_garbage: bool,
}

impl Default for Framer {
    fn default() -> Self {
        Framer::new(MAX_MESSAGE_BYTES)
    }
}

impl Framer {
    /// A framer refusing bodies longer than `max_message` bytes.
    pub fn new(max_message: usize) -> Self {
        Framer {
            buf: Vec::new(),
            state: State::Header,
            max_message,
            in_garbage: false,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Gives back the buffer's spare room after a large message (a 7 MB `didOpen` would
    /// otherwise keep 8 to 16 MB reserved for the whole session).
    fn release_spare(&mut self) {
        const KEEP: usize = 256 << 10;
        if self.buf.capacity() > KEEP && self.buf.len() < KEEP / 2 {
            self.buf.shrink_to(KEEP);
        }
    }

    /// The next event the buffered bytes make, or `None` until more bytes arrive.
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            match self.state {
                State::Refuse(len) => {
                    let window = len.min(ID_WINDOW);
                    if self.buf.len() < window && find_header_line(&self.buf, 0).is_none() {
                        return None;
                    }
                    let end = find_header_line(&self.buf, 0).unwrap_or(self.buf.len());
                    let id = leading_id(&self.buf[..end.min(window)]);
                    self.state = State::Skip {
                        remaining: len,
                        from: 0,
                    };
                    return Some(Event::Reject(error(
                        id,
                        INVALID_REQUEST,
                        format!(
                            "message refused: Content-Length {len} exceeds the limit of {} \
                             bytes; skipped",
                            self.max_message
                        ),
                    )));
                }
                State::Skip { remaining, from } => {
                    let take = remaining.min(self.buf.len());
                    if let Some(at) = find_header_line(&self.buf, from).filter(|&at| at < take) {
                        self.buf.drain(..at);
                        self.state = State::Header;
                        continue;
                    }
                    if take == remaining {
                        self.buf.drain(..take);
                        self.state = State::Header;
                        continue;
                    }
                    // Keep a tail: a header line may be split across reads.
                    let keep = (HEADER_NAME.len() + 1).min(take);
                    self.buf.drain(..take - keep);
                    self.state = State::Skip {
                        remaining: remaining - (take - keep),
                        from: 1,
                    };
                    return None;
                }
                State::Body(len) => {
                    if self.buf.len() < len {
                        return None;
                    }
                    let body: Vec<u8> = self.buf.drain(..len).collect();
                    self.release_spare();
                    self.state = State::Header;
                    if body.is_empty() {
                        // The framework skips an empty body too.
                        continue;
                    }
                    match decode(&body) {
                        Ok(message) => return Some(Event::Message(message)),
                        Err(reject) => {
                            // A body cut short swallows the start of the next message: scan
                            // what it holds again, as bytes between messages (silently, it was
                            // just answered).
                            // Every pass consumes a header, so this ends.
                            let mut rest = body;
                            rest.extend_from_slice(&self.buf);
                            self.buf = rest;
                            self.in_garbage = true;
                            return Some(Event::Reject(reject));
                        }
                    }
                }
                State::Header => match self.read_header() {
                    HeaderOutcome::Incomplete => return None,
                    HeaderOutcome::Length(len) => {
                        self.in_garbage = false;
                        self.state = if len > self.max_message {
                            State::Refuse(len)
                        } else {
                            State::Body(len)
                        };
                    }
                    HeaderOutcome::Garbage(message) => {
                        let answer = !self.in_garbage;
                        self.in_garbage = true;
                        if answer {
                            return Some(Event::Reject(error(Value::Null, PARSE_ERROR, message)));
                        }
                    }
                },
            }
        }
    }

    /// Reads the header block at the start of the buffer; on garbage, drops it up to the next
    /// `Content-Length` (or all but a tail that may start one).
    fn read_header(&mut self) -> HeaderOutcome {
        let mut content_length: Option<Result<usize, String>> = None;
        let mut at = 0;
        let problem = loop {
            let buf = &self.buf;
            let Some(newline) = buf[at..].iter().position(|&b| b == b'\n') else {
                if buf.len() > MAX_HEADER_BYTES || !plausible_header_start(&buf[at..]) {
                    break "bytes outside a message".to_string();
                }
                return HeaderOutcome::Incomplete;
            };
            let line = &buf[at..at + newline];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let next = at + newline + 1;
            if line.is_empty() {
                if at == 0 {
                    // A stray line break between messages: not worth an answer.
                    self.buf.drain(..next);
                    continue;
                }
                match content_length {
                    Some(Ok(len)) => {
                        self.buf.drain(..next);
                        return HeaderOutcome::Length(len);
                    }
                    Some(Err(message)) => break message,
                    None => break "header block without Content-Length".to_string(),
                }
            }
            let Some((name, value)) = split_header(line) else {
                break "bytes outside a message".to_string();
            };
            if name.eq_ignore_ascii_case(HEADER_NAME) {
                let value = String::from_utf8_lossy(value);
                content_length =
                    Some(value.trim().parse::<usize>().map_err(|_| {
                        format!("unreadable Content-Length '{}'", shorten(value.trim()))
                    }));
            }
            at = next;
            if at > MAX_HEADER_BYTES {
                break "header block too long".to_string();
            }
        };
        // Resume at the next header, after the first byte so that a bad block starting with
        // `Content-Length` is not read again.
        match find_header(&self.buf, 1) {
            Some(next) => {
                self.buf.drain(..next);
            }
            None => {
                let keep = partial_header_suffix(&self.buf);
                self.buf.drain(..self.buf.len() - keep);
            }
        }
        HeaderOutcome::Garbage(format!(
            "parse error: {problem}; skipped to the next message"
        ))
    }
}

/// The length of the longest end of `buf` that could begin a `Content-Length` name.
fn partial_header_suffix(buf: &[u8]) -> usize {
    (1..HEADER_NAME.len().min(buf.len() + 1))
        .rev()
        .find(|&n| buf[buf.len() - n..].eq_ignore_ascii_case(&HEADER_NAME[..n]))
        .unwrap_or(0)
}

enum HeaderOutcome {
    Incomplete,
    Length(usize),
    Garbage(String),
}

/// `Name: value` with a token for a name (RFC 7230 section 3.2).
fn split_header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = &line[..colon];
    let token = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
    (!name.is_empty() && name.iter().all(token)).then(|| (name, &line[colon + 1..]))
}

/// Whether an unterminated line could still become a header line (or the blank line).
fn plausible_header_start(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let token = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
    match line.iter().position(|&b| b == b':') {
        Some(colon) => colon > 0 && line[..colon].iter().all(token),
        None => line.iter().all(token),
    }
}

/// The first `Content-Length` at or after `from`.
fn find_header(buf: &[u8], from: usize) -> Option<usize> {
    if from >= buf.len() {
        return None;
    }
    buf[from..]
        .windows(HEADER_NAME.len())
        .position(|w| w.eq_ignore_ascii_case(HEADER_NAME))
        .map(|i| i + from)
}

/// The first `Content-Length: <digits>` line break at or after `from`: a shape no JSON text
/// can contain, since raw line breaks cannot occur inside its strings and the name cannot occur
/// outside them. So a skipped body is never cut at a false header.
fn find_header_line(buf: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(i) = find_header(buf, at) {
        let rest = &buf[i + HEADER_NAME.len()..];
        if let Some(rest) = rest.strip_prefix(b":") {
            let rest = &rest[rest.iter().take_while(|b| **b == b' ').count()..];
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 0 && matches!(rest.get(digits), Some(b'\r' | b'\n')) {
                return Some(i);
            }
        }
        at = i + 1;
    }
    None
}

/// Checks a body the way the framework will decode it, and explains why it cannot be.
fn decode(body: &[u8]) -> Result<Vec<u8>, Value> {
    if is_message(body) {
        return Ok(body.to_vec());
    }
    if let Err(e) = std::str::from_utf8(body) {
        return Err(error(
            Value::Null,
            PARSE_ERROR,
            format!(
                "parse error: the message is not UTF-8 (byte {})",
                e.valid_up_to()
            ),
        ));
    }
    if let Some(repaired) = repair_lone_surrogates(body) {
        if is_message(&repaired) {
            tracing::warn!("replaced lone UTF-16 surrogate escapes in a message with U+FFFD");
            return Ok(repaired);
        }
    }
    match serde_json::from_slice::<Value>(body) {
        Err(e) => Err(error(
            Value::Null,
            PARSE_ERROR,
            format!("parse error: {e} (in a message of {} bytes)", body.len()),
        )),
        Ok(value) => {
            let id = match value.get("id") {
                Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
                _ => Value::Null,
            };
            Err(error(
                id,
                INVALID_REQUEST,
                "invalid request: not a JSON-RPC 2.0 request, notification or response \
                 (needs \"jsonrpc\": \"2.0\" and a method, or a result or error with an id)",
            ))
        }
    }
}

/// Decodes as the framework does (its `Message` is this untagged pair, in this order).
fn is_message(body: &[u8]) -> bool {
    #[derive(Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Message {
        Response(Response),
        Request(Request),
    }
    serde_json::from_slice::<Message>(body).is_ok()
}

/// `\uD83D` not followed by a low surrogate (or a low one alone) becomes `\uFFFD`; `None` when
/// there is none. Escapes only occur inside strings, so every backslash starts one.
fn repair_lone_surrogates(body: &[u8]) -> Option<Vec<u8>> {
    let hex = |at: usize| -> Option<u32> {
        let digits = body.get(at..at + 4)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let unicode_escape = |at: usize| -> Option<u32> {
        (body.get(at) == Some(&b'\\') && body.get(at + 1) == Some(&b'u'))
            .then(|| hex(at + 2))
            .flatten()
    };
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(code) = unicode_escape(i) else {
            i += 2;
            continue;
        };
        let lone = match code {
            0xD800..=0xDBFF => match unicode_escape(i + 6) {
                Some(0xDC00..=0xDFFF) => {
                    i += 12;
                    continue;
                }
                _ => true,
            },
            0xDC00..=0xDFFF => true,
            _ => false,
        };
        if lone {
            let out = out.get_or_insert_with(|| Vec::with_capacity(body.len()));
            out.extend_from_slice(&body[copied..i]);
            out.extend_from_slice(b"\\uFFFD");
            copied = i + 6;
        }
        i += 6;
    }
    let mut out = out?;
    out.extend_from_slice(&body[copied..]);
    Some(out)
}

/// The top-level `"id"` of a message from the first bytes of its body, when they hold it: so
/// that the refusal of an oversized request reaches the request that waits for it.
fn leading_id(start: &[u8]) -> Value {
    let start = &start[..start.len().min(4096)];
    let text = String::from_utf8_lossy(start);
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    // The end of the message: what follows is another one.
                    return Value::Null;
                }
            }
            b'"' => {
                let end = match string_end(bytes, i) {
                    Some(end) => end,
                    None => return Value::Null,
                };
                if depth == 1 && &bytes[i..end] == b"\"id\"" {
                    let rest = text[end..].trim_start();
                    if let Some(value) = rest.strip_prefix(':') {
                        let mut stream =
                            serde_json::Deserializer::from_str(value.trim_start()).into_iter();
                        return match stream.next() {
                            Some(Ok(id @ (Value::Number(_) | Value::String(_)))) => id,
                            _ => Value::Null,
                        };
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Value::Null
}

/// The index after the closing quote of the string opening at `at`.
fn string_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn error(id: Value, code: i64, message: impl Into<String>) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message.into()}})
}

fn shorten(s: &str) -> String {
    s.chars().take(40).collect()
}

/// `body` with its `Content-Length` header.
pub(super) fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(framer: &mut Framer) -> Vec<Event> {
        std::iter::from_fn(|| framer.next_event()).collect()
    }

    fn run(input: &[u8]) -> Vec<Event> {
        let mut framer = Framer::new(1000);
        framer.push(input);
        events(&mut framer)
    }

    const PING: &str = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;

    fn codes(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .map(|e| match e {
                Event::Message(body) => String::from_utf8_lossy(body).into_owned(),
                Event::Reject(v) => format!("{} {}", v["error"]["code"], v["id"]),
            })
            .collect()
    }

    #[test]
    fn valid_messages_pass_unchanged() {
        let input = [frame(PING.as_bytes()), frame(PING.as_bytes())].concat();
        assert_eq!(codes(&run(&input)), [PING, PING]);
    }

    #[test]
    fn invalid_json_then_a_valid_message() {
        let input = [
            frame(br#"{"jsonrpc": "2.0", "id": 9, "method": "#),
            frame(PING.as_bytes()),
        ]
        .concat();
        assert_eq!(codes(&run(&input)), ["-32700 null", PING]);
    }

    #[test]
    fn json_that_is_not_a_message_gets_invalid_request_with_its_id() {
        let input = [
            frame(br#"{"foo":1}"#),
            frame(br#"{"id":7,"method":5}"#),
            frame(b"[]"),
            frame(PING.as_bytes()),
        ]
        .concat();
        assert_eq!(
            codes(&run(&input)),
            ["-32600 null", "-32600 7", "-32600 null", PING]
        );
    }

    #[test]
    fn a_lone_surrogate_is_repaired() {
        let body = r#"{"jsonrpc":"2.0","method":"x","params":{"t":"a\ud83d b \udc00 \ud83d\ude00 \\ud83d"}}"#;
        let events = run(&frame(body.as_bytes()));
        let Event::Message(repaired) = &events[0] else {
            panic!("{events:?}")
        };
        let value: Value = serde_json::from_slice(repaired).unwrap();
        assert_eq!(value["params"]["t"], "a\u{FFFD} b \u{FFFD} 😀 \\ud83d");
    }

    #[test]
    fn garbage_between_messages_is_skipped_with_one_answer() {
        let input = [
            frame(PING.as_bytes()),
            b"\x00\xffgarbage\r\n\r\nmore garbage Content-Len".to_vec(),
            frame(PING.as_bytes()),
        ]
        .concat();
        assert_eq!(codes(&run(&input)), [PING, "-32700 null", PING]);
    }

    #[test]
    fn bad_headers_are_answered() {
        let input = [
            b"Content-Length: abc\r\n\r\n".to_vec(),
            b"Content-Type: text/plain\r\n\r\n".to_vec(),
            frame(PING.as_bytes()),
        ]
        .concat();
        assert_eq!(codes(&run(&input)), ["-32700 null", PING]);
    }

    #[test]
    fn a_body_cut_short_resumes_at_the_next_header() {
        // The first message claims 100 bytes but has 20; the next message's header is inside.
        let mut input = b"Content-Length: 100\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\"".to_vec();
        input.extend(frame(PING.as_bytes()));
        input.extend(frame(PING.as_bytes()));
        input.extend(vec![b' '; 100]);
        let got = codes(&run(&input));
        assert_eq!(got[..3], ["-32700 null", PING, PING]);
    }

    #[test]
    fn an_oversized_message_is_refused_and_skipped_in_pieces() {
        let body = format!(
            r#"{{"jsonrpc":"2.0","id":42,"method":"x","params":"{}"}}"#,
            "a".repeat(5000)
        );
        let input = [frame(body.as_bytes()), frame(PING.as_bytes())].concat();
        let mut framer = Framer::new(1000);
        let mut got = Vec::new();
        for piece in input.chunks(7) {
            framer.push(piece);
            got.extend(events(&mut framer));
            assert!(framer.buf.len() < 1100, "the skipped body is held");
        }
        assert_eq!(codes(&got), ["-32600 42", PING]);
        // A lying Content-Length: the next header ends the skip.
        let input = [
            b"Content-Length: 999999999\r\n\r\n{}".to_vec(),
            frame(PING.as_bytes()),
        ]
        .concat();
        assert_eq!(codes(&run(&input)), ["-32600 null", PING]);
    }

    #[test]
    fn random_bytes_between_messages_never_lose_a_later_message() {
        // Seeded: random garbage (which never holds a header line) between valid messages, fed
        // in random pieces; every valid message after a garbage run comes through.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..2000 {
            let mut input = Vec::new();
            let mut expected = 0;
            for _ in 0..5 {
                // Arbitrary bytes, or bytes from the alphabet of headers and JSON.
                const ALPHABET: &[u8] = b" ab:{}[]\"\\\r\n0123456789Content-Length";
                let structured = next() % 2 == 0;
                let garbage: Vec<u8> = (0..next() % 200)
                    .map(|_| match structured {
                        true => ALPHABET[next() as usize % ALPHABET.len()],
                        false => next() as u8,
                    })
                    .collect();
                input.extend(&garbage);
                input.extend(frame(PING.as_bytes()));
                expected += 1;
            }
            let mut framer = Framer::new(1000);
            let mut got = Vec::new();
            let mut at = 0;
            while at < input.len() {
                let n = (1 + next() as usize % 64).min(input.len() - at);
                framer.push(&input[at..at + n]);
                at += n;
                got.extend(events(&mut framer));
            }
            let pings = got
                .iter()
                .filter(|e| matches!(e, Event::Message(b) if b == PING.as_bytes()))
                .count();
            assert_eq!(
                pings,
                expected,
                "{:?} {:?}",
                codes(&got),
                String::from_utf8_lossy(&input)
            );
        }
    }

    #[test]
    fn leading_id_reads_only_the_top_level() {
        assert_eq!(leading_id(br#"{"jsonrpc":"2.0","id":5,"method""#), json!(5));
        assert_eq!(leading_id(br#"{"params":{"id":5},"id":"a"}"#), json!("a"));
        assert_eq!(
            leading_id(br#"{"method":"x","params":{"id":5"#),
            Value::Null
        );
    }
}
