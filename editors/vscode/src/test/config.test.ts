//! Tests of the pure settings logic (no editor needed): run with `npm test`.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  DEFAULT_FILE_PATTERNS,
  chooseServer,
  commandArguments,
  credentialsToEnv,
  describeCredentials,
  documentSelector,
  envHasCredentials,
  globToRegExp,
  matchesFilePatterns,
  normalizeSettings,
  parseCredentials,
  parseProducts,
  patternToGlob,
  serializeCredentials,
  serverCommand,
  serverEnv,
  serverSettings,
  summarizeResult,
} from '../config';

test('defaults when nothing is configured', () => {
  const s = normalizeSettings(undefined);
  assert.deepEqual(s, {
    serverPath: 'tasking-ls',
    serverArgs: [],
    apiUrl: undefined,
    workspaceId: undefined,
    filePatterns: ['*_tasking_request.json'],
    offline: false,
    schemaDir: undefined,
    cacheDir: undefined,
  });
  assert.deepEqual(serverSettings(s), { filePatterns: ['*_tasking_request.json'], offline: false });
  assert.deepEqual(serverCommand(s), { command: 'tasking-ls', args: ['serve'] });
});

test('blank strings and wrong types fall back to defaults', () => {
  const s = normalizeSettings({
    serverPath: '  ',
    apiUrl: '',
    workspaceId: 42,
    filePatterns: [],
    offline: 'yes',
    schemaDir: ' ',
  });
  assert.equal(s.serverPath, 'tasking-ls');
  assert.equal(s.apiUrl, undefined);
  assert.equal(s.workspaceId, undefined);
  assert.deepEqual(s.filePatterns, [...DEFAULT_FILE_PATTERNS]);
  assert.equal(s.offline, false);
  assert.equal(s.schemaDir, undefined);
});

test('initializationOptions carry exactly the server settings', () => {
  const s = normalizeSettings({
    serverPath: '/opt/tasking-ls',
    apiUrl: 'https://api.example.com',
    workspaceId: 'ws-1',
    filePatterns: ['*_tasking_request.json', 'orders/*.json', '*_tasking_request.json'],
    offline: true,
    schemaDir: 'schemas',
    cacheDir: '~/cache',
  });
  const folder = path.resolve('/work/project');
  assert.deepEqual(serverSettings(s, folder, '/home/me'), {
    apiUrl: 'https://api.example.com',
    workspaceId: 'ws-1',
    filePatterns: ['*_tasking_request.json', 'orders/*.json'],
    offline: true,
    schemaDir: path.join(folder, 'schemas'),
    cacheDir: path.join('/home/me', 'cache'),
  });
  // Client-only keys never reach the server.
  assert.ok(!('serverPath' in serverSettings(s)));
});

test('server command: bare names use PATH, paths are resolved, extra args go before serve', () => {
  const folder = path.resolve('/work/project');
  assert.deepEqual(serverCommand(normalizeSettings({ serverPath: 'tasking-ls' }), folder), {
    command: 'tasking-ls',
    args: ['serve'],
  });
  assert.equal(
    serverCommand(normalizeSettings({ serverPath: './target/debug/tasking-ls' }), folder).command,
    path.join(folder, 'target/debug/tasking-ls'),
  );
  assert.equal(
    serverCommand(normalizeSettings({ serverPath: '~/bin/tasking-ls' }), folder, '/home/me').command,
    path.join('/home/me', 'bin/tasking-ls'),
  );
  assert.deepEqual(serverCommand(normalizeSettings({ serverArgs: ['-v'] })).args, ['-v', 'serve']);
});

test('file patterns become a file-scheme document selector', () => {
  assert.equal(patternToGlob('*_tasking_request.json'), '**/*_tasking_request.json');
  assert.equal(patternToGlob('**/orders/*.json'), '**/orders/*.json');
  assert.deepEqual(documentSelector(['*_tasking_request.json']), [
    { scheme: 'file', pattern: '**/*_tasking_request.json' },
  ]);
  assert.deepEqual(documentSelector([]), [{ scheme: 'file', pattern: '**/*_tasking_request.json' }]);
  assert.deepEqual(documentSelector(['a.json', '**/a.json', 'orders\\b.json']), [
    { scheme: 'file', pattern: '**/a.json' },
    { scheme: 'file', pattern: '**/orders/b.json' },
  ]);
});

test('glob matching of file paths', () => {
  assert.ok(globToRegExp('**/*_tasking_request.json').test('/home/me/x/broken_tasking_request.json'));
  assert.ok(globToRegExp('**/*_tasking_request.json').test('broken_tasking_request.json'));
  assert.ok(!globToRegExp('**/*_tasking_request.json').test('/x/tasking_request.json.bak'));
  assert.ok(globToRegExp('**/*.{json,geojson}').test('/a/b.geojson'));
  assert.ok(matchesFilePatterns('C:\\orders\\pleiades_tasking_request.json', DEFAULT_FILE_PATTERNS));
  assert.ok(!matchesFilePatterns('/orders/package.json', DEFAULT_FILE_PATTERNS));
});

test('file patterns mean what the server means (editors/glob-cases.json)', () => {
  // out/test/config.test.js -> editors/glob-cases.json
  const file = path.resolve(__dirname, '..', '..', '..', 'glob-cases.json');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { cases } = require(file) as { cases: { pattern: string; path: string; matches: boolean }[] };
  assert.ok(cases.length > 20);
  for (const c of cases) {
    assert.equal(matchesFilePatterns(c.path, [c.pattern]), c.matches, `${c.pattern} on ${c.path}`);
  }
});

