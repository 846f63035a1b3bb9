--- tasking_ls: attaches the tasking-ls language server to order request files
--- (`*_tasking_request.json`) and exposes its commands, on Neovim 0.7 to 0.12.
---
--- Three client paths, chosen by what the running Neovim offers:
---   0.11+     vim.lsp.config() + vim.lsp.enable()
---   0.8-0.10  vim.lsp.start() from autocommands
---   0.7       vim.lsp.start_client() + vim.lsp.buf_attach_client(), one client per root

local M = {}

M.name = 'tasking_ls'

local defaults = {
  serverPath = 'tasking-ls',
  serverArgs = {},
  apiUrl = nil,
  workspaceId = nil,
  filePatterns = { '*_tasking_request.json' },
  offline = false,
  schemaDir = nil,
  cacheDir = nil,
  -- Markers of a project root; without one the file's own folder is the root.
  rootMarkers = { '.git' },
  -- Extra fields merged into the client configuration (handlers, on_attach, capabilities...).
  lsp = {},
}

M.config = vim.deepcopy(defaults)

local function has(feature)
  return vim.fn.has(feature) == 1
end

--- Which client path this Neovim takes: 'config' (0.11+), 'start' (0.8-0.10) or 'start_client' (0.7).
function M.client_path()
  -- Tests force an older path on a newer Neovim with vim.g.tasking_ls_client_path.
  local forced = vim.g.tasking_ls_client_path
  if forced == 'config' or forced == 'start' or forced == 'start_client' then
    return forced
  end
  if vim.lsp.config ~= nil and vim.lsp.enable ~= nil and has('nvim-0.11') then
    return 'config'
  elseif vim.lsp.start ~= nil then
    return 'start'
  end
  return 'start_client'
end

local function blank(v)
  return v == nil or v == vim.NIL or (type(v) == 'string' and vim.trim(v) == '')
end

local function expand(path)
  if blank(path) then
    return nil
  end
  return vim.fn.expand(path)
end

--- The settings the server receives, as initializationOptions and as the `taskingLs`
--- section of `workspace/configuration`. Blank values are left out.
function M.server_settings(cfg)
  cfg = cfg or M.config
  local s = {
    filePatterns = (cfg.filePatterns and #cfg.filePatterns > 0) and cfg.filePatterns or defaults.filePatterns,
    offline = cfg.offline == true,
  }
  if not blank(cfg.apiUrl) then
    s.apiUrl = cfg.apiUrl
  end
  if not blank(cfg.workspaceId) then
    s.workspaceId = cfg.workspaceId
  end
  s.schemaDir = expand(cfg.schemaDir)
  s.cacheDir = expand(cfg.cacheDir)
  return s
end

--- The server's command line.
function M.cmd(cfg)
  cfg = cfg or M.config
  local server = cfg.serverPath
  if blank(server) then
    server = defaults.serverPath
  end
  if server:find('[/\\~]') then
    server = vim.fn.fnamemodify(vim.fn.expand(server), ':p')
  end
  local cmd = { server }
  vim.list_extend(cmd, cfg.serverArgs or {})
  table.insert(cmd, 'serve')
  return cmd
end

--- A glob as a Vim regular expression, with the server's meaning (globset, literal
--- separator): `*` and `?` stay inside one folder, `**` spans folders, `{a,b}` alternates,
--- `[abc]`/`[!abc]` are classes. Vim's glob2regpat lets `*` cross `/`, hence this.
function M.glob_to_regex(glob)
  local out, i, depth = { '\\V\\^' }, 1, 0
  while i <= #glob do
    local c = glob:sub(i, i)
    if glob:sub(i, i + 2) == '**/' then
      table.insert(out, '\\%(\\.\\*/\\)\\=')
      i = i + 3
    elseif glob:sub(i, i + 1) == '**' then
      table.insert(out, '\\.\\*')
      i = i + 2
    else
      if c == '*' then
        table.insert(out, '\\[^/]\\*')
      elseif c == '?' then
        table.insert(out, '\\[^/]')
      elseif c == '{' then
        depth = depth + 1
        table.insert(out, '\\%(')
      elseif c == '}' and depth > 0 then
        depth = depth - 1
        table.insert(out, '\\)')
      elseif c == ',' and depth > 0 then
        table.insert(out, '\\|')
      elseif c == '[' and glob:find(']', i + 1, true) then
        local close = glob:find(']', i + 1, true)
        local body = glob:sub(i + 1, close - 1):gsub('^!', '^'):gsub('\\', '\\\\')
        table.insert(out, '\\[' .. body .. ']')
        i = close
      elseif c == '\\' then
        table.insert(out, '\\\\')
      else
        table.insert(out, c)
      end
      i = i + 1
    end
  end
  table.insert(out, '\\$')
  return table.concat(out)
