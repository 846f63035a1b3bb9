//! The error-tolerant JSON parser: it never fails, reports every syntax error it finds and
//! recovers, so completion and hover work on half-typed documents.
//!
//! A byte-level lexer feeds a recursive-descent parser with two tokens of lookahead. Recursion
//! is capped at [`MAX_DEPTH`] containers; anything deeper is skipped without recursing, so no
//! input can overflow the stack (nor the recursive `Drop` of the tree).
//!
//! Where errors go: a missing piece (`,`, `:`, a value) is reported as an empty range where it
//! should be inserted, right after the previous token, like rust-analyzer does; a token that does
//! not belong is reported at its own range, with the token quoted in the message.

use super::tree::{
    Items, Key, Member, Node, NodeKind, NumberPair, ParsedJson, SyntaxError, TextRange,
};

/// Containers nested deeper than this are reported and skipped. serde_json, which the checks
/// use on the same text, refuses more than 128 levels too.
pub const MAX_DEPTH: usize = 128;

/// The message of a comment's error; the lookups use it to find comments again.
pub(crate) const COMMENT_MESSAGE: &str = "comments are not allowed in JSON";
pub(crate) const UNTERMINATED_COMMENT_MESSAGE: &str = "unterminated comment";

/// The message of the error a leading byte order mark gets; the checks attach its fix by it.
/// The error of a raw line break inside a string (RFC 8259 §7: control characters must be
/// escaped); `check::syntax` offers the fix writing it as `\n`.
pub const LINE_BREAK_IN_STRING_MESSAGE: &str =
    "line break inside a string: JSON strings cannot span lines (RFC 8259 §7); write it as \\n";

pub const BOM_MESSAGE: &str = "the file starts with a byte order mark (U+FEFF), which JSON forbids (RFC 8259 §8.1); remove it";

/// Parses `text`: every node with its span, and every syntax error (sorted by range). Never
/// fails. A document that is clean JSON takes the strict fast path ([`parse_clean`]); the
/// first thing that is not sends the whole text through the tolerant parser, which gives the
/// same tree for a clean text (the property tests check both ways), so the fast path changes
/// no result, only the time (issue 27: half the cost of `validate` was this parse).
pub fn parse(text: &str) -> ParsedJson {
    parse_clean(text).unwrap_or_else(|| parse_tolerant(text))
}

/// The tolerant parser alone (what [`parse`] falls back to): recovers from every error.
pub(crate) fn parse_tolerant(text: &str) -> ParsedJson {
    let mut parser = Parser::new(text);
    // One error for a UTF-8 byte order mark, and the rest parsed as if it were not there:
    // editors on Windows add it, and it hides nothing else.
    if text.starts_with('\u{feff}') {
        let bom = '\u{feff}'.len_utf8();
        parser.error(TextRange::new(0, bom), BOM_MESSAGE);
        parser.pos = bom;
        parser.prev_end = bom;
    }
    let root = parser.parse_root();
    let mut errors = parser.errors;
    // Stable, so when two errors share a range the first one found (the more specific) stays.
    errors.sort_by_key(|e| (e.range.start, e.range.end));
    errors.dedup_by_key(|e| e.range);
    ParsedJson { root, errors }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Comma,
    /// A string, terminated or not.
    Str,
    /// A run of anything else: numbers, literals, bare words.
    Word,
    Eof,
}

/// A token is small and `Copy`: a string's value is read from the text only when a node needs
/// it, so the lexer never allocates.
#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    range: TextRange,
    /// A `Str` with escapes, whose value must be decoded rather than sliced.
    escaped: bool,
}

impl Token {
    fn starts_value(&self) -> bool {
        matches!(
            self.kind,
            Kind::LBrace | Kind::LBracket | Kind::Str | Kind::Word
        )
    }
}

