//! Order receipts: `NAME.order.json` next to a submitted request, recording what was sent
//! where and what came of it, so that the same content is never ordered twice by accident.
//!
//! A submission goes through a [`ReceiptBook`], which holds an exclusive lock (`fs4`, an
//! advisory `flock`/`LockFileEx` on `.NAME.order.lock` next to the request) from the check
//! for earlier submissions to the final write, so two `submit` runs — two processes, or the
//! CLI and the editor — place one order and no entry is lost in the read-modify-write:
//! 1. [`ReceiptBook::open`] locks, and proves the receipt can be written (the directory is
//!    writable and has room) before anything is sent;
//! 2. [`ReceiptBook::begin`] records a *pending* entry (body hash, endpoint, time, outcome
//!    unknown) durably (file and directory fsynced) before the POST;
//! 3. [`ReceiptBook::finish`] completes it: placed with the order ids, still unknown (the
//!    answer was lost), or removed when the provider refused (nothing was placed). When that
//!    write fails, the entry goes to the fallback directory (the cache's `receipts/`, keyed
//!    by body hash) and the caller says so loudly.
//!
//! A pending entry left by a process that died mid-POST reads as "outcome unknown": any later
//! submission of the same content finds it and asks for a second confirmation.
//!
//! "The same content" is the same order, not the same bytes: a [`Fingerprint`] hashes the
//! body's canonical form (the parsed JSON with keys sorted, no insignificant whitespace,
//! numbers by value), so re-indenting the file, reformatting it in the editor or reordering
//! its keys does not hide an earlier submission, while any changed value does count as new
//! content. Receipts written before the canonical hash existed record only the hash of the
//! raw bytes, and still match a byte-identical body.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What is known of a submission's result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// The provider answered with order ids.
    #[default]
    Placed,
    /// Recorded before the POST and never completed (the process ended mid-request).
    Pending,
    /// Sent, but the answer does not show whether an order was placed.
    Unknown,
}

/// One submission. The newest is at the top of the file; older ones are kept in `earlier`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// The first order id (the only one for a one-feature request).
    pub order_id: Option<String>,
    pub order_ids: Vec<String>,
    #[serde(with = "crate::schema::cache::rfc3339")]
    pub submitted_at: DateTime<Utc>,
    pub data_product: String,
    pub workspace_id: String,
    /// SHA-256 of the bytes posted, hex.
    pub body_sha256: String,
    /// SHA-256 of the body's canonical form ([`canonical_json`]), hex; what decides whether a
    /// later body is the same content. Absent in receipts written before it was recorded, and
    /// for a body that is not JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_sha256: Option<String>,
    /// e.g. `POST /v2/orders?workspaceId=…`.
    pub endpoint: String,
    /// Receipts written before outcomes were recorded are placed orders.
    #[serde(default)]
    pub outcome: Outcome,
    /// Why the outcome is unknown (the transport error or the status), without secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<Receipt>,
}

/// `dir/NAME.order.json` for `dir/NAME.json`.
pub fn receipt_path(request: &Path) -> PathBuf {
    let stem = request
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("request");
    request.with_file_name(format!("{stem}.order.json"))
}

/// `dir/.NAME.order.lock`, the file whose lock serialises submissions of `request`.
fn lock_path(request: &Path) -> PathBuf {
    let stem = request
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("request");
    request.with_file_name(format!(".{stem}.order.lock"))
}

/// The receipt kept for the hash `key` in the fallback directory (the content hash, or the
/// body hash for receipts written before content hashes and for bodies that are not JSON).
fn fallback_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.order.json"))
}

/// The fallback directory for receipts: `receipts/` in `--cache-dir` when given, else in
/// the user's cache directory (`$XDG_CACHE_HOME/tasking-ls/receipts`).
pub fn fallback_dir(cache_dir: Option<&Path>) -> Option<PathBuf> {
    match cache_dir {
        Some(dir) => Some(dir.join("receipts")),
        None => dirs::cache_dir().map(|d| d.join("tasking-ls").join("receipts")),
    }
}

/// Lowercase hex SHA-256.
pub fn body_sha256(body: &[u8]) -> String {
    Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What identifies a body for the duplicate guard: the hash of its bytes and the hash of its
/// canonical form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// [`body_sha256`] of the bytes as they are posted.
    pub body: String,
    /// SHA-256 of [`canonical_json`] of the body; `None` when the body is not JSON (then only
    /// the bytes identify it).
    pub content: Option<String>,
}

