-- tasking_ls: user commands, and a lazy start with default settings when a
-- `*_tasking_request.json` buffer appears and setup() was never called.
-- Nothing is required until a command runs or such a buffer is opened.

if vim.g.loaded_tasking_ls then
  return
end
vim.g.loaded_tasking_ls = true

if vim.fn.has('nvim-0.7') ~= 1 then
  vim.api.nvim_err_writeln('tasking_ls needs Neovim 0.7 or newer')
  return
end

local function cmd(name, fn, opts)
  vim.api.nvim_create_user_command(name, fn, vim.tbl_extend('force', { force = true }, opts or {}))
end

cmd('TaskingQuote', function()
  require('tasking_ls').quote(0)
end, { desc = 'tasking-ls: ask for the cost estimate of the order in this buffer' })

cmd('TaskingSubmit', function(o)
  require('tasking_ls').submit(0, o.bang)
end, { bang = true, desc = 'tasking-ls: place the order in this buffer (! skips the confirmation)' })

cmd('TaskingStatus', function()
  require('tasking_ls').status(0)
end, { desc = "tasking-ls: show the status of this buffer's order" })

cmd('TaskingPreview', function(o)
  require('tasking_ls').preview(0, o.args)
end, {
  nargs = '?',
  complete = 'file',
  desc = "tasking-ls: this buffer's AOI on a map (an HTML page, or FILE.svg/.png/.html)",
})

cmd('TaskingRefreshSchemas', function()
  require('tasking_ls').refresh_schemas()
end, { desc = 'tasking-ls: fetch the product schemas again' })

cmd('TaskingRestart', function()
  require('tasking_ls').restart()
end, { desc = 'tasking-ls: restart the language server' })

-- Order files get their own filetype, `tasking-request` (as in VS Code and Helix), shown with
-- JSON syntax, so JSON-only tools (jsonls, JSON linters) stay off them.
if vim.filetype and vim.filetype.add then
  vim.filetype.add({ pattern = { ['.*_tasking_request%.json'] = 'tasking-request' } })
end
vim.api.nvim_create_autocmd('FileType', {
  group = vim.api.nvim_create_augroup('tasking_ls_filetype', { clear = true }),
  pattern = 'tasking-request',
  callback = function(args)
    vim.bo[args.buf].syntax = 'json'
    vim.bo[args.buf].commentstring = ''
  end,
})

-- Start on the first order request file, unless setup() already ran or the user opted out
-- with `vim.g.tasking_ls_autostart = false`; the options are then those of `vim.g.tasking_ls`
-- (a table with the same keys as setup()), else the defaults.
local group = vim.api.nvim_create_augroup('tasking_ls_lazy', { clear = true })
vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
  group = group,
  pattern = '*_tasking_request.json',
  callback = function()
    if vim.g.tasking_ls_autostart == false then
      return
    end
    local ls = require('tasking_ls')
    if not ls._enabled then
      ls.setup(vim.g.tasking_ls)
    end
  end,
})