/// What an object or array expects next, to word the error when something else comes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Right after the opening bracket.
    First,
    /// After a comma.
    Next,
    /// After a member or item.
    CommaOrClose,
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    /// Lexer position: everything before it has been turned into tokens.
    pos: usize,
    /// The next token and the one after it, once lexed (two tokens of lookahead).
    next: Option<Token>,
    after_next: Option<Token>,
    errors: Vec<SyntaxError>,
    /// The opening brackets of the containers being parsed, to tell a mismatched closing bracket
    /// that ends an enclosing container from a stray one.
    open: Vec<u8>,
    /// End of the last token taken, where a missing separator is reported.
    prev_end: usize,
    /// Set while a string is decoded a second time, so its errors are not reported twice.
    quiet: bool,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            next: None,
            after_next: None,
            errors: Vec::new(),
            open: Vec::new(),
            prev_end: 0,
            quiet: false,
        }
    }

    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        if self.quiet {
            return;
        }
        self.errors.push(SyntaxError {
            range,
            message: message.into(),
        });
    }

    // ---- tokens ----

    fn peek(&mut self) -> &Token {
        if self.next.is_none() {
            self.next = Some(self.lex());
        }
        self.next.as_ref().expect("just lexed")
    }

    /// The next token, which the caller has peeked.
    fn peeked(&self) -> &Token {
        self.next.as_ref().expect("peeked")
    }

    fn peek_kind(&mut self) -> Kind {
        self.peek().kind
    }

    /// The kind of the token after the next one.
    fn peek2_kind(&mut self) -> Kind {
        self.peek();
        if self.after_next.is_none() {
            self.after_next = Some(self.lex());
        }
        self.after_next.as_ref().expect("just lexed").kind
    }

    fn bump(&mut self) -> Token {
        let token = match self.next.take() {
            Some(token) => token,
            None => self.lex(),
        };
        self.next = self.after_next.take();
        if token.kind != Kind::Eof {
            self.prev_end = token.range.end as usize;
        }
        token
    }

    /// How a token is named in a message: quoted and cut short.
    fn describe(&self, token: &Token) -> String {
        if token.kind == Kind::Eof {
            return "end of file".to_string();
        }
        format!("'{}'", shorten(&self.text[token.range.as_range()]))
    }

    #[inline(always)]
    fn lex(&mut self) -> Token {
        let bytes = self.bytes;
        loop {
            self.pos = skip_whitespace(bytes, self.pos);
            let start = self.pos;
            let Some(&b) = bytes.get(start) else {
                return Token {
                    kind: Kind::Eof,
                    range: TextRange::empty(start),
                    escaped: false,
                };
            };
            let single = |kind| Token {
                kind,
                range: TextRange::new(start, start + 1),
                escaped: false,
            };
            let token = match b {
                b'{' => single(Kind::LBrace),
                b'}' => single(Kind::RBrace),
                b'[' => single(Kind::LBracket),
                b']' => single(Kind::RBracket),
                b':' => single(Kind::Colon),
                b',' => single(Kind::Comma),
                b'"' => return self.lex_string(),
                b'/' if matches!(bytes.get(start + 1), Some(b'/' | b'*')) => {
                    self.skip_comment();
                    continue;
                }
                _ => {
                    let mut end = start + 1;
                    while end < bytes.len() && !ends_word(bytes, end) {
                        end += 1;
                    }
                    // Words end on ASCII bytes, so `end` is a character boundary.
                    self.pos = end;
                    return Token {
                        kind: Kind::Word,
                        range: TextRange::new(start, end),
                        escaped: false,
                    };
                }
            };
            self.pos += 1;
            return token;
        }
    }

    fn skip_comment(&mut self) {
        let bytes = self.bytes;
        let start = self.pos;
        if bytes[start + 1] == b'/' {
            let mut end = start + 2;
            while end < bytes.len() && !matches!(bytes[end], b'\n' | b'\r') {
                end += 1;
            }
            self.pos = end;
            self.error(TextRange::new(start, end), COMMENT_MESSAGE);
        } else {
            match find(&bytes[start + 2..], b"*/") {
                Some(i) => {
                    self.pos = start + 2 + i + 2;
                    self.error(TextRange::new(start, self.pos), COMMENT_MESSAGE);
                }
                None => {
                    self.pos = bytes.len();
                    self.error(
                        TextRange::new(start, self.pos),
                        UNTERMINATED_COMMENT_MESSAGE,
                    );
                }
            }
        }
    }

    /// A string from its opening quote to its closing quote, or to the end of its line when
    /// unterminated (a JSON string cannot span lines, and stopping there keeps the next lines
    /// parseable while the user types).
    fn lex_string(&mut self) -> Token {
        let start = self.pos;
        let (end, decoded) = self.scan_string(start);
        self.pos = end;
        Token {
            kind: Kind::Str,
            range: TextRange::new(start, end),
            escaped: decoded.is_some(),
        }
    }

    /// Scans the string starting at `start` and reports its errors; returns its end, and its
    /// decoded value when it has escapes (else the value is the text between the quotes).
    fn scan_string(&mut self, start: usize) -> (usize, Option<String>) {
        let bytes = self.bytes;
        let mut i = start + 1;
        let mut decoded: Option<String> = None;
        let mut segment = i;
        let terminated = loop {
            // The common case: a run of ordinary bytes.
            while i < bytes.len() && !matches!(bytes[i], b'"' | b'\\' | 0..=0x1f) {
                i += 1;
            }
            let Some(&b) = bytes.get(i) else { break false };
            match b {
                b'"' => break true,
                b'\n' | b'\r' => match self.string_goes_on_after_line_break(i) {
                    // A line break typed into a value (`"My⏎ order",`): one error at the
                    // break, and the string goes on, so the next line does not cascade
                    // into bogus keys and missing commas.
                    Some(next) => {
                        self.error(TextRange::new(i, next), LINE_BREAK_IN_STRING_MESSAGE);
                        i = next;
                    }
                    None => break false,
                },
                b'\\' => {
                    let value = decoded.get_or_insert_with(String::new);
                    value.push_str(&self.text[segment..i]);
                    i = self.lex_escape(i, value);
                    segment = i;
                }
                _ => {
                    self.error(
                        TextRange::new(i, i + 1),
                        format!("unescaped control character U+{b:04X} in string"),
                    );
                    i += 1;
                }
            }
        };
        if let Some(value) = &mut decoded {
            value.push_str(&self.text[segment..i]);
        }
        if terminated {
            i += 1;
        } else {
            self.error(TextRange::new(start, i), "unterminated string");
        }
        (i, decoded)
    }

    /// Where the string resumes when the line break at `at` sits inside it: the next line
    /// holds a closing quote (no other quote before it) followed by `,` `}` `]` `:` or the end
    /// of that line. Otherwise `None` (a string being typed: it ends at the line's end).
    fn string_goes_on_after_line_break(&self, at: usize) -> Option<usize> {
        let bytes = self.bytes;
        let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            at + 2
        } else {
            at + 1
        };
        let mut i = next;
        while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n' | b'\r') {
            // An escaped quote does not close the string.
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        if bytes.get(i) != Some(&b'"') {
            return None;
        }
        let mut after = i + 1;
        while matches!(bytes.get(after), Some(b' ' | b'\t')) {
            after += 1;
        }
        match bytes.get(after) {
            None | Some(b',' | b'}' | b']' | b':' | b'\n' | b'\r') => Some(next),
            _ => None,
        }
    }

    /// The value of a `Str` token.
    fn string_value(&mut self, token: Token) -> String {
        let range = token.range.as_range();
        if token.escaped {
            // Scan again to decode; its errors were reported when it was lexed.
            self.quiet = true;
            let (_, decoded) = self.scan_string(range.start);
            self.quiet = false;
            return decoded.unwrap_or_default();
        }
        // Without escapes, a string ending with a quote is terminated by it.
        let raw = &self.text[range.start + 1..range.end];
        raw.strip_suffix('"').unwrap_or(raw).to_string()
    }

    /// Decodes the escape at `at` (a backslash) into `value`; returns where the string goes on.
    fn lex_escape(&mut self, at: usize, value: &mut String) -> usize {
        let bytes = self.bytes;
        let Some(&c) = bytes.get(at + 1) else {
            return at + 1;
        };
        let simple = match c {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            _ => None,
        };
        if let Some(ch) = simple {
            value.push(ch);
            return at + 2;
        }
        if c == b'u' {
            return self.lex_unicode_escape(at, value);
        }
        if matches!(c, b'\n' | b'\r') {
            // The line ends the (unterminated) string; the backslash alone is the invalid part.
            self.error(
                TextRange::new(at, at + 1),
                "invalid escape '\\' at the end of the line",
            );
            return at + 1;
        }
        let ch = self.text[at + 1..].chars().next().unwrap_or('\\');
        let end = at + 1 + ch.len_utf8();
        self.error(TextRange::new(at, end), format!("invalid escape '\\{ch}'"));
        // Keep the character: the decoded text then reads as the user meant it.
        value.push(ch);
        end
    }

    fn lex_unicode_escape(&mut self, at: usize, value: &mut String) -> usize {
        let (code, end) = match hex4(self.bytes, at + 2) {
            Ok(code) => (code, at + 6),
            Err(end) => {
                let range = TextRange::new(at, end);
                self.error(
                    range,
                    format!("invalid unicode escape '{}'", &self.text[range.as_range()]),
                );
                value.push(char::REPLACEMENT_CHARACTER);
                return end;
            }
        };
        if (0xD800..0xDC00).contains(&code) {
            // A high surrogate must be followed by a low one: together they make one character.
            if self.bytes.get(end) == Some(&b'\\') && self.bytes.get(end + 1) == Some(&b'u') {
                if let Ok(low @ 0xDC00..0xE000) = hex4(self.bytes, end + 2) {
                    let ch = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    value.push(char::from_u32(ch).unwrap_or(char::REPLACEMENT_CHARACTER));
                    return end + 6;
                }
            }
        }
        match char::from_u32(code) {
            Some(ch) => value.push(ch),
            None => {
                let range = TextRange::new(at, end);
                self.error(
                    range,
                    format!("unpaired surrogate '{}'", &self.text[range.as_range()]),
                );
                value.push(char::REPLACEMENT_CHARACTER);
            }
        }
        end
    }

    // ---- values ----

    fn parse_root(&mut self) -> Option<Node> {
        let mut junk = false;
        let root = loop {
            let token = self.peek();
            if token.starts_value() {
                break Some(self.parse_value());
            }
            if token.kind == Kind::Eof {
                let at = TextRange::empty(self.text.len());
                let message = if junk {
                    "expected a JSON value, found end of file"
                } else {
                    "empty document: expected a JSON value"
                };
                self.error(at, message);
                break None;
            }
            let token = self.bump();
            let message = format!("unexpected {}", self.describe(&token));
            self.error(token.range, message);
            junk = true;
        };
        loop {
            let token = self.bump();
            match token.kind {
                Kind::Eof => break,
                Kind::RBrace | Kind::RBracket => {
                    let message = format!("unexpected {}", self.describe(&token));
                    self.error(token.range, message);
                }
                _ => {
                    // One error for the whole tail: it is most likely a second document or a
                    // paste, and one error per token would drown the real one.
                    let end = self.text.trim_end().len().max(token.range.end as usize);
                    self.error(
                        TextRange::new(token.range.start as usize, end),
                        "unexpected text after the JSON value",
                    );
                    break;
                }
            }
        }
        root
    }

    /// Parses the value the next token starts (the caller checked `starts_value`).
    fn parse_value(&mut self) -> Node {
        let token = self.bump();
        match token.kind {
            Kind::LBrace | Kind::LBracket if self.open.len() >= MAX_DEPTH => {
                self.skip_nested(token)
            }
            Kind::LBrace => self.parse_object(token),
            Kind::LBracket => self.parse_array(token),
            Kind::Str => Node {
                range: token.range,
                kind: NodeKind::String(self.string_value(token)),
            },
            _ => self.parse_word(token.range),
        }
    }

    /// Skips a container nested too deep, without recursion.
    fn skip_nested(&mut self, open: Token) -> Node {
        self.error(
            open.range,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        );
        let mut depth = 1usize;
        let mut end = open.range.end as usize;
        while depth > 0 {
            let token = self.bump();
            match token.kind {
                Kind::Eof => break,
                Kind::LBrace | Kind::LBracket => depth += 1,
                Kind::RBrace | Kind::RBracket => depth -= 1,
                _ => {}
            }
            end = token.range.end as usize;
        }
        Node {
            range: TextRange::new(open.range.start as usize, end),
            kind: NodeKind::Error,
        }
    }

    /// True when `close` closes a container around the one being parsed.
    fn closes_enclosing(&self, close: Kind) -> bool {
        let open = if close == Kind::RBrace { b'{' } else { b'[' };
        self.open[..self.open.len().saturating_sub(1)].contains(&open)
    }

    fn parse_object(&mut self, open: Token) -> Node {
        self.open.push(b'{');
        let start = open.range.start as usize;
        let mut members: Vec<Member> = Vec::new();
        let mut expect = Expect::First;
        let mut pending_comma: Option<TextRange> = None;
        let end = loop {
            let token = self.peek();
            let kind = token.kind;
            let range = token.range;
            let wanted = match expect {
                Expect::First => "expected a key or '}'",
                Expect::Next => "expected a key",
                Expect::CommaOrClose => "expected ',' or '}' after member",
            };
            match kind {
                Kind::RBrace => {
                    if let Some(comma) = pending_comma {
                        self.error(comma, "trailing comma");
                    }
                    self.bump();
                    break range.end as usize;
                }
                Kind::Eof | Kind::RBracket if kind == Kind::Eof || self.closes_enclosing(kind) => {
                    let message = format!("{wanted}, found {}", self.describe(self.peeked()));
                    self.error(range, message);
                    self.error(open.range, "unclosed '{'");
                    break if kind == Kind::Eof {
                        self.text.len()
                    } else {
                        range.start as usize
                    };
                }
                Kind::Comma => {
                    let token = self.bump();
                    match expect {
                        Expect::CommaOrClose => {
                            pending_comma = Some(token.range);
                            expect = Expect::Next;
                        }
                        Expect::Next => self.error(token.range, "extra comma"),
                        Expect::First => {
                            self.error(token.range, "expected a key or '}', found ','")
                        }
                    }
                }
                Kind::Str | Kind::Word => {
                    let mut bare_key_reported = false;
                    if expect == Expect::CommaOrClose {
                        if kind == Kind::Str {
                            self.error(
                                TextRange::empty(self.prev_end),
                                "expected ',' between members",
                            );
                        } else {
                            let message =
                                format!("{wanted}, found {}", self.describe(self.peeked()));
                            self.error(range, message);
                            bare_key_reported = true;
                        }
                    }
                    let member = self.parse_member(bare_key_reported);
                    members.push(member);
                    pending_comma = None;
                    expect = Expect::CommaOrClose;
                }
                Kind::LBrace | Kind::LBracket => {
                    // A value where a key belongs: parse it so the brackets stay balanced, then
                    // drop it, since it has no name to be found by.
                    let message = format!("{wanted}, found {}", self.describe(self.peeked()));
                    self.error(range, message);
                    self.parse_value();
                    expect = Expect::CommaOrClose;
                }
                _ => {
                    // A stray ':' or a closing bracket that closes nothing here.
                    let token = self.bump();
                    let message = if kind == Kind::Colon && expect == Expect::CommaOrClose {
                        format!("{wanted}, found ':'")
                    } else {
                        format!("unexpected {}", self.describe(&token))
                    };
                    self.error(token.range, message);
                }
            }
        };
        self.open.pop();
        Node {
            range: TextRange::new(start, end),
            kind: NodeKind::Object(members),
        }
    }

    /// A member from its key (the next token, a string or a bare word).
    fn parse_member(&mut self, bare_key_reported: bool) -> Member {
        let key_token = self.bump();
        let name = if key_token.kind == Kind::Str {
            self.string_value(key_token)
        } else {
            let word = &self.text[key_token.range.as_range()];
            if !bare_key_reported {
                self.error(
                    key_token.range,
                    format!(
                        "keys must be strings in double quotes, found '{}'",
                        shorten(word)
                    ),
                );
            }
            word.to_string()
        };
        let key = Key {
            name,
            range: key_token.range,
        };
        let mut member = Member {
            range: key.range,
            key,
            colon: None,
            value: None,
        };
        let key_end = member.key.range.end as usize;

        match self.peek_kind() {
            Kind::Colon => {
                let colon = self.bump();
                member.colon = Some(colon.range.start);
                member.range.end = colon.range.end;
                member.value = self.parse_member_value(colon.range.end as usize);
            }
            Kind::Str | Kind::Word if self.peek2_kind() == Kind::Colon => {
                // `"a" "b": 1`: the next token is the next member's key, not this one's value.
                self.error(TextRange::empty(key_end), "expected ':' after key");
            }
            Kind::Str | Kind::Word | Kind::LBrace | Kind::LBracket => {
                self.error(TextRange::empty(key_end), "expected ':' after key");
                member.value = Some(self.parse_value());
            }
            _ => self.error(TextRange::empty(key_end), "expected ':' after key"),
        }
        if let Some(value) = &member.value {
            member.range.end = value.range.end;
        }
        member
    }

    /// The value after a member's colon, or `None` (reported) when it is missing.
    fn parse_member_value(&mut self, colon_end: usize) -> Option<Node> {
        loop {
            let kind = self.peek_kind();
            match kind {
                Kind::Colon => {
                    let token = self.bump();
                    self.error(token.range, "unexpected ':'");
                }
                // `"a": \n "b": 1`: the value is missing and the next member starts.
                Kind::Str | Kind::Word if self.peek2_kind() == Kind::Colon => break,
                Kind::Str | Kind::Word | Kind::LBrace | Kind::LBracket => {
                    return Some(self.parse_value())
                }
                _ => break,
            }
        }
        self.error(TextRange::empty(colon_end), "expected a value after ':'");
        None
    }

    fn parse_array(&mut self, open: Token) -> Node {
        self.open.push(b'[');
        let start = open.range.start as usize;
        let mut items = Vec::new();
        let mut expect = Expect::First;
        let mut pending_comma: Option<TextRange> = None;
        let end = loop {
            let token = self.peek();
            let kind = token.kind;
            let range = token.range;
            let wanted = match expect {
                Expect::First => "expected a value or ']'",
                Expect::Next => "expected a value",
                Expect::CommaOrClose => "expected ',' or ']' after item",
            };
            match kind {
                Kind::RBracket => {
                    if let Some(comma) = pending_comma {
                        self.error(comma, "trailing comma");
                    }
                    self.bump();
                    break range.end as usize;
                }
                Kind::Eof | Kind::RBrace if kind == Kind::Eof || self.closes_enclosing(kind) => {
                    let message = format!("{wanted}, found {}", self.describe(self.peeked()));
                    self.error(range, message);
                    self.error(open.range, "unclosed '['");
                    break if kind == Kind::Eof {
                        self.text.len()
                    } else {
                        range.start as usize
                    };
                }
                Kind::Comma => {
                    let token = self.bump();
                    match expect {
                        Expect::CommaOrClose => {
                            pending_comma = Some(token.range);
                            expect = Expect::Next;
                        }
                        Expect::Next => self.error(token.range, "extra comma"),
                        Expect::First => {
                            self.error(token.range, "expected a value or ']', found ','")
                        }
                    }
                }
                Kind::Str | Kind::Word | Kind::LBrace | Kind::LBracket => {
                    if expect == Expect::CommaOrClose {
                        self.error(
                            TextRange::empty(self.prev_end),
                            "expected ',' between items",
                        );
                    }
                    items.push(self.parse_value());
                    pending_comma = None;
                    expect = Expect::CommaOrClose;
                }
                _ => {
                    let token = self.bump();
                    let message = if kind == Kind::Colon {
                        format!("{wanted}, found ':'")
                    } else {
                        format!("unexpected {}", self.describe(&token))
                    };
                    self.error(token.range, message);
                }
            }
        };
        self.open.pop();
        Node {
            range: TextRange::new(start, end),
            kind: NodeKind::Array(Items::from_nodes(start as u32, items)),
        }
    }

    /// A number, a literal, or a bare word (an error).
    fn parse_word(&mut self, range: TextRange) -> Node {
        let word = &self.text[range.as_range()];
        let kind = match word {
            "true" => NodeKind::Bool(true),
            "false" => NodeKind::Bool(false),
            "null" => NodeKind::Null,
            _ if word.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) => {
                match parse_number(word) {
                    Ok(number) => NodeKind::Number(number),
                    Err((message, number)) => {
                        self.error(range, message);
                        number.map_or(NodeKind::Error, NodeKind::Number)
                    }
                }
            }
            _ => {
                let lower = word.to_ascii_lowercase();
                let message = if ["true", "false", "null"]
                    .iter()
                    .any(|l| l.starts_with(&lower))
                {
                    format!(
                        "invalid literal '{}': expected true, false or null",
                        shorten(word)
                    )
                } else {
                    format!(
                        "invalid value '{}': strings must be in double quotes",
                        shorten(word)
                    )
                };
                self.error(range, message);
                NodeKind::Error
            }
        };
        Node { range, kind }
    }
}

