//! `taskingLs.orderStatus`: the status of the orders in the request's receipt.

use serde_json::json;
use tower_lsp_server::ls_types::*;

use super::{api, file_name, file_path, Failure, Outcome};
use crate::api::receipt::{read_receipt, receipt_path};
use crate::api::{group_thousands, sub_status_meaning};
use crate::lsp::state::Backend;
/// `taskingLs.orderStatus [uri]`: the orders of the request's receipt.
pub(super) async fn order_status(backend: &Backend, uri: Uri) -> Outcome {
    let what = "No order status";
    let api = api(backend, what)?;
    let path = file_path(&uri)?;
    let name = file_name(&uri);
    let receipt = read_receipt(&path)
        .map_err(|e| Failure(format!("{what}: {e}")))?
        .ok_or_else(|| {
            Failure(format!(
                "{what}: {name} has no receipt ({}): it was not submitted from here",
                receipt_path(&path).display()
            ))
        })?;
    let mut orders = vec![];
    let mut lines = vec![];
    for id in &receipt.order_ids {
        let report = match api.client.order_report(id).await {
            Ok(report) => report,
            Err(e) => {
                lines.push(format!("Order {id}: {e}"));
                orders.push(json!({"id": id, "error": e.to_string()}));
                continue;
            }
        };
        let order = &report.order;
        let mut line = format!("Order {}", order.id);
        if let Some(n) = &order.display_name {
            line.push_str(&format!(" \"{n}\""));
        }
        line.push_str(&format!(": {}", order.status));
        let meaning = order.sub_status.as_deref().and_then(sub_status_meaning);
        if let Some(sub) = &order.sub_status {
            line.push_str(&format!(", sub-status {sub}"));
            if let Some(meaning) = meaning {
                line.push_str(&format!(" ({meaning})"));
            }
        }
        let studies = match &report.studies {
            Ok(studies) => {
                for s in studies {
                    line.push_str(&format!("; feasibility study {}: {}", s.id, s.decision));
                    if s.decision == "NOT_DECIDED" && !s.options.is_empty() {
                        line.push_str(&format!(
                            " — choose one of {} options with `tasking-ls feasibility choose {} \
                             OPTION_ID`",
                            s.options.len(),
                            s.id
                        ));
                    }
                }
                json!(studies
                    .iter()
                    .map(|s| json!({
                        "id": s.id,
                        "decision": s.decision,
                        "chosenOption": s.decision_option,
                        "options": s.options.iter().map(|o| json!({
                            "id": o.id, "description": o.description,
                        })).collect::<Vec<_>>(),
                    }))
                    .collect::<Vec<_>>())
            }
            Err(e) => {
                line.push_str(&format!("; feasibility studies unavailable ({e})"));
                json!({"error": e.to_string()})
            }
        };
        let quotations = match &report.quotations {
            Ok(quotations) => {
                for q in quotations {
                    line.push_str(&format!("; quotation {}: {}", q.id, q.decision));
                    if let Some(price) = q.credits_price {
                        line.push_str(&format!(", {} credits", group_thousands(price)));
                    }
                    if q.decision == "NOT_DECIDED" {
                        line.push_str(&format!(
                            " — accept (spends the credits, cannot be undone) or reject with \
                             `tasking-ls quotation accept|reject {}`",
                            q.id
                        ));
                    }
                }
                json!(quotations
                    .iter()
                    .map(|q| json!({
                        "id": q.id, "decision": q.decision, "creditsPrice": q.credits_price,
                    }))
                    .collect::<Vec<_>>())
            }
            Err(e) => {
                line.push_str(&format!("; quotations unavailable ({e})"));
                json!({"error": e.to_string()})
            }
        };
        lines.push(line);
        orders.push(json!({
            "id": order.id,
            "displayName": order.display_name,
            "status": order.status,
            "subStatus": order.sub_status,
            "subStatusMeaning": meaning,
            "feasibilityStudies": studies,
            "quotations": quotations,
        }));
    }
    let failed = orders.iter().all(|o| o.get("error").is_some());
    if failed {
        return Err(Failure(format!("{what} for {name}: {}", lines.join(" "))));
    }
    backend
        .0
        .client
        .show_message(MessageType::INFO, lines.join("\n"))
        .await;
    Ok(json!({"orders": orders}))
}