impl Fingerprint {
    /// The fingerprint of a body about to be posted.
    pub fn of(body: &[u8]) -> Fingerprint {
        let content = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .map(|value| body_sha256(canonical_json(&value).as_bytes()));
        Fingerprint {
            body: body_sha256(body),
            content,
        }
    }

    /// The key of this content's receipt in the fallback directory.
    fn key(&self) -> &str {
        self.content.as_deref().unwrap_or(&self.body)
    }
}

/// The canonical text of a JSON value: object members sorted by key (their UTF-8 bytes), no
/// whitespace, strings escaped the one way `serde_json` writes them, and numbers by value
/// (an integral number is written as an integer, so `1`, `1.0` and `1e0` are one number; `-0`
/// is `0`). Two bodies with the same canonical text are the same order whatever their layout.
pub fn canonical_json(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&canonical_number(n)),
        Value::String(s) => out.push_str(&serde_json::Value::String(s.clone()).to_string()),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
            sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
    }
}

/// A number by value: integers as integers, an integral float that an `i64` or `u64` holds
/// exactly as that integer, any other float in `serde_json`'s shortest round-trip form.
fn canonical_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let Some(f) = n.as_f64() else {
        return n.to_string();
    };
    if f == 0.0 {
        return "0".to_string();
    }
    if f.is_finite() && f.fract() == 0.0 {
        // `as` saturates; the round trip proves the integer is exactly this float.
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        {
            let i = f as i64;
            if i as f64 == f && f.abs() < 9.2e18 {
                return i.to_string();
            }
            let u = f as u64;
            if f > 0.0 && u as f64 == f && f < 1.8e19 {
                return u.to_string();
            }
        }
    }
    n.to_string()
}

fn read_at(path: &Path) -> Result<Option<Receipt>, String> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{}: not a readable order receipt ({e})", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The receipt next to `request`, if any; an unreadable one is an error (we must not
/// silently lose the record of an order).
pub fn read_receipt(request: &Path) -> Result<Option<Receipt>, String> {
    read_at(&receipt_path(request))
}

impl Receipt {
    /// Every submission recorded (newest first) of the content `fingerprint` identifies: the
    /// same canonical form, or (for receipts without a content hash) the same bytes.
    pub fn matching(&self, fingerprint: &Fingerprint) -> Vec<&Receipt> {
        self.all().filter(|r| r.is_for(fingerprint)).collect()
    }

    /// Whether this entry records a submission of the content `fingerprint` identifies.
    pub fn is_for(&self, fingerprint: &Fingerprint) -> bool {
        let same_content = matches!(
            (&self.content_sha256, &fingerprint.content),
            (Some(a), Some(b)) if a == b
        );
        same_content || self.body_sha256 == fingerprint.body
    }

    /// What a message adds after "already submitted ..." when this entry matched `fingerprint`
    /// by content but not by bytes: the user changed only the layout, and may not expect the
    /// file to count as the same order.
    pub fn layout_note(&self, fingerprint: &Fingerprint) -> &'static str {
        if self.body_sha256 == fingerprint.body {
            ""
        } else {
            " (the file differs only in layout: whitespace or the order of keys)"
        }
    }

    /// This submission and every earlier one, newest first.
    pub fn all(&self) -> impl Iterator<Item = &Receipt> {
        std::iter::once(self).chain(self.earlier.iter())
    }

    /// One line for a message: when, and what came of it.
    pub fn describe(&self) -> String {
        let when = self.submitted_at.format("%Y-%m-%d %H:%M UTC");
        match self.outcome {
            Outcome::Placed => format!("on {when} as order {}", self.order_ids.join(", ")),
            Outcome::Pending | Outcome::Unknown => format!(
                "on {when} with an UNKNOWN outcome ({}): it may have been placed",
                self.note.as_deref().unwrap_or("the answer never arrived")
            ),
        }
    }

    fn without_history(&self) -> Receipt {
        Receipt {
            earlier: vec![],
            ..self.clone()
        }
    }
}