/// True when the byte at `i` ends a word: whitespace, structure, a quote or a comment.
fn ends_word(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'}' | b'[' | b']' | b':' | b',' | b'"' => true,
        b'/' => matches!(bytes.get(i + 1), Some(b'/' | b'*')),
        _ => false,
    }
}

/// Four hex digits at `at`, or the end of the bad escape when they are not.
fn hex4(bytes: &[u8], at: usize) -> Result<u32, usize> {
    let mut code = 0;
    for i in at..at + 4 {
        let digit = match bytes.get(i) {
            Some(&b) => (b as char).to_digit(16),
            None => None,
        };
        match digit {
            Some(d) => code = code * 16 + d,
            None => return Err(i),
        }
    }
    Ok(code)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Cuts long tokens in messages, on a character boundary.
fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// A number token: `Ok` when it is valid JSON; otherwise the error message and, when the text is
/// still a readable number (`+1`, `.5`, `01`), its value so the checks can use it.
fn parse_number(word: &str) -> Result<serde_json::Number, (String, Option<serde_json::Number>)> {
    let b = word.as_bytes();
    match json_number_shape(b) {
        Ok(is_integer) => convert_number(word, is_integer)
            .ok_or_else(|| (format!("number out of range '{}'", shorten(word)), None)),
        Err(()) => {
            let invalid = format!("invalid number '{}'", shorten(word));
            if !b
                .iter()
                .all(|c| matches!(c, b'0'..=b'9' | b'+' | b'-' | b'.' | b'e' | b'E'))
            {
                return Err((invalid, None));
            }
            let unsigned = word.strip_prefix(['-', '+']).unwrap_or(word);
            let reason = if word.starts_with('+') {
                Some("a leading '+' is not allowed")
            } else if unsigned.starts_with('.') {
                Some("a digit is required before '.'")
            } else if unsigned.len() > 1
                && unsigned.starts_with('0')
                && unsigned.as_bytes()[1].is_ascii_digit()
            {
                Some("leading zeros are not allowed")
            } else if word.contains('.')
                && !word
                    .split_once('.')
                    .is_some_and(|(_, after)| after.starts_with(|c: char| c.is_ascii_digit()))
            {
                Some("a digit is required after '.'")
            } else {
                None
            };
            let message = match reason {
                Some(reason) => format!("{invalid}: {reason}"),
                None => invalid,
            };
            // Rust's float syntax accepts these forms; a word it rejects (`1e`, `--1`) has no value.
            let lenient = word.strip_prefix('+').unwrap_or(word);
            let value = if lenient.bytes().all(|c| c.is_ascii_digit() || c == b'-') {
                lenient
                    .parse::<i64>()
                    .ok()
                    .map(Into::into)
                    .or_else(|| lenient.parse::<u64>().ok().map(Into::into))
            } else {
                None
            }
            .or_else(|| {
                lenient
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
            });
            Err((message, value))
        }
    }
}

/// Checks the JSON number grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; `Ok(true)`
/// for an integer (no fraction, no exponent).
fn json_number_shape(b: &[u8]) -> Result<bool, ()> {
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return Err(()),
    }
    let mut integer = true;
    if b.get(i) == Some(&b'.') {
        integer = false;
        i += 1;
        let digits = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == digits {
            return Err(());
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        integer = false;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let digits = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == digits {
            return Err(());
        }
    }
    if i == b.len() {
        Ok(integer)
    } else {
        Err(())
    }
}

/// The number as serde_json reads it: integers that fit stay integers (`-0` is a float there),
/// everything else is an `f64`. serde_json is built with `float_roundtrip` here (jsonschema
/// enables it), so its floats are correctly rounded, exactly as Rust's own `f64` parsing.
fn convert_number(word: &str, is_integer: bool) -> Option<serde_json::Number> {
    if is_integer {
        if let Some(digits) = word.strip_prefix('-') {
            if let Ok(n) = digits.parse::<u64>() {
                if n != 0 && n <= i64::MAX as u64 + 1 {
                    return Some(serde_json::Number::from((n as i64).wrapping_neg()));
                }
            }
        } else if let Ok(n) = word.parse::<u64>() {
            return Some(n.into());
        }
    }
    if let Some(f) = short_decimal(word) {
        return serde_json::Number::from_f64(f);
    }
    let f = word.parse::<f64>().ok()?;
    // Beyond f64's range (`1e400`) the number is still a valid JSON number (RFC 8259 §6 leaves
    // the range to implementations): it is kept as the largest finite f64 of its sign, so a
    // schema's `maximum` reports it, and messages quote its text.
    let f = if f.is_infinite() {
        f64::MAX.copysign(f)
    } else {
        f
    };
    serde_json::Number::from_f64(f)
}

/// The first byte at or after `pos` that is not JSON whitespace (or the text's length).
/// Indentation comes eight spaces at a time: in a pretty-printed order every line starts with
/// a run of them, a third of its bytes.
#[inline(always)]
fn skip_whitespace(bytes: &[u8], mut pos: usize) -> usize {
    const SPACES: u64 = u64::from_ne_bytes(*b"        ");
    loop {
        while let Some(chunk) = bytes.get(pos..pos + 8) {
            let word = u64::from_ne_bytes(chunk.try_into().expect("8 bytes"));
            if word != SPACES {
                break;
            }
            pos += 8;
        }
        match bytes.get(pos) {
            Some(b' ' | b'\t' | b'\n' | b'\r') => pos += 1,
            _ => return pos,
        }
    }
}

/// The strict fast path: the tree of a text that is clean JSON (RFC 8259: one value, no
/// comment, no byte order mark, nesting within [`MAX_DEPTH`]), or `None` at the first thing
/// that is not. It uses the tolerant parser's own lexer, string decoding and number reading
/// (so tokens, values and spans are the same by construction) and only drives them with a
/// grammar that accepts nothing the tolerant parser would report: no lookahead, no recovery,
/// no expectation to word a message. The children of the containers being read are gathered
/// on two shared stacks and moved into one exact-size allocation per container.
pub(crate) fn parse_clean(text: &str) -> Option<ParsedJson> {
    if text.starts_with('\u{feff}') {
        return None;
    }
    let mut strict = Strict {
        parser: Parser::new(text),
        items: Vec::new(),
        members: Vec::new(),
    };
    let first = strict.parser.lex();
    let root = strict.value(first, 0)?;
    let last = strict.parser.lex();
    // The lexer reports bad strings and comments as errors without stopping; any error means
    // the text is not clean.
    if last.kind != Kind::Eof || !strict.parser.errors.is_empty() {
        return None;
    }
    Some(ParsedJson {
        root: Some(root),
        errors: Vec::new(),
    })
}

/// The state of [`parse_clean`].
struct Strict<'t> {
    parser: Parser<'t>,
    /// The items of the arrays being read, innermost last.
    items: Vec<Node>,
    /// The members of the objects being read, innermost last.
    members: Vec<Member>,
}

