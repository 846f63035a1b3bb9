-- File patterns mean what the server means: every case of editors/glob-cases.json, through
-- the client's own matcher. Run from the repository root:
--   nvim --headless -u NONE --cmd 'set rtp+=editors/nvim' -c 'luafile editors/nvim/test/globs.lua'
local ls = require('tasking_ls')
local text = table.concat(vim.fn.readfile('editors/glob-cases.json'), '\n')
local cases = vim.fn.json_decode(text).cases
local failed = 0
for _, case in ipairs(cases) do
  local got = ls.matches(case.path, { filePatterns = { case.pattern } })
  if got ~= case.matches then
    failed = failed + 1
    io.stderr:write(('glob %s on %s: got %s, expected %s\n'):format(case.pattern, case.path, tostring(got), tostring(case.matches)))
  end
end
io.stdout:write(('%d passed, %d failed\n'):format(#cases - failed, failed))
vim.cmd(failed == 0 and 'qall!' or 'cquit!')
