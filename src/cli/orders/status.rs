//! `tasking-ls status ORDER`: the status of an order, or of the orders of a receipt.

use std::path::Path;

use clap::Args;

use crate::api::receipt::{read_receipt, Receipt};
use crate::api::{sub_status_meaning, Client};

use super::{report, ApiContext, Console, EXIT_FAILURE, EXIT_OK};

#[derive(Args, Clone, Debug)]
pub struct StatusArgs {
    /// An order id, or a request file / `.order.json` receipt to read the ids from.
    pub order: String,
}

/// The order ids `arg` names: itself, or those of a receipt (or a request's receipt).
fn order_ids(arg: &str) -> Result<Vec<String>, String> {
    let path = Path::new(arg);
    if !path.is_file() {
        return Ok(vec![arg.to_string()]);
    }
    let receipt = if arg.ends_with(".order.json") {
        let bytes = std::fs::read(path).map_err(|e| format!("{arg}: {e}"))?;
        serde_json::from_slice::<Receipt>(&bytes)
            .map_err(|e| format!("{arg}: not an order receipt ({e})"))?
    } else {
        read_receipt(path)?.ok_or_else(|| format!("{arg}: no receipt: it was not submitted"))?
    };
    Ok(receipt.order_ids)
}

/// `tasking-ls status ORDER_ID`.
pub async fn status(ctx: &ApiContext, args: &StatusArgs, console: &mut Console) -> i32 {
    let ids = match order_ids(&args.order) {
        Ok(ids) => ids,
        Err(e) => {
            console.err(format!("error: {e}"));
            return EXIT_FAILURE;
        }
    };
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    let mut code = EXIT_OK;
    for id in ids {
        code = code.max(order_status(&client, &id, console).await);
    }
    code
}

async fn order_status(client: &Client, id: &str, console: &mut Console) -> i32 {
    let order = match client.order(id).await {
        Ok(o) => o,
        Err(e) => return report(console, &e),
    };
    let name = order
        .display_name
        .as_deref()
        .map(|n| format!(" \"{n}\""))
        .unwrap_or_default();
    console.out(format!("Order {}{name}: {}", order.id, order.status));
    if let Some(sub) = &order.sub_status {
        match sub_status_meaning(sub) {
            Some(meaning) => console.out(format!("  sub-status: {sub} ({meaning})")),
            None => console.out(format!("  sub-status: {sub}")),
        }
    }
    if order.order_type.as_deref().is_some_and(|t| t != "TASKING") {
        return EXIT_OK;
    }
    match client.feasibility_studies(&order.id).await {
        Ok(studies) => {
            for study in studies {
                console.out(format!(
                    "  feasibility study {}: {}",
                    study.id, study.decision
                ));
                for option in &study.options {
                    let chosen = if study.decision_option.as_deref() == Some(&option.id) {
                        " (chosen)"
                    } else {
                        ""
                    };
                    let description = option.description.as_deref().unwrap_or("");
                    console.out(format!("    option {}{chosen}: {description}", option.id));
                }
                if study.decision == "NOT_DECIDED" {
                    console.out(format!(
                        "    choose with: tasking-ls feasibility choose {} OPTION_ID",
                        study.id
                    ));
                }
            }
        }
        Err(e) => console.err(format!("warning: feasibility studies unavailable: {e}")),
    }
    match client.quotations(&order.id).await {
        Ok(quotations) => {
            for q in quotations {
                let price = q
                    .credits_price
                    .map(|c| format!(", {} credits", crate::api::group_thousands(c)));
                console.out(format!(
                    "  quotation {}: {}{}",
                    q.id,
                    q.decision,
                    price.unwrap_or_default()
                ));
                if q.decision == "NOT_DECIDED" {
                    console.out(format!(
                        "    decide with: tasking-ls quotation accept {0} (spends the credits, \
                         cannot be undone) or tasking-ls quotation reject {0}",
                        q.id
                    ));
                }
            }
        }
        Err(e) => console.err(format!("warning: quotations unavailable: {e}")),
    }
    EXIT_OK
}