/// Writes `bytes` to `path` atomically and durably: a temp file fsynced, renamed over
/// `path`, then the directory fsynced so the rename survives a crash.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::schema::cache::write_atomically(path, bytes).map_err(|e| e.to_string())?;
    sync_dir(path);
    Ok(())
}

fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

fn serialize(receipt: &Receipt) -> Result<Vec<u8>, String> {
    let mut bytes = serde_json::to_vec_pretty(receipt).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// `receipt` on top of the history in `previous`.
fn stack(mut receipt: Receipt, previous: Option<Receipt>) -> Receipt {
    if let Some(mut previous) = previous {
        let mut earlier = std::mem::take(&mut previous.earlier);
        earlier.insert(0, previous);
        receipt.earlier = earlier;
    }
    receipt
}

/// Records `receipt` next to `request`, keeping earlier submissions; returns the file.
/// Prefer a [`ReceiptBook`], which also locks and records before sending.
pub fn write_receipt(request: &Path, receipt: Receipt) -> Result<PathBuf, String> {
    let path = receipt_path(request);
    let receipt = stack(receipt, read_receipt(request)?);
    write_durably(&path, &serialize(&receipt)?)?;
    Ok(path)
}

/// How long to wait for another submission of the same file to finish.
#[derive(Clone, Copy, Debug)]
pub enum LockWait {
    /// Fail at once with a message naming the other submission.
    No,
    /// Poll until the lock is free or this long has passed.
    Up(Duration),
}

/// How a submission ended, for [`ReceiptBook::finish`].
#[derive(Clone, Debug, PartialEq)]
pub enum Finish {
    /// The provider answered with these order ids (and the endpoint and workspace used).
    Placed {
        order_ids: Vec<String>,
        workspace_id: String,
        endpoint: String,
    },
    /// Sent; the answer does not show whether an order was placed.
    Unknown(String),
    /// Nothing was placed (a 4xx refusal, or nothing was sent): the pending entry goes.
    NotPlaced,
}

/// Where the completed receipt went.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    /// The file written (`None` when nothing needed writing or every write failed).
    pub path: Option<PathBuf>,
    /// Why the receipt next to the request could not be written, when it could not; the
    /// entry is then in `path` in the fallback directory, if that worked.
    pub problem: Option<String>,
}

/// The locked receipt of one request file, from the check for earlier submissions to the
/// final write. Dropping it releases the lock.
#[derive(Debug)]
pub struct ReceiptBook {
    request: PathBuf,
    path: PathBuf,
    fallback: Option<PathBuf>,
    /// Held for the lock; closed (and so unlocked) on drop.
    _lock: File,
    /// The entry [`ReceiptBook::begin`] recorded, to find it again in `finish`.
    pending: Option<Receipt>,
}

/// Bytes a receipt write needs at most, checked free before sending.
const ROOM_NEEDED: u64 = 1 << 20;