test('credentials go to the environment and replace any other credential set', () => {
  assert.deepEqual(credentialsToEnv({ kind: 'token', token: 't' }), { UP42_TOKEN: 't' });
  assert.deepEqual(credentialsToEnv({ kind: 'account', username: 'u', password: 'p' }), {
    UP42_USERNAME: 'u',
    UP42_PASSWORD: 'p',
  });
  assert.deepEqual(credentialsToEnv({ kind: 'project', projectId: 'i', apiKey: 'k' }), {
    UP42_PROJECT_ID: 'i',
    UP42_PROJECT_API_KEY: 'k',
  });
  const base = { PATH: '/bin', UP42_TOKEN: 'old', UP42_WORKSPACE_ID: 'ws', UNSET: undefined };
  assert.deepEqual(serverEnv(base, { kind: 'account', username: 'u', password: 'p' }), {
    PATH: '/bin',
    UP42_WORKSPACE_ID: 'ws',
    UP42_USERNAME: 'u',
    UP42_PASSWORD: 'p',
  });
  // Without stored credentials the editor's environment is passed on untouched.
  assert.deepEqual(serverEnv(base, undefined), { PATH: '/bin', UP42_TOKEN: 'old', UP42_WORKSPACE_ID: 'ws' });
});

test('environment credential detection', () => {
  assert.ok(!envHasCredentials({}));
  assert.ok(envHasCredentials({ UP42_TOKEN: 'x' }));
  assert.ok(!envHasCredentials({ UP42_USERNAME: 'u' }));
  assert.ok(envHasCredentials({ UP42_USERNAME: 'u', UP42_PASSWORD: 'p' }));
  assert.ok(envHasCredentials({ UP42_PROJECT_ID: 'i', UP42_PROJECT_API_KEY: 'k' }));
  assert.ok(!envHasCredentials({ UP42_TOKEN: '  ' }));
});

test('stored credentials round-trip and malformed ones are rejected', () => {
  for (const c of [
    { kind: 'token', token: 'abc' },
    { kind: 'account', username: 'me@example.com', password: ' p w ' },
    { kind: 'project', projectId: 'p', apiKey: 'k' },
  ] as const) {
    assert.deepEqual(parseCredentials(serializeCredentials(c)), c);
  }
  assert.equal(parseCredentials(undefined), undefined);
  assert.equal(parseCredentials('not json'), undefined);
  assert.equal(parseCredentials('{"kind":"token"}'), undefined);
  assert.equal(parseCredentials('{"kind":"account","username":"u","password":""}'), undefined);
  assert.equal(parseCredentials('{"kind":"other","token":"x"}'), undefined);
});

test('credential descriptions never contain the secret', () => {
  const token = describeCredentials({ kind: 'token', token: 's3cr3t' });
  const account = describeCredentials({ kind: 'account', username: 'u', password: 's3cr3t' });
  const project = describeCredentials({ kind: 'project', projectId: 'p', apiKey: 's3cr3t' });
  for (const d of [token, account, project]) assert.ok(!d.includes('s3cr3t'), d);
});

test('server command arguments', () => {
  assert.deepEqual(commandArguments('taskingLs.getQuote', 'file:///a_tasking_request.json'), [
    'file:///a_tasking_request.json',
  ]);
  assert.deepEqual(commandArguments('taskingLs.refreshSchemas', 'file:///x'), []);
  assert.throws(() => commandArguments('taskingLs.submitOrder', undefined));
});

test('result summaries', () => {
  assert.equal(summarizeResult('Get quote', null), 'Get quote: done');
  assert.equal(summarizeResult('Get quote', 'Estimated cost: 120 credits'), 'Estimated cost: 120 credits');
  assert.equal(summarizeResult('Submit order', { id: 'abc', x: 1 }), 'Submit order: abc');
  assert.equal(summarizeResult('Get quote', { credits: 120 }), 'Get quote: 120 credits');
  assert.match(summarizeResult('Get quote', [1, 2]), /output/);
});

test('the server: serverPath when set, else the bundled binary, else PATH', () => {
  const s = normalizeSettings({ serverPath: '~/bin/tasking-ls', serverArgs: ['-v'] });
  assert.deepEqual(chooseServer(s, true, '/ext/bin/tasking-ls', '/ws', '/home/me'), {
    command: '/home/me/bin/tasking-ls',
    args: ['-v', 'serve'],
    source: 'setting',
  });
  const unset = normalizeSettings({ serverArgs: ['-v'] });
  assert.deepEqual(chooseServer(unset, false, '/ext/bin/tasking-ls'), {
    command: '/ext/bin/tasking-ls',
    args: ['-v', 'serve'],
    source: 'bundled',
  });
  assert.deepEqual(chooseServer(unset, false, undefined), { command: 'tasking-ls', args: ['-v', 'serve'], source: 'PATH' });
});

test('products are read from the table `tasking-ls products` prints', () => {
  const out = [
    'ID                                    TITLE     COLLECTION',
    'e45afbfa-a06c-4d61-9579-b11ed08641e5  SAR       capella-tasking (Capella SAR)',
    'bd102407-1814-4f92-8b5a-7697b7a73f5a  Analytic  phr-tasking (Pléiades)',
    '',
  ].join('\n');
  assert.deepEqual(parseProducts(out), [
    { id: 'e45afbfa-a06c-4d61-9579-b11ed08641e5', label: 'SAR — capella-tasking (Capella SAR)' },
    { id: 'bd102407-1814-4f92-8b5a-7697b7a73f5a', label: 'Analytic — phr-tasking (Pléiades)' },
  ]);
  assert.deepEqual(parseProducts(''), []);
});
