//! Smoke test of the esbuild bundle that goes into the .vsix: it must load with nothing but
//! `vscode` and Node's built-in modules, i.e. vscode-languageclient is inside it.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinModules } from 'node:module';
// eslint-disable-next-line @typescript-eslint/no-require-imports
import Module = require('node:module');

const bundle = path.resolve(__dirname, '../../dist/extension.js');

/** Stands for any value of the `vscode` API: constructible, callable, with every property. */
const vscodeStub: unknown = new Proxy(function () {}, {
  get: (_target, prop) => (prop === 'prototype' ? {} : vscodeStub),
  apply: () => vscodeStub,
  construct: () => vscodeStub as object,
});

test('the bundle loads with only vscode and built-in modules', { skip: !fs.existsSync(bundle) && 'run `npm run compile` first' }, () => {
  const requested = new Set<string>();
  const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = loader._load;
  loader._load = function (request: string, parent: unknown, isMain: boolean) {
    const fromBundle = (parent as { filename?: string } | undefined)?.filename === bundle;
    if (fromBundle) requested.add(request);
    if (request === 'vscode') return vscodeStub;
    return original.call(this, request, parent, isMain);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ext = require(bundle) as { activate?: unknown; deactivate?: unknown };
    assert.equal(typeof ext.activate, 'function');
    assert.equal(typeof ext.deactivate, 'function');
  } finally {
    loader._load = original;
  }
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const foreign = [...requested].filter((r) => r !== 'vscode' && !builtins.has(r));
  assert.deepEqual(foreign, [], `the bundle requires modules outside itself: ${foreign.join(', ')}`);
  assert.ok(requested.has('child_process') || requested.has('node:child_process'), 'language client not bundled?');
});
