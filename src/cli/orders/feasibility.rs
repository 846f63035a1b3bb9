//! `tasking-ls feasibility choose STUDY OPTION`: choose one option of a feasibility study.

use clap::{Args, Subcommand};

use super::{
    ask, decision_error, report, ApiContext, Confirmed, Console, EXIT_FAILURE, EXIT_OK,
    EXIT_REFUSED,
};

#[derive(Args, Clone, Debug)]
pub struct FeasibilityArgs {
    #[command(subcommand)]
    pub action: FeasibilityAction,
}

#[derive(Subcommand, Clone, Debug)]
pub enum FeasibilityAction {
    /// Choose one option of a feasibility study.
    Choose(ChooseArgs),
}

#[derive(Args, Clone, Debug)]
pub struct ChooseArgs {
    /// The feasibility study's id (shown by `tasking-ls status ORDER`).
    pub study_id: String,
    /// The id of the option to choose, one of the study's options.
    pub option_id: String,
    /// Confirm without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `tasking-ls feasibility choose STUDY_ID OPTION_ID [--yes]`.
pub async fn feasibility(ctx: &ApiContext, args: &FeasibilityArgs, console: &mut Console) -> i32 {
    let FeasibilityAction::Choose(args) = &args.action;
    let (study_id, option_id) = (args.study_id.as_str(), args.option_id.as_str());
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    let study = match client.feasibility_study(study_id).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            console.err(format!(
                "error: no feasibility study {study_id} is visible to this account"
            ));
            return EXIT_REFUSED;
        }
        Err(e) => return report(console, &e),
    };
    if study.decision != "NOT_DECIDED" {
        console.err(format!(
            "error: feasibility study {study_id} is already decided ({}) and cannot be changed",
            study.decision
        ));
        return EXIT_REFUSED;
    }
    let Some(option) = study.options.iter().find(|o| o.id == option_id) else {
        let ids: Vec<&str> = study.options.iter().map(|o| o.id.as_str()).collect();
        console.err(format!(
            "error: feasibility study {study_id} has no option {option_id}; its options are: {}",
            if ids.is_empty() {
                "none yet".to_string()
            } else {
                ids.join(", ")
            }
        ));
        return EXIT_REFUSED;
    };
    console.out(format!(
        "Choosing option {option_id} ({}) for feasibility study {study_id} of order {}. The \
         choice cannot be changed afterwards.",
        option.description.as_deref().unwrap_or("no description"),
        study.order_id.as_deref().unwrap_or("(unknown order)")
    ));
    match ask(console, args.yes, "Choose this option?") {
        Confirmed::Yes => {}
        Confirmed::No => {
            console.err("Nothing chosen.");
            return EXIT_FAILURE;
        }
        Confirmed::NoTerminal => {
            console.err(
                "error: nothing chosen: this needs a confirmation and stdin is not a terminal; \
                 pass --yes to confirm",
            );
            return EXIT_FAILURE;
        }
    }
    match client.choose_feasibility_option(study_id, option_id).await {
        Ok(s) => {
            console.out(format!("Feasibility study {}: {}.", s.id, s.decision));
            EXIT_OK
        }
        Err(e) => decision_error(console, "feasibility study", study_id, &e),
    }
}
