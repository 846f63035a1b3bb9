-- End-to-end test of the tasking_ls plugin, run by test/run.sh inside a headless Neovim
-- (0.7 to 0.12). It drives the real editor: opens the broken order request, waits for the
-- server's diagnostics, asks for completion and hover, applies the "Close the ring" quick fix
-- and checks the diagnostics that follow. Exits 0 on success, 1 with a message on failure.

local ls = require('tasking_ls')

local file = assert(os.getenv('TASKING_TEST_FILE'), 'TASKING_TEST_FILE is not set')
local hover_substring = (os.getenv('TASKING_TEST_HOVER_SUBSTRING') or 'cloud'):lower()
local WAIT_MS = 10000
local OVERALL_MS = tonumber(os.getenv('TASKING_TEST_OVERALL_MS') or '') or 90000

local function say(msg)
  io.stdout:write('[e2e] ' .. msg .. '\n')
  io.stdout:flush()
end

local function fail(msg)
  io.stderr:write('[e2e] FAIL: ' .. msg .. '\n')
  local ok, path = pcall(function()
    return require('vim.lsp.log').get_filename()
  end)
  if ok then
    io.stderr:write('[e2e] Neovim LSP log: ' .. tostring(path) .. '\n')
  end
  io.stderr:flush()
  vim.cmd('cquit 1')
end

-- An error raised inside a step ends the test through fail(), with the step's name.
local function check(cond, msg)
  if not cond then
    error({ test_failure = msg }, 2)
  end
end

vim.defer_fn(function()
  fail(('overall timeout of %d ms'):format(OVERALL_MS))
end, OVERALL_MS)

local function code_of(d)
  if d.code ~= nil then
    return d.code
  end
  return d.user_data and d.user_data.lsp and d.user_data.lsp.code
end

local function codes_of(diags)
  local out = {}
  for _, d in ipairs(diags) do
    table.insert(out, ('%s@%d:%d'):format(tostring(code_of(d)), d.lnum + 1, d.col + 1))
  end
  return table.concat(out, ', ')
end

local function with_code(diags, code)
  local out = {}
  for _, d in ipairs(diags) do
    if code_of(d) == code then
      table.insert(out, d)
    end
  end
  return out
end

--- The 1-based number of the first line of `lines` containing `needle` (plain text).
local function line_of(lines, needle)
  for i, l in ipairs(lines) do
    if l:find(needle, 1, true) then
      return i
    end
  end
  error({ test_failure = 'the fixture has no line with ' .. needle })
end

--- The results of a synchronous request, one per client, with errors reported.
local function request_sync(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, WAIT_MS)
  check(responses ~= nil, method .. ': no response (' .. tostring(err) .. ')')
  local results = {}
  for client_id, r in pairs(responses) do
    local e = r.err or r.error
    check(e == nil, ('%s: error from client %d: %s'):format(method, client_id, vim.inspect(e)))
    if r.result ~= nil and r.result ~= vim.NIL then
      table.insert(results, { client_id = client_id, result = r.result })
    end
  end
  return results
end

local function hover_text(contents)
  if type(contents) == 'string' then
    return contents
  end
  if type(contents) ~= 'table' then
    return ''
  end
  if contents.value ~= nil then
    return tostring(contents.value)
  end
  local parts = {}
  for _, c in ipairs(contents) do
    table.insert(parts, hover_text(c))
  end
  return table.concat(parts, '\n')
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

local function client_by_id(id)
  return vim.lsp.get_client_by_id(id)
end