impl Strict<'_> {
    /// The value `token` starts, inside `depth` containers.
    fn value(&mut self, token: Token, depth: usize) -> Option<Node> {
        match token.kind {
            // The tolerant parser skips (and reports) a container this deep.
            Kind::LBrace | Kind::LBracket if depth >= MAX_DEPTH => None,
            Kind::LBrace => self.object(token, depth + 1),
            Kind::LBracket => self.array(token, depth + 1),
            Kind::Str => Some(Node {
                range: token.range,
                kind: NodeKind::String(self.parser.string_value(token)),
            }),
            Kind::Word => {
                let errors = self.parser.errors.len();
                let node = self.parser.parse_word(token.range);
                (self.parser.errors.len() == errors).then_some(node)
            }
            _ => None,
        }
    }

    fn object(&mut self, open: Token, depth: usize) -> Option<Node> {
        let base = self.members.len();
        let mut token = self.parser.lex();
        if token.kind != Kind::RBrace {
            loop {
                if token.kind != Kind::Str {
                    return None;
                }
                let key = Key {
                    name: self.parser.string_value(token),
                    range: token.range,
                };
                let colon = self.parser.lex();
                if colon.kind != Kind::Colon {
                    return None;
                }
                let first = self.parser.lex();
                let value = self.value(first, depth)?;
                self.members.push(Member {
                    range: TextRange {
                        start: key.range.start,
                        end: value.range.end,
                    },
                    key,
                    colon: Some(colon.range.start),
                    value: Some(value),
                });
                token = self.parser.lex();
                match token.kind {
                    Kind::Comma => token = self.parser.lex(),
                    Kind::RBrace => break,
                    _ => return None,
                }
            }
        }
        let members: Vec<Member> = self.members.drain(base..).collect();
        Some(Node {
            range: TextRange {
                start: open.range.start,
                end: token.range.end,
            },
            kind: NodeKind::Object(members),
        })
    }

    fn array(&mut self, open: Token, depth: usize) -> Option<Node> {
        if let Some(position) = self.position(open) {
            return Some(position);
        }
        let base = self.items.len();
        let mut token = self.parser.lex();
        if token.kind != Kind::RBracket {
            loop {
                let item = self.value(token, depth)?;
                self.items.push(item);
                token = self.parser.lex();
                match token.kind {
                    Kind::Comma => token = self.parser.lex(),
                    Kind::RBracket => break,
                    _ => return None,
                }
            }
        }
        let start = open.range.start;
        let items = Items::from_stack(start, &mut self.items, base);
        Some(Node {
            range: TextRange {
                start,
                end: token.range.end,
            },
            kind: NodeKind::Array(items),
        })
    }
}

