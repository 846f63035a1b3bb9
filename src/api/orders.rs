//! Order requests: the two envelopes (the seed's `{dataProduct, params{…, geometry}}` and
//! the current `{dataProduct, displayName, params, featureCollection, tags}`), the cost
//! estimate, placing the order exactly as written, and reading an order's status.

use reqwest::Method;
use serde_json::{json, Map, Value};

use super::client::{Call, Client, Effect};
use super::error::ApiError;

/// Which envelope a request file uses; it decides the endpoint an order goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestForm {
    /// `POST /workspaces/{workspaceId}/orders`, geometry inside `params`.
    Seed,
    /// `POST /v2/orders?workspaceId=`, geometry in `featureCollection`.
    Current,
}

/// A request that cannot be sent as it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RequestError(pub String);

impl From<RequestError> for ApiError {
    fn from(e: RequestError) -> ApiError {
        ApiError::Invalid(e.0)
    }
}

/// The envelope of `request`, which must name its `dataProduct`.
pub fn request_form(request: &Value) -> Result<RequestForm, RequestError> {
    let obj = request
        .as_object()
        .ok_or_else(|| RequestError("the order request is not a JSON object".to_string()))?;
    if !obj.get("dataProduct").is_some_and(Value::is_string) {
        return Err(RequestError(
            "the order request has no `dataProduct` id".to_string(),
        ));
    }
    if obj.contains_key("featureCollection") {
        return Ok(RequestForm::Current);
    }
    match obj.get("params") {
        Some(Value::Object(_)) => Ok(RequestForm::Seed),
        _ => Err(RequestError(
            "the order request has no `params` object".to_string(),
        )),
    }
}

/// The `dataProduct` id of a request.
pub fn data_product(request: &Value) -> Option<&str> {
    request.get("dataProduct").and_then(Value::as_str)
}

/// `request` in the current form: a seed-form request gets `displayName` copied to the top,
/// `geometry` moved out of `params` into a one-feature `featureCollection`, and its `tags`
/// (if any) kept; the rest of `params` stays as it is, `displayName` included (the product
/// schemas require it there). A request already in the current form is returned unchanged.
pub fn to_current_form(request: &Value) -> Result<Value, RequestError> {
    if request_form(request)? == RequestForm::Current {
        return Ok(request.clone());
    }
    let mut params: Map<String, Value> = request
        .get("params")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let display_name = params
        .get("displayName")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            RequestError("`params.displayName` is missing: the order needs a name".to_string())
        })?
        .to_string();
    let geometry = params.shift_remove("geometry").ok_or_else(|| {
        RequestError("`params.geometry` is missing: the order needs an area".to_string())
    })?;
    let mut out = Map::new();
    out.insert("dataProduct".into(), request["dataProduct"].clone());
    out.insert("displayName".into(), Value::String(display_name));
    out.insert("params".into(), Value::Object(params));
    out.insert(
        "featureCollection".into(),
        json!({
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": geometry, "properties": {}}]
        }),
    );
    if let Some(tags) = request.get("tags") {
        out.insert("tags".into(), tags.clone());
    }
    Ok(Value::Object(out))
}

/// A failure for one feature inside a successful answer.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureError {
    pub index: Option<u64>,
    pub message: String,
    pub details: Option<String>,
}

impl std::fmt::Display for FeatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(i) => write!(f, "feature {i}: {}", self.message)?,
            None => write!(f, "{}", self.message)?,
        }
        if let Some(d) = &self.details {
            write!(f, " ({d})")?;
        }
        Ok(())
    }
}

