//! `tasking-ls quotation accept|reject ID`: decide on a quotation.

use clap::{Args, Subcommand};

use crate::api::Decision;

use super::{
    ask, decision_error, report, ApiContext, Confirmed, Console, EXIT_FAILURE, EXIT_OK,
    EXIT_REFUSED,
};

#[derive(Args, Clone, Debug)]
pub struct QuotationArgs {
    #[command(subcommand)]
    pub action: QuotationAction,
}

#[derive(Subcommand, Clone, Debug)]
pub enum QuotationAction {
    /// Accept a quotation: spends its credits and cannot be undone.
    Accept(DecideArgs),
    /// Reject a quotation: the order is not activated.
    Reject(DecideArgs),
}

#[derive(Args, Clone, Debug)]
pub struct DecideArgs {
    /// The quotation's id (shown by `tasking-ls status ORDER`).
    pub quotation_id: String,
    /// Confirm without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `tasking-ls quotation accept|reject ID [--yes]`.
pub async fn quotation(ctx: &ApiContext, args: &QuotationArgs, console: &mut Console) -> i32 {
    let (decision, args) = match &args.action {
        QuotationAction::Accept(a) => (Decision::Accepted, a),
        QuotationAction::Reject(a) => (Decision::Rejected, a),
    };
    let id = args.quotation_id.as_str();
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    let quotation = match client.quotation(id).await {
        Ok(Some(q)) => q,
        Ok(None) => {
            console.err(format!(
                "error: no quotation {id} is visible to this account"
            ));
            return EXIT_REFUSED;
        }
        Err(e) => return report(console, &e),
    };
    if quotation.decision != "NOT_DECIDED" {
        console.err(format!(
            "error: quotation {id} is already {} and cannot be changed",
            quotation.decision
        ));
        return EXIT_REFUSED;
    }
    let order = quotation.order_id.as_deref().unwrap_or("(unknown order)");
    let warning =
        match decision {
            Decision::Accepted => format!(
            "Accepting quotation {id} for order {order} spends {} credits. This cannot be undone.",
            quotation.credits_price.map_or("its".to_string(), crate::api::group_thousands)
        ),
            Decision::Rejected => format!(
                "Rejecting quotation {id} means order {order} will not be activated. This cannot \
             be undone."
            ),
        };
    console.out(&warning);
    let question = match decision {
        Decision::Accepted => "Accept the quotation and spend the credits?",
        Decision::Rejected => "Reject the quotation?",
    };
    match ask(console, args.yes, question) {
        Confirmed::Yes => {}
        Confirmed::No => {
            console.err("Nothing decided.");
            return EXIT_FAILURE;
        }
        Confirmed::NoTerminal => {
            console.err(
                "error: nothing decided: this needs a confirmation and stdin is not a terminal; \
                 pass --yes to confirm",
            );
            return EXIT_FAILURE;
        }
    }
    match client.decide_quotation(id, decision).await {
        Ok(q) => {
            console.out(format!("Quotation {}: {}.", q.id, q.decision));
            EXIT_OK
        }
        Err(e) => decision_error(console, "quotation", id, &e),
    }
}
