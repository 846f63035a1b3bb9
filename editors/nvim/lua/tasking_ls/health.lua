--- :checkhealth tasking_ls — the server executable, the client path, credentials (never their values).

local M = {}

local h = vim.health or {}
local start = h.start or h.report_start or require('health').report_start
local ok = h.ok or h.report_ok or require('health').report_ok
local warn = h.warn or h.report_warn or require('health').report_warn
local error_ = h.error or h.report_error or require('health').report_error
local info = h.info or h.report_info or require('health').report_info

function M.check()
  local ls = require('tasking_ls')
  start('tasking_ls')

  if vim.fn.has('nvim-0.7') == 1 then
    ok(('Neovim %s; client path: %s'):format(tostring(vim.version and vim.version() and
      (vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch) or '?'), ls.client_path()))
  else
    error_('Neovim 0.7 or newer is required')
  end

  if ls._enabled then
    ok('setup() has run')
  else
    info('setup() has not run yet; defaults are used when the first *_tasking_request.json is opened')
  end

  local cmd = ls.cmd()
  if vim.fn.executable(cmd[1]) == 1 then
    local out = vim.fn.system({ cmd[1], '--version' })
    if vim.v.shell_error == 0 then
      ok(('server: %s (%s)'):format(vim.fn.exepath(cmd[1]), vim.trim(out)))
    else
      warn(('server %s found, but `--version` failed: %s'):format(cmd[1], vim.trim(out)))
    end
  else
    error_(('server executable not found: %s'):format(cmd[1]), {
      'Build it with `cargo build --release` and put target/release/tasking-ls on PATH,',
      "or call require('tasking_ls').setup({ serverPath = '/path/to/tasking-ls' }).",
    })
  end

  local s = ls.server_settings()
  info('file patterns: ' .. table.concat(s.filePatterns, ', '))
  info('settings sent to the server: ' .. vim.inspect(s, { newline = ' ', indent = '' }))

  local function set(name)
    local v = vim.env[name]
    return v ~= nil and vim.trim(v) ~= ''
  end
  if set('UP42_TOKEN') then
    ok('credentials: UP42_TOKEN is set')
  elseif set('UP42_USERNAME') and set('UP42_PASSWORD') then
    ok('credentials: UP42_USERNAME and UP42_PASSWORD are set')
  elseif set('UP42_PROJECT_ID') and set('UP42_PROJECT_API_KEY') then
    ok('credentials: UP42_PROJECT_ID and UP42_PROJECT_API_KEY are set')
  else
    warn('no credentials in the environment: validation works, quotes and orders do not', {
      'Start Neovim with UP42_TOKEN, or UP42_USERNAME + UP42_PASSWORD, in its environment',
      '(the server may also read its own credentials file).',
    })
  end

  local clients = ls.get_clients()
  if #clients > 0 then
    for _, c in ipairs(clients) do
      ok(('client %d running, root %s'):format(c.id, tostring(c.config.root_dir)))
    end
  else
    info('no tasking-ls client is running')
  end
end

return M