end

--- Whether a file name matches one of the configured patterns, with the server's meaning
--- (src/config/patterns.rs): a pattern without `/` matches the file name in any folder; one
--- with `/` matches the end of the path, as if it started with `**/`, unless it starts with
--- `/` or `**/`.
function M.matches(fname, cfg)
  cfg = cfg or M.config
  if blank(fname) then
    return false
  end
  fname = fname:gsub('\\', '/')
  if fname:sub(1, 1) ~= '/' then
    fname = '/' .. fname
  end
  for _, pat in ipairs(M.server_settings(cfg).filePatterns) do
    local p = pat:gsub('\\', '/')
    if p:sub(1, 1) ~= '/' and p:sub(1, 3) ~= '**/' then
      p = '**/' .. p
    end
    if vim.fn.match(fname, M.glob_to_regex(p)) >= 0 then
      return true
    end
  end
  return false
end

--- The project root of a file: the closest folder above it holding a root marker, else its folder.
function M.root_dir(fname, cfg)
  cfg = cfg or M.config
  local dir = vim.fn.fnamemodify(fname, ':p:h')
  local markers = cfg.rootMarkers or defaults.rootMarkers
  local current = dir
  while true do
    for _, marker in ipairs(markers) do
      if (vim.uv or vim.loop).fs_stat(current .. '/' .. marker) then
        return current
      end
    end
    local parent = vim.fn.fnamemodify(current, ':h')
    if parent == current then
      break
    end
    current = parent
  end
  return dir
end

local function buf_name(bufnr)
  return vim.api.nvim_buf_get_name(bufnr)
end

local function attachable(bufnr, cfg)
  return vim.api.nvim_buf_is_valid(bufnr)
    and vim.bo[bufnr].buftype == ''
    and M.matches(buf_name(bufnr), cfg)
end

--- The filetypes the 0.11+ config is limited to: `tasking-request` (the plugin's filetype for
--- the default pattern) and json when every pattern names .json files, otherwise every filetype
--- (the root_dir callback filters by file name anyway).
local function filetypes(cfg)
  for _, pat in ipairs(M.server_settings(cfg).filePatterns) do
    if not pat:match('%.json$') then
      return nil
    end
  end
  return { 'tasking-request', 'json' }
end

--- The client configuration shared by every path (without root_dir, which differs).
local function base_config(cfg)
  local settings = M.server_settings(cfg)
  local c = {
    name = M.name,
    cmd = M.cmd(cfg),
    init_options = settings,
    settings = { taskingLs = settings },
  }
  if not has('nvim-0.8') then
    -- 0.7 does not push the settings by itself after initialize.
    c.on_init = function(client)
      client.notify('workspace/didChangeConfiguration', { settings = c.settings })
    end
  end
  return vim.tbl_deep_extend('force', c, cfg.lsp or {})
end

-- Path 0.7: one client per root, reused across buffers.
local clients_by_root = {}

local function attach_07(bufnr, cfg)
  local root = M.root_dir(buf_name(bufnr), cfg)
  local id = clients_by_root[root]
  -- Not vim.lsp.client_is_stopped(): it is also true while the client is still initializing.
  local existing = id and vim.lsp.get_client_by_id(id)
  if existing == nil or existing.is_stopped() then
    local c = base_config(cfg)
    c.root_dir = root
    c.workspace_folders = { { uri = vim.uri_from_fname(root), name = root } }
    id = vim.lsp.start_client(c)
    if id == nil then
      vim.notify('tasking_ls: could not start ' .. table.concat(c.cmd, ' '), vim.log.levels.ERROR)
      return
    end
    clients_by_root[root] = id
  end
  if not vim.lsp.buf_is_attached(bufnr, id) then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