local function main()
  say(('Neovim %s, client path %s'):format(vim.fn.execute('version'):match('NVIM v[^\n]+') or '?', ls.client_path()))
  check(vim.fn.exists(':TaskingQuote') == 2, 'user command :TaskingQuote is not defined')
  check(vim.fn.exists(':TaskingSubmit') == 2, 'user command :TaskingSubmit is not defined')
  check(vim.fn.exists(':TaskingRefreshSchemas') == 2, 'user command :TaskingRefreshSchemas is not defined')

  -- Record every publishDiagnostics (or pulled report) as the server sent it (LSP ranges and codes), to hand the
  -- exact diagnostic back in the code action's context.
  local published = {}
  local original = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    if result then
      table.insert(published, result)
    end
    return original(err, result, ctx, config)
  end
  -- Neovim 0.10+ pulls diagnostics (textDocument/diagnostic) from a server that offers it, and
  -- the server then pushes none: record the full reports the same way.
  local original_pull = vim.lsp.handlers['textDocument/diagnostic']
  if original_pull then
    vim.lsp.handlers['textDocument/diagnostic'] = function(err, result, ctx, config)
      if result and result.kind == 'full' then
        table.insert(published, { uri = ctx.params and ctx.params.textDocument.uri, diagnostics = result.items })
      end
      return original_pull(err, result, ctx, config)
    end
  end

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  say('opened ' .. file .. ' (filetype ' .. vim.bo[bufnr].filetype .. ')')

  check(
    vim.wait(WAIT_MS, function()
      return #ls.get_clients(bufnr) > 0
    end, 50),
    'no tasking_ls client attached to the buffer within 10 s (server: ' .. tostring(os.getenv('TASKING_LS_SERVER')) .. ')'
  )
  local client = ls.get_clients(bufnr)[1]
  say(('client %d attached, root %s'):format(client.id, tostring(client.config.root_dir)))

  -- 1. Diagnostics: codes and lines.
  say('waiting for diagnostics')
  local enum_line = line_of(lines, '"geometricProcessing": "ortho-rectified"')
  local ring_line = line_of(lines, '"coordinates"')
  local function diagnostics_ready()
    local d = vim.diagnostic.get(bufnr)
    return #with_code(d, 'schema.enum') > 0 and #with_code(d, 'geometry.unclosed-ring') > 0
  end
  if not vim.wait(WAIT_MS, diagnostics_ready, 50) then
    check(false, 'expected diagnostics schema.enum and geometry.unclosed-ring within 10 s; got: ['
      .. codes_of(vim.diagnostic.get(bufnr)) .. ']')
  end
  local diags = vim.diagnostic.get(bufnr)
  say('diagnostics: ' .. codes_of(diags))
  local enum_lines, ring_lines = {}, {}
  for _, d in ipairs(with_code(diags, 'schema.enum')) do
    enum_lines[d.lnum + 1] = true
  end
  for _, d in ipairs(with_code(diags, 'geometry.unclosed-ring')) do
    ring_lines[d.lnum + 1] = true
  end
  check(enum_lines[enum_line], ('no schema.enum on line %d (geometricProcessing); got [%s]'):format(enum_line, codes_of(diags)))
  check(ring_lines[ring_line], ('no geometry.unclosed-ring on line %d (coordinates); got [%s]'):format(ring_line, codes_of(diags)))
  say(('ok: schema.enum on line %d, geometry.unclosed-ring on line %d'):format(enum_line, ring_line))

  -- 2. Completion inside `"acquisitionMode": "|"`.
  local mode_line = line_of(lines, '"acquisitionMode"')
  local indent = lines[mode_line]:match('^%s*')
  local new_line = indent .. '"acquisitionMode": "",'
  vim.api.nvim_buf_set_lines(bufnr, mode_line - 1, mode_line, false, { new_line })
  local character = #new_line - 2 -- between the two quotes (the line is ASCII)
  vim.api.nvim_win_set_cursor(0, { mode_line, character })
  local completion = request_sync(bufnr, 'textDocument/completion', {
    textDocument = { uri = uri },
    position = { line = mode_line - 1, character = character },
    context = { triggerKind = 1 },
  })
  local labels = {}
  for _, r in ipairs(completion) do
    local items = r.result.items or r.result
    for _, item in ipairs(items) do
      labels[item.label] = true
    end
  end
  local label_list = vim.tbl_keys(labels)
  table.sort(label_list)
  for _, want in ipairs({ 'mono', 'stereo', 'tristereo' }) do
    check(labels[want], ('completion in acquisitionMode lacks %q; got [%s]'):format(want, table.concat(label_list, ', ')))
  end
  say('ok: completion offers ' .. table.concat(label_list, ', '))

  -- 3. Hover on the cloudCoverage key.
  local cloud_line = line_of(lines, '"cloudCoverage"')
  local cloud_col = lines[cloud_line]:find('"cloudCoverage"', 1, true) + 2 -- 0-based, inside the key
  local hover = request_sync(bufnr, 'textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = cloud_line - 1, character = cloud_col },
  })
  check(#hover > 0, 'no hover on the cloudCoverage key')
  local text = hover_text(hover[1].result.contents)
  check(text:lower():find(hover_substring, 1, true) ~= nil,
    ('hover on cloudCoverage does not mention %q: %s'):format(hover_substring, text))
  say('ok: hover: ' .. text:gsub('\n', ' '):sub(1, 100))

  -- 4. The "Close the ring" quick fix.
  local ring_diag
  check(vim.wait(WAIT_MS, function()
    local last = published[#published]
    if last == nil then
      return false
    end
    for _, d in ipairs(last.diagnostics) do
      if d.code == 'geometry.unclosed-ring' then
        ring_diag = d
        return true
      end
    end
    return false
  end, 50), 'the last published diagnostics have no geometry.unclosed-ring')
  local actions = request_sync(bufnr, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = ring_diag.range,
    context = { diagnostics = { ring_diag }, triggerKind = 1 },
  })
  local action, action_client
  local titles = {}
  for _, r in ipairs(actions) do
    for _, a in ipairs(r.result) do
      table.insert(titles, a.title)
      if a.title == 'Close the ring' and action == nil then
        action, action_client = a, client_by_id(r.client_id)
      end
    end
  end
  check(action ~= nil, 'no code action titled "Close the ring"; got [' .. table.concat(titles, ', ') .. ']')
  if action.edit == nil and action.command == nil and action_client then
    local resolved = request_sync(bufnr, 'codeAction/resolve', action)
    if resolved[1] then
      action = resolved[1].result
    end
  end
  local before = buffer_text(bufnr)
  local publishes_before = #published
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, action_client.offset_encoding or 'utf-16')
  end
  local command = type(action.command) == 'table' and action.command or (type(action.command) == 'string' and action or nil)
  if command then
    request_sync(bufnr, 'workspace/executeCommand', { command = command.command, arguments = command.arguments })
  end
  check(action.edit ~= nil or command ~= nil, '"Close the ring" has neither an edit nor a command')
  check(vim.wait(WAIT_MS, function()
    return buffer_text(bufnr) ~= before
  end, 50), 'applying "Close the ring" did not change the buffer')
  say('applied "Close the ring": ' .. vim.trim(vim.api.nvim_buf_get_lines(bufnr, ring_line - 1, ring_line, false)[1]))

  local function ring_fixed()
    if #published <= publishes_before then
      return false
    end
    return #with_code(vim.diagnostic.get(bufnr), 'geometry.unclosed-ring') == 0
  end
  if not vim.wait(WAIT_MS, ring_fixed, 50) then
    check(false, 'geometry.unclosed-ring is still reported after the fix: ['
      .. codes_of(vim.diagnostic.get(bufnr)) .. ']')
  end
  say('ok: diagnostics after the fix: [' .. codes_of(vim.diagnostic.get(bufnr)) .. ']')

  -- :TaskingPreview FILE draws the buffer's AOI through `tasking-ls preview` (the real
  -- server's binary; the fake one draws nothing).
  if os.getenv('TASKING_TEST_FAKE') ~= '1' then
    check(vim.fn.exists(':TaskingPreview') == 2, 'user command :TaskingPreview is not defined')
    local svg = vim.fn.tempname() .. '.svg'
    vim.cmd('TaskingPreview ' .. vim.fn.fnameescape(svg))
    local f = io.open(svg, 'r')
    check(f ~= nil, ':TaskingPreview wrote no ' .. svg)
    local content = f:read('*a')
    f:close()
    check(content:find('class="aoi-polygon"', 1, true) ~= nil, ':TaskingPreview drew no polygon in ' .. svg)
    say('ok: :TaskingPreview wrote ' .. svg)
  end

  local running = ls.get_clients()
  check(#running == 1, ('expected one tasking_ls client, found %d'):format(#running))

  -- 5. Against the fake server only: the user commands reach workspace/executeCommand with
  -- the right arguments (the real server would try the network or refuse offline).
  if os.getenv('TASKING_TEST_FAKE') == '1' then
    local notes = {}
    local notify = vim.notify
    vim.notify = function(msg)
      table.insert(notes, msg)
    end
    vim.cmd('TaskingQuote')
    vim.cmd('TaskingRefreshSchemas')
    vim.wait(WAIT_MS, function()
      return #notes >= 2
    end, 50)
    vim.notify = notify
    local joined = table.concat(notes, '\n')
    check(joined:find('taskingLs.getQuote ["' .. uri .. '"]', 1, true), 'TaskingQuote did not send [uri]: ' .. joined)
    check(joined:find('taskingLs.refreshSchemas []', 1, true), 'TaskingRefreshSchemas did not send []: ' .. joined)
    say('ok: user commands: ' .. joined:gsub('\n', ' | '))
  end
end

local ok, err = xpcall(main, function(e)
  if type(e) == 'table' and e.test_failure then
    return e.test_failure
  end
  return debug.traceback(tostring(e), 2)
end)
if not ok then
  fail(err)
end
say('PASS')
vim.cmd('qall!')
