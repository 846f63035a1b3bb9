//! Removing secrets from text that leaves the process (messages, log lines, receipts):
//! every secret the client knows (configured ones and every access token it obtained) in
//! every encoding a server or a library may echo it in — as is, whitespace-collapsed,
//! URL-encoded (form and path style, either hex case), JSON-escaped, and base64 (the Basic
//! authorization of project credentials). Secrets of any length are scrubbed; callers scrub
//! *before* they truncate or normalise a text, so no fragment of a secret survives a cut.
//! URLs are shown without userinfo or query ([`redact_url`]).

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// The texts to remove, every encoding of every secret, longest first (so a secret that
/// contains another is removed whole).
#[derive(Clone, Debug, Default)]
pub struct Scrubber {
    needles: Vec<String>,
}

impl Scrubber {
    /// A scrubber for `secrets`; empty strings are ignored.
    pub fn new<I, S>(secrets: I) -> Scrubber
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut needles: Vec<String> = secrets
            .into_iter()
            .flat_map(|s| encodings(s.as_ref()))
            .filter(|n| !n.is_empty())
            .collect();
        needles.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        needles.dedup();
        Scrubber { needles }
    }

    /// `text` with every occurrence of every encoding replaced by [`REDACTED`]; the text
    /// is also checked after collapsing its whitespace (a normaliser may have done that).
    pub fn scrub(&self, text: &str) -> String {
        if self.needles.is_empty() {
            return text.to_string();
        }
        let mut out = text.to_string();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), REDACTED);
            }
        }
        out
    }

    /// True when no encoding of any secret occurs in `text`.
    pub fn is_clean(&self, text: &str) -> bool {
        !self.needles.iter().any(|n| text.contains(n.as_str()))
    }
}

/// Every form in which `secret` may come back.
fn encodings(secret: &str) -> Vec<String> {
    if secret.is_empty() {
        return vec![];
    }
    let mut out = vec![secret.to_string()];
    let collapsed = secret.split_whitespace().collect::<Vec<_>>().join(" ");
    out.push(collapsed.clone());
    out.push(secret.trim().to_string());
    for upper in [true, false] {
        out.push(percent_encode(secret, Style::Form, upper));
        out.push(percent_encode(secret, Style::Path, upper));
        out.push(percent_encode(secret, Style::All, upper));
        out.push(json_escape(secret, upper));
    }
    out.push(
        serde_json::to_string(secret)
            .map(|q| q.trim_matches('"').to_string())
            .unwrap_or_default(),
    );
    out.push(
        serde_json::to_string(&collapsed)
            .map(|q| q.trim_matches('"').to_string())
            .unwrap_or_default(),
    );
    out.push(base64(secret.as_bytes()));
    out
}

#[derive(Clone, Copy)]
enum Style {
    /// `application/x-www-form-urlencoded`: space as `+`, `*-._` kept.
    Form,
    /// RFC 3986 unreserved kept (`-._~`), space as `%20`.
    Path,
    /// Everything but ASCII letters and digits encoded.
    All,
}

fn percent_encode(s: &str, style: Style, upper: bool) -> String {
    let mut out = String::with_capacity(s.len().saturating_mul(3));
    for b in s.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || match style {
                Style::Form => matches!(b, b'*' | b'-' | b'.' | b'_'),
                Style::Path => matches!(b, b'-' | b'.' | b'_' | b'~'),
                Style::All => false,
            };
        if keep {
            out.push(b as char);
        } else if b == b' ' && matches!(style, Style::Form) {
            out.push('+');
        } else if upper {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

/// JSON string escaping with every non-ASCII character as `\uXXXX` (what `ensure_ascii`
/// serialisers write).
fn json_escape(s: &str, upper: bool) -> String {
    let mut out = String::with_capacity(s.len().saturating_add(8));
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    if upper {
                        out.push_str(&format!("\\u{unit:04X}"));
                    } else {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3).saturating_mul(4));
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                let index = usize::try_from((n >> shift) & 63).unwrap_or(0);
                out.push(char::from(TABLE.get(index).copied().unwrap_or(b'=')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `url` without its userinfo and query (both may carry secrets); text that is not a URL is
/// cut at the first `?` and stripped of anything before an `@` in its authority.
pub fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let had_query = parsed.query().is_some();
            let had_user = !parsed.username().is_empty() || parsed.password().is_some();
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.set_query(None);
            parsed.set_fragment(None);
            let mut text = parsed.to_string();
            if had_user {
                text = text.replacen("://", "://<redacted>@", 1);
            }
            if had_query {
                text.push_str("?<redacted>");
            }
            text
        }
        Err(_) => {
            let (before_query, had_query) = match url.split_once('?') {
                Some((b, _)) => (b, true),
                None => (url, false),
            };
            let text = match before_query.split_once("://") {
                Some((scheme, rest)) => match rest.rsplit_once('@') {
                    Some((_, host)) => format!("{scheme}://<redacted>@{host}"),
                    None => before_query.to_string(),
                },
                None => before_query.to_string(),
            };
            if had_query {
                format!("{text}?<redacted>")
            } else {
                text
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn urls_lose_userinfo_and_query() {
        assert_eq!(
            redact_url("https://user:pw@api.example/v2?token=abc"),
            "https://<redacted>@api.example/v2?<redacted>"
        );
        assert_eq!(redact_url("http://127.0.0.1:9"), "http://127.0.0.1:9/");
        assert_eq!(
            redact_url("not a url://u:p@h/x?y"),
            "not a url://<redacted>@h/x?<redacted>"
        );
    }

    fn secret() -> impl Strategy<Value = String> {
        // Short ones, spaces, `&`, `%`, quotes, backslashes, tabs and non-ASCII.
        proptest::string::string_regex("[a-zA-Z0-9 &%\"'\\\\\t+=/é€😀]{1,24}").unwrap()
    }

    proptest! {
        /// Whatever a server does to a secret among these encodings, nothing of it is left
        /// when the text is scrubbed, truncated afterwards or not.
        #[test]
        fn no_encoding_of_a_secret_survives(secret in secret(), pad in 0usize..40) {
            let scrubber = Scrubber::new([secret.clone()]);
            // A whitespace-only secret has empty collapsed and trimmed forms: nothing to find.
            for encoded in encodings(&secret).into_iter().filter(|e| !e.is_empty()) {
                let text = format!("{}{encoded} tail", "x".repeat(pad));
                let clean = scrubber.scrub(&text);
                prop_assert!(!clean.contains(&encoded) || encoded.chars().all(|c| "x tail<redacted>".contains(c)),
                    "{secret:?} as {encoded:?} left in {clean:?}");
                prop_assert!(clean.contains(REDACTED));
            }
        }
    }
}