-- Path 0.8-0.10: vim.lsp.start reuses a client with the same name and root_dir.
local function attach_08(bufnr, cfg)
  local c = base_config(cfg)
  c.root_dir = M.root_dir(buf_name(bufnr), cfg)
  vim.lsp.start(c, { bufnr = bufnr })
end

--- Attaches the server to a buffer if its file name matches (0.7-0.10 paths).
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not attachable(bufnr, M.config) then
    return
  end
  if M.client_path() == 'start_client' then
    attach_07(bufnr, M.config)
  else
    attach_08(bufnr, M.config)
  end
end

local augroup_name = 'tasking_ls_attach'

local function enable()
  local path = M.client_path()
  if path == 'config' then
    local c = base_config(M.config)
    c.filetypes = filetypes(M.config)
    c.root_dir = function(bufnr, on_dir)
      if attachable(bufnr, M.config) then
        on_dir(M.root_dir(buf_name(bufnr), M.config))
      end
    end
    vim.lsp.config(M.name, c)
    vim.lsp.enable(M.name)
    -- After startup vim.lsp.enable() re-runs its FileType handler for loaded buffers itself;
    -- during startup (setup() called from an autocommand of the first buffer) it does not.
    if vim.v.vim_did_enter ~= 1 then
      for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
        if vim.api.nvim_buf_is_loaded(bufnr) and attachable(bufnr, M.config) then
          pcall(vim.api.nvim_exec_autocmds, 'FileType', { group = 'nvim.lsp.enable', buffer = bufnr, modeline = false })
        end
      end
    end
    return
  end
  local group = vim.api.nvim_create_augroup(augroup_name, { clear = true })
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile', 'FileType' }, {
    group = group,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- Buffers opened before setup() ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M.attach(bufnr)
    end
  end
end

M._enabled = false

--- Configures the plugin. Every option is optional; names are those of the VS Code settings.
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  if opts and opts.filePatterns then
    -- Lists are replaced, not merged index by index.
    M.config.filePatterns = opts.filePatterns
  end
  if opts and opts.serverArgs then
    M.config.serverArgs = opts.serverArgs
  end
  local was_enabled = M._enabled
  M._enabled = true
  if was_enabled then
    M.restart()
  else
    enable()
  end
end

--- The tasking-ls clients, compatible with every supported Neovim.
function M.get_clients(bufnr)
  local out = {}
  if vim.lsp.get_clients then
    out = vim.lsp.get_clients({ bufnr = bufnr, name = M.name })
  elseif has('nvim-0.8') then
    out = vim.lsp.get_active_clients({ bufnr = bufnr, name = M.name })
  else
    local all = bufnr and vim.lsp.buf_get_clients(bufnr) or vim.lsp.get_active_clients()
    for _, c in pairs(all) do
      if c.name == M.name then
        table.insert(out, c)
      end
    end
  end
  return out
end

local function request(client, method, params, handler, bufnr)
  if has('nvim-0.11') then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function stop(client)
  if has('nvim-0.11') then
    client:stop()
  else
    client.stop()
  end
end

--- Stops every tasking-ls client and re-attaches the loaded matching buffers.
function M.restart()
  local clients = M.get_clients()
  for _, c in ipairs(clients) do
    stop(c)
  end
  clients_by_root = {}
  vim.wait(3000, function()
    return #M.get_clients() == 0
  end, 50)
  if M.client_path() == 'config' then
    vim.lsp.enable(M.name, false)
  end
  enable()
end

local function encode(value)
  local ok, s = pcall(vim.json.encode, value)
  return ok and s or vim.inspect(value)
end

