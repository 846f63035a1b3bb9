//! Order receipts: `NAME.order.json` next to a submitted request, recording what was sent
//! where, so that the same content is never ordered twice by accident.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::schema::cache::write_atomically;

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
    /// e.g. `POST /v2/orders?workspaceId=…`.
    pub endpoint: String,
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

/// Lowercase hex SHA-256.
pub fn body_sha256(body: &[u8]) -> String {
    Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The receipt next to `request`, if any; an unreadable one is an error (we must not
/// silently lose the record of an order).
pub fn read_receipt(request: &Path) -> Result<Option<Receipt>, String> {
    let path = receipt_path(request);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{}: not a readable order receipt ({e})", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

impl Receipt {
    /// Every submission recorded (newest first) whose body hash is `sha256`.
    pub fn matching(&self, sha256: &str) -> Vec<&Receipt> {
        std::iter::once(self)
            .chain(self.earlier.iter())
            .filter(|r| r.body_sha256 == sha256)
            .collect()
    }
}

/// Records `receipt` next to `request`, keeping earlier submissions; returns the file.
pub fn write_receipt(request: &Path, mut receipt: Receipt) -> Result<PathBuf, String> {
    let path = receipt_path(request);
    if let Some(mut previous) = read_receipt(request)? {
        let mut earlier = std::mem::take(&mut previous.earlier);
        earlier.insert(0, previous);
        receipt.earlier = earlier;
    }
    let mut bytes = serde_json::to_vec_pretty(&receipt).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    write_atomically(&path, &bytes).map_err(|e| e.to_string())?;
    Ok(path)
}

impl Receipt {
    /// The receipt of `submission` of the bytes hashed as `body_sha256`, submitted now;
    /// `None` when no order was placed (nothing to record).
    pub fn for_submission(
        submission: &super::Submission,
        data_product: &str,
        body_sha256: String,
    ) -> Option<Receipt> {
        let first = submission.order_ids.first()?;
        Some(Receipt {
            order_id: Some(first.clone()),
            order_ids: submission.order_ids.clone(),
            submitted_at: Utc::now(),
            data_product: data_product.to_string(),
            workspace_id: submission.workspace_id.clone(),
            body_sha256,
            endpoint: submission.endpoint.clone(),
            earlier: vec![],
        })
    }
}