fn feature_errors(body: &Value) -> Vec<FeatureError> {
    body.get("errors")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .map(|e| FeatureError {
                    index: e.get("index").and_then(Value::as_u64),
                    message: e
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("failed")
                        .to_string(),
                    details: e.get("details").and_then(|d| match d {
                        Value::String(s) => Some(s.clone()),
                        Value::Null => None,
                        other => Some(other.to_string()),
                    }),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The answer of `POST /v2/orders/estimate`.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    pub total_credits: Option<f64>,
    pub total_size: Option<f64>,
    /// `SQ_KM`, `SCENE` or none.
    pub unit: Option<String>,
    /// Per-feature problems (AOI too small, too many vertices…) reported with status 200.
    pub errors: Vec<FeatureError>,
}

impl Estimate {
    /// "≈ 14,424 credits for 8.48 km²".
    pub fn summary(&self) -> String {
        let Some(credits) = self.total_credits else {
            return "no estimate".to_string();
        };
        let mut s = format!("≈ {} credits", group_thousands(credits));
        if let Some(size) = self.total_size {
            let size_text = trim_number(size);
            let unit = match self.unit.as_deref() {
                Some("SQ_KM") => " km²".to_string(),
                Some("SCENE") if size == 1.0 => " scene".to_string(),
                Some("SCENE") => " scenes".to_string(),
                Some(other) => format!(" {}", other.to_lowercase()),
                None => String::new(),
            };
            s.push_str(&format!(" for {size_text}{unit}"));
        }
        s
    }
}

/// 14424 → "14,424"; fractions keep two decimals.
pub fn group_thousands(n: f64) -> String {
    let rounded = (n * 100.0).round() / 100.0;
    let int = rounded.trunc().abs() as u64;
    let digits = int.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && digits.len().saturating_sub(i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if rounded < 0.0 { "-" } else { "" };
    let frac = rounded.fract().abs();
    if frac > 0.0 {
        let frac = format!("{frac:.2}");
        format!(
            "{sign}{grouped}{}",
            frac.trim_start_matches('0').trim_end_matches('0')
        )
    } else {
        format!("{sign}{grouped}")
    }
}

/// 8.48 → "8.48", 10.0 → "10".
fn trim_number(n: f64) -> String {
    let s = format!("{n:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// What placing an order produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Submission {
    pub form: RequestForm,
    /// One order per feature (the seed form makes exactly one).
    pub order_ids: Vec<String>,
    /// Features the provider refused, with status 200.
    pub errors: Vec<FeatureError>,
    pub workspace_id: String,
    /// `POST /v2/orders?workspaceId=…`, for the receipt.
    pub endpoint: String,
}

/// An order ready to be posted: what [`Client::place`] sends and a receipt records first.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedOrder {
    pub form: RequestForm,
    pub data_product: String,
    /// Canonical UUID.
    pub workspace_id: String,
    /// `POST /v2/orders?workspaceId=…` or `POST /workspaces/…/orders`.
    pub endpoint: String,
    /// The bytes posted, exactly the file's.
    pub body: Vec<u8>,
}

/// An order's state (`GET /v2/orders/{id}`).
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    pub id: String,
    pub display_name: Option<String>,
    pub status: String,
    /// `orderDetails.subStatus` (tasking only).
    pub sub_status: Option<String>,
    pub data_product_id: Option<String>,
    pub order_type: Option<String>,
}

/// One order of the provider's order list (see [`Client::find_orders`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ListedOrder {
    pub id: String,
    pub display_name: Option<String>,
    pub status: String,
    pub data_product_id: Option<String>,
    pub workspace_id: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn normalize(id: &str) -> Option<String> {
    crate::schema::cache::normalize_product_id(id)
}

/// What the user should do in a sub-status, in the provider's words.
pub fn sub_status_meaning(sub_status: &str) -> Option<&'static str> {
    Some(match sub_status {
        "FEASIBILITY_WAITING_UPLOAD" => "waiting for the feasibility study",
        "FEASIBILITY_WAITING_RESPONSE" => "choose a feasibility option",
        "QUOTATION_WAITING_UPLOAD" => "waiting for the quotation",
        "QUOTATION_WAITING_RESPONSE" => "accept or reject the quotation",
        "QUOTATION_ACCEPTED" => "the order is activated",
        "QUOTATION_REJECTED" => "the quotation was rejected",
        _ => return None,
    })
}

impl Client {
    /// The cost of `request` (either form; converted to the current one first).
    pub async fn estimate(&self, request: &Value) -> Result<Estimate, ApiError> {
        let body = to_current_form(request)?;
        let answer = self
            .execute(Call::new(Method::POST, "/v2/orders/estimate").json(&body))
            .await?;
        let body: Value = answer.json()?;
        let summary = body.get("summary").unwrap_or(&Value::Null);
        Ok(Estimate {
            total_credits: summary.get("totalCredits").and_then(Value::as_f64),
            total_size: summary.get("totalSize").and_then(Value::as_f64),
            unit: summary
                .get("unit")
                .and_then(Value::as_str)
                .map(str::to_string),
            errors: feature_errors(&body),
        })
    }

    /// Places the order in `text`: [`Client::plan_order`] then [`Client::place`].
    pub async fn submit(&self, text: &str) -> Result<Submission, ApiError> {
        let plan = self.plan_order(text).await?;
        self.place(&plan).await
    }

    /// Everything about placing the order in `text` that can be known before anything is
    /// sent: its form, the workspace (asked from the API when not configured) and the
    /// endpoint, so that a receipt can record the submission *before* the POST.
    ///
    /// # Errors
    /// [`ApiError::Invalid`] for text that is not a request; the workspace lookup's errors.
    pub async fn plan_order(&self, text: &str) -> Result<PlannedOrder, ApiError> {
        let request: Value = serde_json::from_str(text).map_err(|e| {
            ApiError::Invalid(format!(
                "the order request is not valid JSON ({}:{}: {e})",
                e.line(),
                e.column()
            ))
        })?;
        let form = request_form(&request)?;
        let data_product = data_product(&request).unwrap_or_default().to_string();
        let workspace_id = api_id("workspace", &self.workspace_id().await?)?;
        let endpoint = match form {
            RequestForm::Seed => format!("POST /workspaces/{workspace_id}/orders"),
            RequestForm::Current => format!("POST /v2/orders?workspaceId={workspace_id}"),
        };
        Ok(PlannedOrder {
            form,
            data_product,
            workspace_id,
            endpoint,
            body: text.as_bytes().to_vec(),
        })
    }

    /// Posts the planned order's bytes exactly as they are, once: never repeated after a
    /// timeout or a broken connection, never redirected. Only a 4xx answer is a refusal
    /// (nothing was placed); a connection refused before sending means nothing was sent.
    /// Anything else once the request may have reached the provider — a timeout, a reset,
    /// a 5xx (a gateway's 502/503/504 does not prove the order was not placed), a 3xx, an
    /// answer that cannot be read or is too large — is [`ApiError::OutcomeUnknown`].
    /// A 403 becomes [`ApiError::NoCollectionAccess`].
    pub async fn place(&self, plan: &PlannedOrder) -> Result<Submission, ApiError> {
        const WHAT: &str = "the order submission";
        let call = match plan.form {
            RequestForm::Seed => Call::new(
                Method::POST,
                format!("/workspaces/{}/orders", plan.workspace_id),
            ),
            RequestForm::Current => {
                Call::new(Method::POST, "/v2/orders").query("workspaceId", &plan.workspace_id)
            }
        };
        let call = call.raw_json(plan.body.clone()).effect(Effect::Write(WHAT));
        let unknown = |e: &ApiError| ApiError::OutcomeUnknown {
            what: WHAT.to_string(),
            cause: e.to_string(),
        };
        let answer = match self.execute(call).await {
            Ok(answer) => answer,
            Err(ApiError::Forbidden(problem)) => {
                return Err(ApiError::NoCollectionAccess {
                    data_product: plan.data_product.clone(),
                    problem,
                })
            }
            Err(e) => {
                return Err(match e.status() {
                    Some(status) if (400..500).contains(&status) => e,
                    Some(_) => unknown(&e),
                    None => match e {
                        ApiError::Redirect { .. }
                        | ApiError::Malformed { .. }
                        | ApiError::TooLarge { .. } => unknown(&e),
                        other => other,
                    },
                })
            }
        };
        let body: Value = answer.json().map_err(|e| unknown(&e))?;
        let (order_ids, errors) = match plan.form {
            RequestForm::Seed => {
                if let Some(Value::Object(_)) = body.get("error") {
                    // The legacy envelope can carry an error with a 2xx status.
                    let problem = self.problem(&answer);
                    return Err(ApiError::Http(Box::new(problem)));
                }
                let id = body
                    .pointer("/data/id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        unknown(&answer.malformed("an order answer without `data.id`"))
                    })?;
                (vec![id.to_string()], vec![])
            }
            RequestForm::Current => {
                let ids: Vec<String> = body
                    .get("results")
                    .and_then(Value::as_array)
                    .map(|r| {
                        r.iter()
                            .filter_map(|x| x.get("id").and_then(Value::as_str))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                let errors = feature_errors(&body);
                if ids.is_empty() && errors.is_empty() {
                    return Err(unknown(
                        &answer.malformed("an order answer without `results`"),
                    ));
                }
                (ids, errors)
            }
        };
        Ok(Submission {
            form: plan.form,
            order_ids,
            errors,
            workspace_id: plan.workspace_id.clone(),
            endpoint: plan.endpoint.clone(),
        })
    }

    /// The tasking orders of workspace `workspace_id` for `data_product` created in
    /// `[from, to]`, newest first (`GET /v2/orders?workspaceId=…&type=TASKING&sort=createdAt,desc`,
    /// the first 100, narrowed by `displayName` when given): where an order whose submission
    /// has an unknown outcome would show if it was placed. The provider's list filters are
    /// applied again here, so a provider that ignores one cannot widen the answer.
    ///
    /// # Errors
    /// Invalid ids, and every error of the call.
    pub async fn find_orders(
        &self,
        workspace_id: &str,
        data_product: &str,
        display_name: Option<&str>,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<ListedOrder>, ApiError> {
        let workspace_id = api_id("workspace", workspace_id)?;
        let data_product = api_id("product", data_product)?;
        let mut call = Call::get("/v2/orders")
            .query("workspaceId", &workspace_id)
            .query("type", "TASKING")
            .query("sort", "createdAt,desc")
            .query("size", 100);
        if let Some(name) = display_name {
            call = call.query("displayName", name);
        }
        let answer = self.execute(call).await?;
        let body: Value = answer.json()?;
        let content = body
            .get("content")
            .and_then(Value::as_array)
            .ok_or_else(|| answer.malformed("an order list without `content`"))?;
        let mut found: Vec<ListedOrder> = content
            .iter()
            .filter_map(|o| {
                let text = |p: &str| o.pointer(p).and_then(Value::as_str).map(str::to_string);
                let created_at = text("/createdAt")
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
                    .map(|t| t.with_timezone(&chrono::Utc))?;
                Some(ListedOrder {
                    id: text("/id")?,
                    display_name: text("/displayName"),
                    status: text("/status").unwrap_or_default(),
                    data_product_id: text("/dataProductId"),
                    workspace_id: text("/workspaceId"),
                    created_at,
                })
            })
            .filter(|o| {
                o.created_at >= from
                    && o.created_at <= to
                    && o.data_product_id.as_deref().and_then(normalize)
                        == Some(data_product.clone())
                    && o.workspace_id
                        .as_deref()
                        .is_none_or(|w| normalize(w) == Some(workspace_id.clone()))
                    && display_name.is_none_or(|n| o.display_name.as_deref() == Some(n))
            })
            .collect();
        found.sort_by_key(|o| std::cmp::Reverse(o.created_at));
        Ok(found)
    }

    /// `GET /v2/orders/{id}`.
    pub async fn order(&self, id: &str) -> Result<Order, ApiError> {
        let answer = self
            .execute(Call::get(format!("/v2/orders/{}", api_id("order", id)?)))
            .await?;
        let body: Value = answer.json()?;
        let text = |p: &str| body.pointer(p).and_then(Value::as_str).map(str::to_string);
        Ok(Order {
            id: text("/id").unwrap_or_else(|| id.to_string()),
            display_name: text("/displayName"),
            status: text("/status").ok_or_else(|| answer.malformed("an order without `status`"))?,
            sub_status: text("/orderDetails/subStatus"),
            data_product_id: text("/dataProductId"),
            order_type: text("/type"),
        })
    }
}

/// The canonical form (lowercase, hyphenated) of an order, quotation, study, workspace or
/// product id, which the provider documents as UUIDs; anything else — `.`, `..`, a path, a
/// query — is refused before it can reach a URL path or a file name.
///
/// # Errors
/// [`ApiError::InvalidId`] naming `what` and the text given.
pub fn api_id(what: &'static str, id: &str) -> Result<String, ApiError> {
    crate::schema::cache::normalize_product_id(id).ok_or_else(|| ApiError::InvalidId {
        what,
        id: id.chars().take(80).collect(),
    })
}