--- A one-line summary of a command's result.
function M.summarize(title, result)
  if result == nil or result == vim.NIL then
    return title .. ': done'
  end
  if type(result) == 'string' then
    return result
  end
  if type(result) == 'table' then
    for _, k in ipairs({ 'message', 'summary', 'status', 'id', 'orderId' }) do
      if type(result[k]) == 'string' and result[k] ~= '' then
        return title .. ': ' .. result[k]
      end
    end
    for _, k in ipairs({ 'credits', 'totalCredits' }) do
      if type(result[k]) == 'number' then
        return title .. ': ' .. result[k] .. ' credits'
      end
    end
  end
  return title .. ': ' .. encode(result)
end

--- Sends `workspace/executeCommand` to the buffer's tasking-ls client and reports the result.
--- `with_uri` adds the buffer's URI as the only argument.
function M.execute(command, title, with_uri, bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local clients = M.get_clients(with_uri and bufnr or nil)
  if #clients == 0 then
    vim.notify(
      title .. ': no tasking-ls server is attached'
        .. (with_uri and ' to this buffer (is it a *_tasking_request.json file?)' or ''),
      vim.log.levels.WARN
    )
    return
  end
  local args = {}
  if with_uri then
    if vim.bo[bufnr].modified then
      vim.api.nvim_buf_call(bufnr, function()
        vim.cmd('silent write')
      end)
    end
    args = { vim.uri_from_bufnr(bufnr) }
  end
  local params = { command = command, arguments = args }
  request(clients[1], 'workspace/executeCommand', params, function(err, result)
    if err then
      vim.notify(title .. ' failed: ' .. (err.message or encode(err)), vim.log.levels.ERROR)
      return
    end
    vim.notify(M.summarize(title, result), vim.log.levels.INFO)
  end, bufnr)
end

function M.quote(bufnr)
  M.execute('taskingLs.getQuote', 'Quote', true, bufnr)
end

function M.submit(bufnr, force)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not force then
    local name = vim.fn.fnamemodify(buf_name(bufnr), ':~:.')
    local answer = vim.fn.confirm(
      'Place the order in ' .. name .. '? This orders a satellite acquisition and may cost credits.',
      '&Submit\n&Cancel',
      2
    )
    if answer ~= 1 then
      return
    end
  end
  M.execute('taskingLs.submitOrder', 'Submit order', true, bufnr)
end

function M.status(bufnr)
  M.execute('taskingLs.orderStatus', 'Order status', true, bufnr)
end

--- The command line of `tasking-ls preview` for a buffer's text on standard input, written to
--- `output` (`.svg`, `.png` or `.html`).
function M.preview_cmd(output, cfg)
  cfg = cfg or M.config
  local cmd = M.cmd(cfg)
  table.remove(cmd) -- 'serve'
  if cfg.offline == true then
    table.insert(cmd, '--offline')
  end
  vim.list_extend(cmd, { 'preview', '-', '-o', output })
  return cmd
end

--- Opens a file with the system's viewer (vim.ui.open on 0.10+, else xdg-open or open).
local function open_file(path)
  if vim.ui and vim.ui.open then
    return vim.ui.open(path)
  end
  local opener = vim.fn.has('mac') == 1 and 'open' or 'xdg-open'
  if vim.fn.executable(opener) == 1 then
    vim.fn.jobstart({ opener, path }, { detach = true })
  end
end

--- `:TaskingPreview [FILE]`: the buffer's areas of interest on a map, drawn by
--- `tasking-ls preview` from the buffer's text (saved or not). Without FILE, an HTML page in
--- a temporary file, opened in the system viewer; with FILE (`.svg`, `.png`, `.html`), that
--- file is written and not opened. Returns the path written, or nil.
function M.preview(bufnr, output)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local target = (output and output ~= '') and vim.fn.fnamemodify(output, ':p')
    or (vim.fn.tempname() .. '.html')
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
  local result = vim.fn.system(M.preview_cmd(target), text)
  if vim.v.shell_error ~= 0 then
    vim.notify('Preview failed: ' .. vim.trim(result), vim.log.levels.ERROR)
    return nil
  end
  if not output or output == '' then
    open_file(target)
  end
  vim.notify('Preview: ' .. target, vim.log.levels.INFO)
  return target
end

function M.refresh_schemas()
  M.execute('taskingLs.refreshSchemas', 'Refresh schemas', false)
end

return M
