-- Minimal configuration of the end-to-end test: only this plugin, a server given by
-- $TASKING_LS_SERVER, offline, with its cache in the test's temporary folder.

local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
local plugin_root = vim.fn.fnamemodify(here, ':h')

vim.opt.runtimepath:prepend(plugin_root)
vim.opt.swapfile = false
vim.opt.more = false
vim.cmd('filetype on')

if os.getenv('TASKING_TEST_LSP_DEBUG') == '1' then
  vim.lsp.set_log_level('debug')
end

-- The plugin file is loaded by 'loadplugins' after this file; load it now so that the
-- test does not depend on that (it guards against a second load).
vim.cmd('runtime! plugin/tasking_ls.lua')

local tmp = assert(os.getenv('TASKING_TEST_DIR'), 'TASKING_TEST_DIR is not set')
local opts = {
  serverPath = assert(os.getenv('TASKING_LS_SERVER'), 'TASKING_LS_SERVER is not set'),
  offline = true,
  cacheDir = tmp .. '/server-cache',
}

-- TASKING_TEST_CLIENT_PATH=start|start_client forces an older client path on a newer Neovim.
local forced = os.getenv('TASKING_TEST_CLIENT_PATH')
if forced and forced ~= '' then
  vim.g.tasking_ls_client_path = forced
end

if os.getenv('TASKING_TEST_LAZY') == '1' then
  -- No setup(): the plugin starts by itself on the first order request, with vim.g.tasking_ls.
  vim.g.tasking_ls = opts
else
  require('tasking_ls').setup(opts)
end
