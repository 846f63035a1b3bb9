//! After an order is placed: its feasibility studies (choose an option) and quotations
//! (accept, which spends credits and cannot be undone, or reject).

use reqwest::Method;
use serde_json::{json, Value};

use super::client::{Call, Client, Effect};
use super::error::ApiError;
use super::orders::api_id;

/// A quotation's decision as sent to the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Accepted,
    Rejected,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accepted => "ACCEPTED",
            Decision::Rejected => "REJECTED",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Quotation {
    pub id: String,
    pub order_id: Option<String>,
    /// `NOT_DECIDED`, `ACCEPTED` or `REJECTED`.
    pub decision: String,
    pub credits_price: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FeasibilityOption {
    pub id: String,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FeasibilityStudy {
    pub id: String,
    pub order_id: Option<String>,
    /// `NOT_DECIDED` or `ACCEPTED`.
    pub decision: String,
    pub options: Vec<FeasibilityOption>,
    /// The option chosen, once decided.
    pub decision_option: Option<String>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn quotation(v: &Value) -> Option<Quotation> {
    Some(Quotation {
        id: text(v, "id")?,
        order_id: text(v, "orderId"),
        decision: text(v, "decision").unwrap_or_else(|| "NOT_DECIDED".to_string()),
        credits_price: v.get("creditsPrice").and_then(Value::as_f64),
    })
}

fn study(v: &Value) -> Option<FeasibilityStudy> {
    let options = v
        .get("options")
        .and_then(Value::as_array)
        .map(|o| {
            o.iter()
                .filter_map(|o| {
                    Some(FeasibilityOption {
                        id: text(o, "id")?,
                        description: text(o, "description"),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(FeasibilityStudy {
        id: text(v, "id")?,
        order_id: text(v, "orderId"),
        decision: text(v, "decision").unwrap_or_else(|| "NOT_DECIDED".to_string()),
        options,
        decision_option: v
            .pointer("/decisionOption/id")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

impl Client {
    async fn page(&self, path: &str, key: &str, value: &str) -> Result<Vec<Value>, ApiError> {
        let answer = self
            .execute(Call::get(path).query(key, value).query("size", 100))
            .await?;
        let body: Value = answer.json()?;
        body.get("content")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| answer.malformed("a page without `content`"))
    }

    /// The quotations of an order.
    pub async fn quotations(&self, order_id: &str) -> Result<Vec<Quotation>, ApiError> {
        let items = self
            .page(
                "/v2/tasking/quotation",
                "orderId",
                &api_id("order", order_id)?,
            )
            .await?;
        Ok(items.iter().filter_map(quotation).collect())
    }

    /// One quotation by id, if the provider knows it.
    pub async fn quotation(&self, id: &str) -> Result<Option<Quotation>, ApiError> {
        let id = api_id("quotation", id)?;
        let items = self.page("/v2/tasking/quotation", "id", &id).await?;
        Ok(items.iter().filter_map(quotation).find(|q| q.id == id))
    }

    /// `PATCH /v2/tasking/quotation/{id}`. Accepting spends the quotation's credits and
    /// cannot be undone; the caller confirms first.
    pub async fn decide_quotation(
        &self,
        id: &str,
        decision: Decision,
    ) -> Result<Quotation, ApiError> {
        let path = format!("/v2/tasking/quotation/{}", api_id("quotation", id)?);
        let call = Call::new(Method::PATCH, path)
            .json(&json!({ "decision": decision.as_str() }))
            .effect(Effect::Write("the quotation decision"));
        let answer = self.execute(call).await?;
        let body: Value = answer.json()?;
        quotation(&body).ok_or_else(|| answer.malformed("a quotation without `id`"))
    }

    /// The feasibility studies of an order.
    pub async fn feasibility_studies(
        &self,
        order_id: &str,
    ) -> Result<Vec<FeasibilityStudy>, ApiError> {
        let items = self
            .page(
                "/v2/tasking/feasibility-studies",
                "orderId",
                &api_id("order", order_id)?,
            )
            .await?;
        Ok(items.iter().filter_map(study).collect())
    }

    /// One feasibility study by id, if the provider knows it.
    pub async fn feasibility_study(&self, id: &str) -> Result<Option<FeasibilityStudy>, ApiError> {
        let id = api_id("feasibility study", id)?;
        let items = self
            .page("/v2/tasking/feasibility-studies", "id", &id)
            .await?;
        Ok(items.iter().filter_map(study).find(|s| s.id == id))
    }

    /// `PATCH /v2/tasking/feasibility-studies/{id}` choosing `option_id`.
    pub async fn choose_feasibility_option(
        &self,
        study_id: &str,
        option_id: &str,
    ) -> Result<FeasibilityStudy, ApiError> {
        let path = format!(
            "/v2/tasking/feasibility-studies/{}",
            api_id("feasibility study", study_id)?
        );
        let call = Call::new(Method::PATCH, path)
            .json(&json!({ "acceptedOptionId": option_id }))
            .effect(Effect::Write("the feasibility decision"));
        let answer = self.execute(call).await?;
        let body: Value = answer.json()?;
        study(&body).ok_or_else(|| answer.malformed("a feasibility study without `id`"))
    }
}

/// Everything `status` shows about one order: the order, and for tasking orders its
/// feasibility studies and quotations (each may fail on its own without hiding the rest).
#[derive(Clone, Debug)]
pub struct OrderReport {
    pub order: super::Order,
    pub studies: Result<Vec<FeasibilityStudy>, ApiError>,
    pub quotations: Result<Vec<Quotation>, ApiError>,
}

impl Client {
    /// The order `id` with its feasibility studies and quotations.
    pub async fn order_report(&self, id: &str) -> Result<OrderReport, ApiError> {
        let order = self.order(id).await?;
        if order.order_type.as_deref().is_some_and(|t| t != "TASKING") {
            return Ok(OrderReport {
                order,
                studies: Ok(vec![]),
                quotations: Ok(vec![]),
            });
        }
        let studies = self.feasibility_studies(&order.id).await;
        let quotations = self.quotations(&order.id).await;
        Ok(OrderReport {
            order,
            studies,
            quotations,
        })
    }
}