impl Strict<'_> {
    /// `[x, y]` of two plain numbers (what [`short_number`] reads), after its `[` was lexed:
    /// the packed array node, built with no token or node per number; or `None`, with the
    /// parser where it was, for anything else, which the general path then reads. Positions
    /// are most of an order's bytes; the tree is the one the general path builds (the
    /// `fast_path_*` property tests compare both parsers' trees).
    fn position(&mut self, open: Token) -> Option<Node> {
        let bytes = self.parser.bytes;
        let array_start = open.range.start as usize;
        let first_at = skip_whitespace(bytes, self.parser.pos);
        let (x, x_end, x_integer) = short_number(bytes, first_at)?;
        let comma = skip_whitespace(bytes, x_end);
        if bytes.get(comma) != Some(&b',') {
            return None;
        }
        let second_at = skip_whitespace(bytes, comma + 1);
        let (y, y_end, y_integer) = short_number(bytes, second_at)?;
        let close = skip_whitespace(bytes, y_end);
        if bytes.get(close) != Some(&b']') {
            return None;
        }
        let pair = NumberPair::from_parsed([
            (x, first_at - array_start, x_end - array_start, x_integer),
            (y, second_at - array_start, y_end - array_start, y_integer),
        ])?;
        self.parser.pos = close + 1;
        Some(Node {
            range: TextRange::new(array_start, close + 1),
            kind: NodeKind::Array(Items::Pair(pair)),
        })
    }
}

