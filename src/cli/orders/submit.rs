//! `tasking-ls submit FILE`: place the order, once: confirmed, never retried, its receipt
//! written next to the file.

use std::path::PathBuf;

use chrono::Utc;
use clap::Args;
use serde_json::Value;

use crate::api::receipt::{body_sha256, read_receipt, receipt_path, write_receipt, Receipt};
use crate::api::{data_product, request_form, RequestForm};

use super::{
    ask, read_request, report, ApiContext, Confirmed, Console, EXIT_FAILURE, EXIT_OK, EXIT_REFUSED,
};

#[derive(Args, Clone, Debug)]
pub struct SubmitArgs {
    /// The order request file; its bytes are posted exactly as they are.
    pub file: PathBuf,
    /// Confirm placing the order without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Confirm placing content that was already submitted (its receipt matches) once more.
    #[arg(long)]
    pub again: bool,
}

/// `tasking-ls submit FILE [--yes] [--again]`.
pub async fn submit(ctx: &ApiContext, args: &SubmitArgs, console: &mut Console) -> i32 {
    let (text, request) = match read_request(console, &args.file) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let sha = body_sha256(text.as_bytes());
    let receipt = match read_receipt(&args.file) {
        Ok(r) => r,
        Err(e) => {
            console.err(format!(
                "error: {e}; move it away or fix it before submitting (it records earlier orders)"
            ));
            return EXIT_FAILURE;
        }
    };
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    let workspace = match client.workspace_id().await {
        Ok(ws) => ws,
        Err(e) => return report(console, &e),
    };
    let product = data_product(&request).unwrap_or_default().to_string();
    let name = request
        .get("displayName")
        .or_else(|| request.pointer("/params/displayName"))
        .and_then(Value::as_str)
        .unwrap_or("(no name)");
    let form = match request_form(&request) {
        Ok(RequestForm::Seed) => "seed form, POST /workspaces/{workspaceId}/orders",
        _ => "current form, POST /v2/orders",
    };
    console.out(format!(
        "Order \"{name}\" for product {product} into workspace {workspace} ({form})."
    ));
    match client.estimate(&request).await {
        Ok(estimate) => console.out(format!(
            "Estimated cost: {} (credits are charged when you accept the quotation).",
            estimate.summary()
        )),
        Err(e) => console.out(format!("Estimated cost: unavailable ({e}).")),
    }
    let earlier: Vec<&Receipt> = receipt
        .as_ref()
        .map(|r| r.matching(&sha))
        .unwrap_or_default();
    if let Some(previous) = earlier.first() {
        console.out(format!(
            "This exact content was already submitted on {} as order {} (see {}).",
            previous.submitted_at.format("%Y-%m-%d %H:%M UTC"),
            previous.order_ids.join(", "),
            receipt_path(&args.file).display()
        ));
    }
    match ask(console, args.yes, "Place this order?") {
        Confirmed::Yes => {}
        Confirmed::No => {
            console.err("Not submitted.");
            return EXIT_FAILURE;
        }
        Confirmed::NoTerminal => {
            console.err(
                "error: not submitted: placing an order needs a confirmation and stdin is not a \
                 terminal; pass --yes to confirm",
            );
            return EXIT_FAILURE;
        }
    }
    if !earlier.is_empty() {
        match ask(
            console,
            args.again,
            "Place it AGAIN, as a second, separate order?",
        ) {
            Confirmed::Yes => {}
            Confirmed::No => {
                console.err("Not submitted again.");
                return EXIT_FAILURE;
            }
            Confirmed::NoTerminal => {
                console.err(
                    "error: not submitted: this content was already ordered; to place it a \
                     second time pass --again together with --yes",
                );
                return EXIT_FAILURE;
            }
        }
    }
    let submission = match client.submit(&text).await {
        Ok(s) => s,
        Err(e) => return report(console, &e),
    };
    for id in &submission.order_ids {
        console.out(format!("Order placed: {id}"));
    }
    for error in &submission.errors {
        console.err(format!("error: not placed: {error}"));
    }
    let mut code = if submission.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_REFUSED
    };
    if !submission.order_ids.is_empty() {
        let receipt = Receipt {
            order_id: submission.order_ids.first().cloned(),
            order_ids: submission.order_ids.clone(),
            submitted_at: Utc::now(),
            data_product: product,
            workspace_id: submission.workspace_id.clone(),
            body_sha256: sha,
            endpoint: submission.endpoint.clone(),
            earlier: vec![],
        };
        match write_receipt(&args.file, receipt) {
            Ok(path) => console.out(format!("Receipt: {}", path.display())),
            Err(e) => {
                console.err(format!(
                    "error: the order was placed but its receipt could not be written ({e}); \
                     keep the order id above"
                ));
                code = EXIT_FAILURE;
            }
        }
        console.out(format!(
            "Follow it with: tasking-ls status {}",
            submission
                .order_ids
                .first()
                .map(String::as_str)
                .unwrap_or_default()
        ));
    }
    code
}