impl ReceiptBook {
    /// Locks the receipt of `request` and checks it can be written; `fallback` is where a
    /// receipt goes when the final write next to the request fails (see [`fallback_dir`]).
    ///
    /// # Errors
    /// A sentence saying what cannot be done: the directory is not writable or full, the
    /// lock cannot be taken (another submission holds it past `wait`), the existing receipt
    /// is unreadable. Nothing has been sent when this fails.
    pub async fn open(
        request: &Path,
        fallback: Option<PathBuf>,
        wait: LockWait,
        mut on_wait: impl FnMut(),
    ) -> Result<ReceiptBook, String> {
        let path = receipt_path(request);
        let dir = request
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let not_writable = |e: &dyn std::fmt::Display| {
            format!(
                "the receipt {} cannot be written ({e}); nothing was sent — submit from a \
                 writable directory (copy the file there), since the receipt is what keeps the \
                 order from being placed twice",
                path.display()
            )
        };
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lock_path(request))
            .map_err(|e| not_writable(&e))?;
        let deadline = match wait {
            LockWait::No => None,
            LockWait::Up(d) => tokio::time::Instant::now().checked_add(d),
        };
        let mut told = false;
        loop {
            match fs4::FileExt::try_lock(&lock) {
                Ok(()) => break,
                Err(fs4::TryLockError::WouldBlock) => {
                    let waiting = deadline.is_some_and(|d| tokio::time::Instant::now() < d);
                    if !waiting {
                        return Err(format!(
                            "another submission of {} is in progress (its receipt is locked); \
                             nothing was sent — wait for it to finish, then check its receipt",
                            request.display()
                        ));
                    }
                    if !told {
                        on_wait();
                        told = true;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(fs4::TryLockError::Error(e)) => {
                    return Err(format!("cannot lock {}: {e}", lock_path(request).display()))
                }
            }
        }
        probe_writable(&dir, &path).map_err(|e| not_writable(&e))?;
        // Unreadable receipts stop here: the record of an order must not be overwritten.
        read_at(&path).map_err(|e| {
            format!("{e}; move it away or fix it before submitting (it records earlier orders)")
        })?;
        Ok(ReceiptBook {
            request: request.to_path_buf(),
            path,
            fallback,
            _lock: lock,
            pending: None,
        })
    }

    /// The receipt file next to the request.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every earlier submission of the content `fingerprint` identifies, newest first: from
    /// the receipt next to the request and from the fallback directory (under the content's
    /// key, and under the bytes' key where older receipts went).
    ///
    /// # Errors
    /// An unreadable receipt (the record of an order must not be ignored).
    pub fn earlier(&self, fingerprint: &Fingerprint) -> Result<Vec<Receipt>, String> {
        let mut found: Vec<Receipt> = vec![];
        if let Some(receipt) = read_at(&self.path)? {
            found.extend(
                receipt
                    .matching(fingerprint)
                    .into_iter()
                    .map(Receipt::without_history),
            );
        }
        if let Some(dir) = &self.fallback {
            let mut keys = vec![fingerprint.key()];
            if fingerprint.body != fingerprint.key() {
                keys.push(&fingerprint.body);
            }
            for key in keys {
                // A damaged fallback file must not hide the local record; it is reported by
                // the write that would replace it.
                if let Ok(Some(receipt)) = read_at(&fallback_path(dir, key)) {
                    for r in receipt.matching(fingerprint) {
                        if !found.iter().any(|f| f.submitted_at == r.submitted_at) {
                            found.push(r.without_history());
                        }
                    }
                }
            }
        }
        found.sort_by_key(|r| std::cmp::Reverse(r.submitted_at));
        Ok(found)
    }

    /// Records a pending submission durably before anything is sent.
    ///
    /// # Errors
    /// The write failed: the caller must not send.
    pub fn begin(
        &mut self,
        fingerprint: &Fingerprint,
        data_product: &str,
        workspace_id: &str,
        endpoint: &str,
    ) -> Result<(), String> {
        let pending = Receipt {
            order_id: None,
            order_ids: vec![],
            submitted_at: Utc::now(),
            data_product: data_product.to_string(),
            workspace_id: workspace_id.to_string(),
            body_sha256: fingerprint.body.clone(),
            content_sha256: fingerprint.content.clone(),
            endpoint: endpoint.to_string(),
            outcome: Outcome::Pending,
            note: Some(
                "recorded before sending; no answer was recorded (the process ended or the \
                 connection broke)"
                    .to_string(),
            ),
            earlier: vec![],
        };
        let receipt = stack(pending.clone(), read_at(&self.path)?);
        write_durably(&self.path, &serialize(&receipt)?).map_err(|e| {
            format!(
                "the receipt {} could not be written ({e}); nothing was sent",
                self.path.display()
            )
        })?;
        self.pending = Some(pending);
        Ok(())
    }

    /// Completes the pending entry with `finish`. A failed write next to the request goes to
    /// the fallback directory; the result says where it went and what failed.
    pub fn finish(&mut self, finish: Finish) -> Finished {
        let Some(pending) = self.pending.take() else {
            return Finished {
                path: None,
                problem: None,
            };
        };
        let completed = match &finish {
            Finish::Placed {
                order_ids,
                workspace_id,
                endpoint,
            } => Some(Receipt {
                order_id: order_ids.first().cloned(),
                order_ids: order_ids.clone(),
                workspace_id: workspace_id.clone(),
                endpoint: endpoint.clone(),
                outcome: Outcome::Placed,
                note: None,
                ..pending.clone()
            }),
            Finish::Unknown(cause) => Some(Receipt {
                outcome: Outcome::Unknown,
                note: Some(cause.clone()),
                ..pending.clone()
            }),
            Finish::NotPlaced => None,
        };
        let local = (|| {
            let current = read_at(&self.path)?;
            let rest = current
                .map(|r| remove_entry(r, &pending))
                .unwrap_or_default();
            let receipt = match (completed.clone(), rest) {
                (Some(c), rest) => Some(stack(c, rest)),
                (None, rest) => rest,
            };
            match receipt {
                Some(r) => write_durably(&self.path, &serialize(&r)?).map(|()| true),
                None => {
                    // The pending entry was the only one: no receipt at all.
                    std::fs::remove_file(&self.path).map_err(|e| e.to_string())?;
                    sync_dir(&self.path);
                    Ok(false)
                }
            }
        })();
        match (local, completed) {
            (Ok(true), _) => Finished {
                path: Some(self.path.clone()),
                problem: None,
            },
            (Ok(false), _) | (Err(_), None) => Finished {
                path: None,
                problem: None,
            },
            (Err(problem), Some(entry)) => {
                let fallback = self.fallback.as_ref().map(|dir| {
                    let key = entry.content_sha256.as_ref().unwrap_or(&entry.body_sha256);
                    let path = fallback_path(dir, key);
                    let previous = read_at(&path).ok().flatten();
                    let receipt = stack(entry.clone(), previous);
                    std::fs::create_dir_all(dir)
                        .map_err(|e| e.to_string())
                        .and_then(|()| serialize(&receipt))
                        .and_then(|bytes| write_durably(&path, &bytes))
                        .map(|()| path)
                });
                match fallback {
                    Some(Ok(path)) => Finished {
                        path: Some(path),
                        problem: Some(problem),
                    },
                    Some(Err(e)) => Finished {
                        path: None,
                        problem: Some(format!("{problem}; the fallback receipt failed too ({e})")),
                    },
                    None => Finished {
                        path: None,
                        problem: Some(problem),
                    },
                }
            }
        }
    }

    /// The request this book is about.
    pub fn request(&self) -> &Path {
        &self.request
    }
}

/// `receipt` without the entry `pending` (matched by time and hash); `None` when nothing
/// is left.
fn remove_entry(receipt: Receipt, pending: &Receipt) -> Option<Receipt> {
    let same = |r: &Receipt| {
        r.submitted_at == pending.submitted_at
            && r.body_sha256 == pending.body_sha256
            && r.outcome == Outcome::Pending
    };
    let mut all: Vec<Receipt> = std::iter::once(receipt.without_history())
        .chain(receipt.earlier)
        .filter(|r| !same(r))
        .collect();
    if all.is_empty() {
        return None;
    }
    let mut top = all.remove(0);
    top.earlier = all;
    Some(top)
}

/// Proves a receipt can be written in `dir`: a probe file of a receipt's size is written,
/// fsynced and removed, and the file system has room for one more.
fn probe_writable(dir: &Path, receipt: &Path) -> Result<(), String> {
    let name = receipt
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("receipt");
    let probe = dir.join(format!(".{name}.{}.probe", std::process::id()));
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&probe)?;
        let existing = std::fs::metadata(receipt).map(|m| m.len()).unwrap_or(0);
        let size = usize::try_from(existing.saturating_add(4096)).unwrap_or(4096);
        file.write_all(&vec![b' '; size])?;
        file.sync_all()
    })();
    let _ = std::fs::remove_file(&probe);
    result.map_err(|e| e.to_string())?;
    if let Ok(free) = fs4::available_space(dir) {
        if free < ROOM_NEEDED {
            return Err(format!("only {free} bytes free on its disk"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_receipts_read_as_placed() {
        let text = r#"{"orderId":"a","orderIds":["a"],"submittedAt":"2026-01-01T00:00:00Z",
            "dataProduct":"p","workspaceId":"w","bodySha256":"s","endpoint":"POST /x"}"#;
        let r: Receipt = serde_json::from_str(text).unwrap();
        assert_eq!(r.outcome, Outcome::Placed);
    }

    fn entry(n: i64, outcome: Outcome) -> Receipt {
        Receipt {
            order_id: None,
            order_ids: vec![],
            submitted_at: DateTime::from_timestamp(n, 0).unwrap(),
            data_product: "p".into(),
            workspace_id: "w".into(),
            body_sha256: "s".into(),
            content_sha256: None,
            endpoint: "POST /x".into(),
            outcome,
            note: None,
            earlier: vec![],
        }
    }

    #[test]
    fn removing_the_pending_entry_keeps_the_others_in_order() {
        let pending = entry(2, Outcome::Pending);
        let r = stack(
            pending.clone(),
            Some(stack(
                entry(1, Outcome::Placed),
                Some(entry(0, Outcome::Unknown)),
            )),
        );
        let left = remove_entry(r, &pending).unwrap();
        let times: Vec<i64> = left.all().map(|r| r.submitted_at.timestamp()).collect();
        assert_eq!(times, vec![1, 0]);
        assert_eq!(remove_entry(pending.clone(), &pending), None);
    }

    /// The canonical form ignores layout and key order, and writes numbers by value.
    #[test]
    fn the_canonical_form_is_the_parsed_content() {
        let canon = |t: &str| canonical_json(&serde_json::from_str(t).unwrap());
        assert_eq!(
            canon("{ \"b\" : [1, 2.50, -0.0, 1e2],\n\t\"a\": {\"y\": \"\\u00e9\", \"x\": null} }"),
            r#"{"a":{"x":null,"y":"é"},"b":[1,2.5,0,100]}"#
        );
        assert_ne!(canon(r#"{"a": 1}"#), canon(r#"{"a": "1"}"#));
        assert_ne!(canon(r#"{"a": [1, 2]}"#), canon(r#"{"a": [2, 1]}"#));
        assert_eq!(Fingerprint::of(b"not json").content, None);
    }

    /// A body that is not JSON is recognised by its bytes only.
    #[test]
    fn a_receipt_without_a_content_hash_matches_the_same_bytes_only() {
        let body = br#"{"datetime": "2027-01-02T10:30:00Z/..", "geometry": null}"#;
        let old = Receipt {
            body_sha256: body_sha256(body),
            ..entry(1, Outcome::Placed)
        };
        assert!(old.is_for(&Fingerprint::of(body)));
        let relaid = br#"{"geometry": null, "datetime": "2027-01-02T10:30:00Z/.."}"#;
        assert!(!old.is_for(&Fingerprint::of(relaid)));
    }

    mod generated {
        //! Generated orders through a real receipt book: a submitted body re-laid-out (any
        //! whitespace, any key order, escapes) is found as already submitted; a body with one
        //! value changed is not.

        use super::super::*;
        use crate::test_rng::Lcg;
        use proptest::prelude::*;
        use serde_json::{Map, Value};

        fn order() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                (-1_000_000i64..1_000_000).prop_map(Value::from),
                (-1_000_000i64..1_000_000).prop_map(|n| Value::from(n as f64 / 100.0)),
                "[a-zA-Z0-9 :/.\"\\\\é😀-]{0,12}".prop_map(Value::String),
            ];
            let value = leaf.prop_recursive(4, 48, 6, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                    prop::collection::btree_map("[a-z_é]{1,8}", inner, 0..6)
                        .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
                ]
            });
            prop::collection::btree_map("[a-z_]{1,10}", value, 1..8)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>()))
        }

        /// Insignificant whitespace, as a formatter, `json.dump(indent=4)` or a hand edit
        /// leaves it.
        fn space(rng: &mut Lcg, out: &mut String) {
            const SPACES: [&str; 7] = ["", " ", "\n", "\r\n", "\t", "\n    ", "  \n\t "];
            out.push_str(SPACES[rng.draw() as usize % SPACES.len()]);
        }

        /// `value` in a random layout: whitespace between tokens, members in a shuffled
        /// order, some characters as `\u` escapes, integral floats written as `2.0` or `2e0`.
        fn relaid(value: &Value, rng: &mut Lcg, out: &mut String) {
            space(rng, out);
            match value {
                Value::Object(members) => {
                    let mut order: Vec<(&String, &Value)> = members.iter().collect();
                    for i in (1..order.len()).rev() {
                        order.swap(i, rng.draw() as usize % (i + 1));
                    }
                    out.push('{');
                    for (i, (key, item)) in order.into_iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        space(rng, out);
                        string(key, rng, out);
                        space(rng, out);
                        out.push(':');
                        relaid(item, rng, out);
                    }
                    space(rng, out);
                    out.push('}');
                }
                Value::Array(items) => {
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        relaid(item, rng, out);
                    }
                    space(rng, out);
                    out.push(']');
                }
                Value::String(s) => string(s, rng, out),
                Value::Number(n) if n.is_f64() => {
                    let f = n.as_f64().unwrap_or(0.0);
                    if f.fract() == 0.0 && rng.draw().is_multiple_of(2) {
                        out.push_str(&format!("{f:.1}"));
                    } else if f.fract() == 0.0 && f != 0.0 && rng.draw().is_multiple_of(2) {
                        out.push_str(&format!("{}e0", f as i64));
                    } else {
                        out.push_str(&n.to_string());
                    }
                }
                other => out.push_str(&other.to_string()),
            }
            space(rng, out);
        }

        fn string(s: &str, rng: &mut Lcg, out: &mut String) {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if rng.draw().is_multiple_of(4) => {
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
        }

        /// Every leaf's path, to pick one to change.
        fn leaves(value: &Value, path: &mut Vec<String>, all: &mut Vec<Vec<String>>) {
            match value {
                Value::Object(m) if !m.is_empty() => {
                    for (k, v) in m {
                        path.push(k.clone());
                        leaves(v, path, all);
                        path.pop();
                    }
                }
                Value::Array(items) if !items.is_empty() => {
                    for (i, v) in items.iter().enumerate() {
                        path.push(i.to_string());
                        leaves(v, path, all);
                        path.pop();
                    }
                }
                _ => all.push(path.clone()),
            }
        }

        /// `value` with the leaf at `path` changed to a different value.
        fn changed(value: &Value, path: &[String]) -> Value {
            let mut out = value.clone();
            let pointer: String = path
                .iter()
                .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
                .collect();
            if let Some(leaf) = out.pointer_mut(&pointer) {
                *leaf = match leaf.take() {
                    Value::Null => Value::from(0),
                    Value::Bool(b) => Value::Bool(!b),
                    Value::Number(n) if n.is_f64() => Value::from(n.as_f64().unwrap_or(0.0) + 0.5),
                    Value::Number(n) => Value::from(n.as_i64().unwrap_or(0) + 1),
                    Value::String(s) => Value::String(format!("{s}x")),
                    Value::Array(_) => Value::Array(vec![Value::Null]),
                    Value::Object(_) => {
                        Value::Object([("k".to_string(), Value::Null)].into_iter().collect())
                    }
                };
            }
            out
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]

            #[test]
            fn relaid_bodies_are_already_submitted_and_changed_ones_are_not(
                order in order(),
                seed in any::<u64>(),
                pick in any::<usize>(),
            ) {
                let dir = tempfile::tempdir().unwrap();
                let request = dir.path().join("a_stapi_order.json");
                let submitted = serde_json::to_string(&order).unwrap();
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .unwrap();
                let mut book = runtime
                    .block_on(ReceiptBook::open(&request, None, LockWait::No, || {}))
                    .unwrap();
                book.begin(&Fingerprint::of(submitted.as_bytes()), "p", "w", "POST /x").unwrap();
                let done = book.finish(Finish::Placed {
                    order_ids: vec!["o-1".into()],
                    workspace_id: "w".into(),
                    endpoint: "POST /x".into(),
                });
                prop_assert!(done.problem.is_none());

                let mut rng = Lcg(seed);
                let mut text = String::new();
                relaid(&order, &mut rng, &mut text);
                prop_assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), order.clone());
                let found = book.earlier(&Fingerprint::of(text.as_bytes())).unwrap();
                prop_assert_eq!(found.len(), 1, "not recognised: {}", text);
                prop_assert_eq!(&found[0].order_ids, &vec!["o-1".to_string()]);

                let mut paths = vec![];
                leaves(&order, &mut vec![], &mut paths);
                let path = &paths[pick % paths.len()];
                let other = changed(&order, path);
                prop_assert_ne!(&other, &order);
                let mut text = String::new();
                relaid(&other, &mut rng, &mut text);
                let found = book.earlier(&Fingerprint::of(text.as_bytes())).unwrap();
                prop_assert!(found.is_empty(), "{} at {:?} counted as the same: {}", other, path, text);
            }
        }
    }
}