/// A JSON number at `at` in one pass, when it is plain: an integer of at most 2^53 in
/// magnitude (not `-0`), or a decimal without exponent as [`short_decimal`] reads it; and it
/// ends where a word ends (whitespace, `,`, `]`, `}`, `:`, `"`; not a comment). Returns its
/// value, the byte after it and whether it is an integer; `None` for anything else, which
/// the general path reads (and reports, if it is wrong).
#[inline(always)]
fn short_number(bytes: &[u8], at: usize) -> Option<(f64, usize, bool)> {
    const POWERS: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let mut i = at;
    let negative = bytes.get(i) == Some(&b'-');
    if negative {
        i += 1;
    }
    let int_start = i;
    let mut mantissa: u64 = 0;
    while let Some(&b) = bytes.get(i) {
        if !b.is_ascii_digit() {
            break;
        }
        mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        i += 1;
    }
    let int_digits = i - int_start;
    // JSON: at least one digit, and no leading zero before another digit.
    if int_digits == 0 || (int_digits > 1 && bytes[int_start] == b'0') {
        return None;
    }
    let mut fraction = 0usize;
    let integer = bytes.get(i) != Some(&b'.');
    if !integer {
        i += 1;
        let fraction_start = i;
        while let Some(&b) = bytes.get(i) {
            if !b.is_ascii_digit() {
                break;
            }
            mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            i += 1;
        }
        fraction = i - fraction_start;
        if fraction == 0 {
            return None;
        }
    }
    if int_digits + fraction > 19 || mantissa > 1 << 53 {
        return None;
    }
    match bytes.get(i) {
        None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}' | b':' | b'"') => {}
        _ => return None,
    }
    if integer && negative && mantissa == 0 {
        // `-0` reads as the float -0.0, not as an integer.
        return None;
    }
    let magnitude = mantissa as f64 / *POWERS.get(fraction)?;
    Some((if negative { -magnitude } else { magnitude }, i, integer))
}

