//! `tasking-ls quote FILE`: the cost estimate of an order request.

use std::path::PathBuf;

use clap::Args;

use super::{check_request, read_request, report, ApiContext, Console, EXIT_OK, EXIT_REFUSED};

#[derive(Args, Clone, Debug)]
pub struct QuoteArgs {
    /// The order request file.
    pub file: PathBuf,
}

/// `tasking-ls quote FILE`.
pub async fn quote(ctx: &ApiContext, args: &QuoteArgs, console: &mut Console) -> i32 {
    let (text, request) = match read_request(console, &args.file) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // Said first, so nobody takes the estimate for a request the provider would accept.
    let has_errors = match check_request(ctx, console, &args.file, &text) {
        Ok(_) => false,
        Err(EXIT_REFUSED) => {
            console.err(format!(
                "error: {} has errors (listed above): the provider will refuse this order as \
                 it is; the estimate below is only indicative",
                args.file.display()
            ));
            true
        }
        Err(code) => return code,
    };
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    match client.estimate(&request).await {
        Ok(estimate) => {
            console.out(format!("{}: {}", args.file.display(), estimate.summary()));
            for error in &estimate.errors {
                console.err(format!("error: {}: {error}", args.file.display()));
            }
            if estimate.errors.is_empty() && !has_errors {
                EXIT_OK
            } else {
                EXIT_REFUSED
            }
        }
        Err(e) => report(console, &e).max(if has_errors { EXIT_REFUSED } else { EXIT_OK }),
    }
}
