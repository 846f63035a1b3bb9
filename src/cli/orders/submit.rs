//! `tasking-ls submit FILE`: place the order, once. The file is checked first (the same
//! checks as `validate`; an error means nothing is sent), its receipt is locked and proven
//! writable, the submission is recorded as pending before the POST and completed after, so a
//! lost answer, a crash or a concurrent run never leads to a second order without `--again`.

use std::path::PathBuf;

use clap::Args;
use serde_json::Value;

use crate::api::receipt::{Fingerprint, Finish, Outcome};
use crate::api::{request_form, ErrorKind, RequestForm};

use super::{
    check_request, confirm_placement, open_receipts, read_request, refuse_for_errors, report,
    ApiContext, Console, EXIT_FAILURE, EXIT_OK, EXIT_REFUSED,
};

#[derive(Args, Clone, Debug)]
pub struct SubmitArgs {
    /// The order request file; its bytes are posted exactly as they are.
    pub file: PathBuf,
    /// Confirm placing the order without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Confirm placing content that was already submitted (its receipt matches, whatever
    /// the outcome recorded) once more.
    #[arg(long)]
    pub again: bool,
}

/// `tasking-ls submit FILE [--yes] [--again]`.
pub async fn submit(ctx: &ApiContext, args: &SubmitArgs, console: &mut Console) -> i32 {
    let (text, request) = match read_request(console, &args.file) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let warnings = match check_request(ctx, console, &args.file, &text) {
        Ok(w) => w,
        Err(code) => {
            if code == EXIT_REFUSED {
                refuse_for_errors(console, &args.file);
            }
            return code;
        }
    };
    let sha = Fingerprint::of(text.as_bytes());
    let (mut book, earlier) =
        match open_receipts(console, &args.file, ctx.cache_dir.as_deref(), &sha).await {
            Ok(found) => found,
            Err(code) => return code,
        };
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    let plan = match client.plan_order(&text).await {
        Ok(plan) => plan,
        Err(e) => return report(console, &e),
    };
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
        "Order \"{name}\" for product {} into workspace {} ({form}).",
        plan.data_product, plan.workspace_id
    ));
    if warnings > 0 {
        console.out(format!(
            "The file has {warnings} warning{} (listed above).",
            if warnings == 1 { "" } else { "s" }
        ));
    }
    match client.estimate(&request).await {
        Ok(estimate) => console.out(format!(
            "Estimated cost: {} (credits are charged when you accept the quotation).",
            estimate.summary()
        )),
        Err(e) => console.out(format!("Estimated cost: unavailable ({e}).")),
    }
    let unknown = earlier.iter().any(|r| r.outcome != Outcome::Placed);
    if let Some(previous) = earlier.first() {
        console.out(format!(
            "This exact content was already submitted {}{} (see {}).",
            previous.describe(),
            previous.layout_note(&sha),
            book.path().display()
        ));
        if unknown {
            console.out(
                "Check your order list in the console (or `tasking-ls status ORDER_ID`) before \
                 placing it again.",
            );
        }
    }
    if let Err(code) = confirm_placement(console, args.yes, args.again, &earlier, "your order list")
    {
        return code;
    }
    if let Err(e) = book.begin(&sha, &plan.data_product, &plan.workspace_id, &plan.endpoint) {
        console.err(format!("error: {e}"));
        return EXIT_FAILURE;
    }
    let result = client.place(&plan).await;
    let (finish, mut code) = match &result {
        Ok(submission) if !submission.order_ids.is_empty() => (
            Finish::Placed {
                order_ids: submission.order_ids.clone(),
                workspace_id: submission.workspace_id.clone(),
                endpoint: submission.endpoint.clone(),
            },
            if submission.errors.is_empty() {
                EXIT_OK
            } else {
                EXIT_REFUSED
            },
        ),
        Ok(_) => (Finish::NotPlaced, EXIT_REFUSED),
        Err(e) if e.kind() == ErrorKind::OutcomeUnknown => {
            (Finish::Unknown(e.to_string()), e.exit_code())
        }
        Err(e) => (Finish::NotPlaced, e.exit_code()),
    };
    let finished = book.finish(finish);
    match &result {
        Ok(submission) => {
            for id in &submission.order_ids {
                console.out(format!("Order placed: {id}"));
            }
            for error in &submission.errors {
                console.err(format!("error: not placed: {error}"));
            }
        }
        Err(e) => {
            console.err(format!("error: {e}"));
            if e.kind() == ErrorKind::OutcomeUnknown {
                console.err(
                    "The submission is recorded with an unknown outcome: a rerun asks for \
                     --again. Check your order list before placing it again.",
                );
            }
        }
    }
    match (&finished.problem, &finished.path) {
        (None, Some(path)) => console.out(format!("Receipt: {}", path.display())),
        (Some(problem), fallback) => {
            let ids = result
                .as_ref()
                .map(|s| s.order_ids.join(", "))
                .unwrap_or_default();
            console.err(format!(
                "error: THE RECEIPT NEXT TO THE FILE COULD NOT BE WRITTEN ({problem}){}{}",
                if ids.is_empty() {
                    String::new()
                } else {
                    format!("; the order WAS placed: {ids} — keep this id")
                },
                match fallback {
                    Some(path) =>
                        format!("; the receipt was written to {} instead", path.display()),
                    None => "; no receipt was written anywhere".to_string(),
                }
            ));
            code = EXIT_FAILURE;
        }
        (None, None) => {}
    }
    if let Ok(submission) = &result {
        if let Some(first) = submission.order_ids.first() {
            console.out(format!("Follow it with: tasking-ls status {first}"));
        }
    }
    code
}