/// The value of a decimal without exponent whose digits, read as one integer, are at most
/// 2^53 and whose fraction has at most 22 digits (`-79.5412345678`: every coordinate of a
/// typical order), or `None` for any other word. Both the integer and the power of ten are
/// exact in an `f64`, so their quotient is correctly rounded: the same value as Rust's own
/// parsing gives (Clinger's fast path, which `f64::from_str` takes too, after slower
/// checks). Coordinates were a third of the parse before this.
pub(crate) fn short_decimal(word: &str) -> Option<f64> {
    const POWERS: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let (negative, digits) = match word.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, word),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0usize;
    let mut fraction: Option<usize> = None;
    for b in digits.bytes() {
        match b {
            b'0'..=b'9' => {
                // 19 digits always fit in a u64.
                if count == 19 {
                    return None;
                }
                mantissa = mantissa * 10 + u64::from(b - b'0');
                count += 1;
                if let Some(f) = &mut fraction {
                    *f += 1;
                }
            }
            b'.' if fraction.is_none() => fraction = Some(0),
            _ => return None,
        }
    }
    let power = *POWERS.get(fraction.unwrap_or(0))?;
    if count == 0 || mantissa > 1 << 53 {
        return None;
    }
    let value = mantissa as f64 / power;
    Some(if negative { -value } else { value })
}
