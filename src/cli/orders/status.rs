//! `tasking-ls status ORDER`: the status of an order, or of the orders of a receipt. A
//! submission of the receipt whose outcome is unknown (the answer was lost, or the process
//! ended mid-request) is looked up in the provider's order list, and the user told what to
//! do either way.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::Value;

use crate::api::receipt::{read_receipt, receipt_path, Outcome, Receipt};
use crate::api::{sub_status_meaning, Client};

use super::{report, ApiContext, Console, EXIT_FAILURE, EXIT_OK};

/// How far before the recorded submission time an order may have been created (clocks
/// differ) and how long after it (a slow provider placed it late).
const BEFORE: chrono::TimeDelta = chrono::TimeDelta::minutes(10);
const AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(24);

#[derive(Args, Clone, Debug)]
pub struct StatusArgs {
    /// An order id, or a request file / `.order.json` receipt to read the ids from.
    pub order: String,
}

/// What `status` was pointed at.
struct Target {
    /// The order ids to show the status of.
    ids: Vec<String>,
    /// The receipt read, with its request file (when it exists).
    receipt: Option<(Receipt, Option<PathBuf>)>,
}

/// The order ids `arg` names: itself, or those of a receipt (or a request's receipt).
fn target(arg: &str) -> Result<Target, String> {
    let path = Path::new(arg);
    if !path.is_file() {
        return Ok(Target {
            ids: vec![arg.to_string()],
            receipt: None,
        });
    }
    let (receipt, request) = if let Some(stem) = arg.strip_suffix(".order.json") {
        let bytes = std::fs::read(path).map_err(|e| format!("{arg}: {e}"))?;
        let receipt = serde_json::from_slice::<Receipt>(&bytes)
            .map_err(|e| format!("{arg}: not an order receipt ({e})"))?;
        let request = PathBuf::from(format!("{stem}.json"));
        (receipt, request.is_file().then_some(request))
    } else {
        let receipt = read_receipt(path)?
            .ok_or_else(|| format!("{arg}: no receipt: it was not submitted"))?;
        (receipt, Some(path.to_path_buf()))
    };
    Ok(Target {
        ids: receipt.order_ids.clone(),
        receipt: Some((receipt, request)),
    })
}

/// The `displayName` of the request file (either form), if it has one.
fn display_name(request: Option<&Path>) -> Option<String> {
    let text = std::fs::read_to_string(request?).ok()?;
    let value: Value = serde_json::from_str(&text).ok()?;
    value
        .get("displayName")
        .or_else(|| value.pointer("/params/displayName"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// For each submission of `receipt` whose outcome is unknown: says so, searches the order
/// list for it, and says what to do.
async fn unknown_outcomes(
    client: &Client,
    receipt: &Receipt,
    request: Option<&Path>,
    console: &mut Console,
) {
    let name = display_name(request);
    let file = request.map_or_else(
        || "the request file".to_string(),
        |p| p.display().to_string(),
    );
    let receipt_file = request.map(receipt_path);
    for entry in receipt.all().filter(|e| e.outcome != Outcome::Placed) {
        let when = entry.submitted_at.format("%Y-%m-%d %H:%M:%S UTC");
        console.out(format!(
            "Submission of {when} ({}): outcome unknown{} — the order may have been placed.",
            entry.endpoint,
            match (&entry.outcome, &entry.note) {
                (Outcome::Pending, _) =>
                    " (the submitting process ended before the answer)".to_string(),
                (_, Some(note)) => format!(" ({note})"),
                _ => String::new(),
            }
        ));
        let named = name
            .as_deref()
            .map(|n| format!(" named \"{n}\""))
            .unwrap_or_default();
        match client
            .find_orders(
                &entry.workspace_id,
                &entry.data_product,
                name.as_deref(),
                entry.submitted_at - BEFORE,
                entry.submitted_at + AFTER,
            )
            .await
        {
            Ok(found) if found.is_empty() => console.out(format!(
                "  The order list of workspace {} has no order of product {}{named} created \
                 since {when} (less 10 minutes): it was most likely not placed. To place it, \
                 run `tasking-ls submit {file} --again`.",
                entry.workspace_id, entry.data_product
            )),
            Ok(found) => {
                console.out(format!(
                    "  The order list of workspace {} has {} order{} of product {}{named} \
                     created since then:",
                    entry.workspace_id,
                    found.len(),
                    if found.len() == 1 { "" } else { "s" },
                    entry.data_product
                ));
                for order in &found {
                    console.out(format!(
                        "    {} {}: {}, created {}",
                        order.id,
                        order
                            .display_name
                            .as_deref()
                            .map(|n| format!("\"{n}\""))
                            .unwrap_or_default(),
                        order.status,
                        order.created_at.format("%Y-%m-%d %H:%M:%S UTC")
                    ));
                }
                console.out(format!(
                    "  If one of these is this submission, it WAS placed: follow it with \
                     `tasking-ls status {}` and do not submit again.",
                    found[0].id
                ));
            }
            Err(e) => console.out(format!(
                "  The order list could not be searched ({e}). Look in the console's order \
                 list of workspace {} for an order of product {}{named} created around \
                 {when}; only if there is none, place it with `tasking-ls submit {file} \
                 --again`.",
                entry.workspace_id, entry.data_product
            )),
        }
        if let Some(receipt_file) = &receipt_file {
            console.out(format!("  (recorded in {})", receipt_file.display()));
        }
    }
}

/// `tasking-ls status ORDER_ID`.
pub async fn status(ctx: &ApiContext, args: &StatusArgs, console: &mut Console) -> i32 {
    let target = match target(&args.order) {
        Ok(target) => target,
        Err(e) => {
            console.err(format!("error: {e}"));
            return EXIT_FAILURE;
        }
    };
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    if let Some((receipt, request)) = &target.receipt {
        unknown_outcomes(&client, receipt, request.as_deref(), console).await;
    }
    let mut code = EXIT_OK;
    for id in target.ids {
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
