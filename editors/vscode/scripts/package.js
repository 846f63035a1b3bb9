// Packages the extension. With a server binary (TASKING_LS_SERVER=path, and optionally
// TASKING_VSCODE_TARGET, default linux-x64), a platform-specific .vsix with the binary in
// bin/ (the extension prefers it to PATH); without, a universal .vsix that uses PATH.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const server = process.env.TASKING_LS_SERVER;
const target = process.env.TASKING_VSCODE_TARGET || 'linux-x64';
const vsce = path.join(root, 'node_modules', '.bin', 'vsce');
const bin = path.join(root, 'bin');
fs.rmSync(bin, { recursive: true, force: true });
const args = ['package', '--no-dependencies'];
if (server) {
  fs.mkdirSync(bin);
  const name = target.startsWith('win32') ? 'tasking-ls.exe' : 'tasking-ls';
  fs.copyFileSync(server, path.join(bin, name));
  fs.chmodSync(path.join(bin, name), 0o755);
  args.push('--target', target, '--out', `tasking-ls-${target}.vsix`);
} else {
  args.push('--out', 'tasking-ls.vsix');
}
execFileSync(vsce, args, { cwd: root, stdio: 'inherit' });
