//! Pure settings logic of the extension: settings -> server command, initializationOptions,
//! environment and document selector. This module must not import `vscode`, so that
//! `node --test` can exercise it without an editor.

import * as os from 'node:os';
import * as path from 'node:path';

/** The file name patterns the server handles when the user has not configured any. */
export const DEFAULT_FILE_PATTERNS: readonly string[] = ['*_tasking_request.json'];

/** The settings section shared by VS Code's configuration and the server's `workspace/configuration`. */
export const SECTION = 'taskingLs';

/** The normalised `taskingLs.*` settings. Empty strings are already turned into `undefined`. */
export interface TaskingSettings {
  serverPath: string;
  serverArgs: string[];
  apiUrl?: string;
  workspaceId?: string;
  filePatterns: string[];
  offline: boolean;
  schemaDir?: string;
  cacheDir?: string;
}

/** What the server receives as `initializationOptions` and as the `taskingLs` configuration section. */
export interface ServerSettings {
  apiUrl?: string;
  workspaceId?: string;
  filePatterns: string[];
  schemaDir?: string;
  cacheDir?: string;
  offline: boolean;
}

function nonEmptyString(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  return value.map(nonEmptyString).filter((s): s is string => s !== undefined);
}

/**
 * Normalises the raw `taskingLs` section (as `workspace.getConfiguration('taskingLs')` or a
 * user's JSON gives it): wrong types fall back to defaults, blank strings mean "not set".
 */
export function normalizeSettings(raw: Record<string, unknown> | undefined | null): TaskingSettings {
  const r = raw ?? {};
  const patterns = stringList(r.filePatterns);
  return {
    serverPath: nonEmptyString(r.serverPath) ?? 'tasking-ls',
    serverArgs: stringList(r.serverArgs) ?? [],
    apiUrl: nonEmptyString(r.apiUrl),
    workspaceId: nonEmptyString(r.workspaceId),
    filePatterns: patterns && patterns.length > 0 ? dedupe(patterns) : [...DEFAULT_FILE_PATTERNS],
    offline: r.offline === true,
    schemaDir: nonEmptyString(r.schemaDir),
    cacheDir: nonEmptyString(r.cacheDir),
  };
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)];
}

/** Expands a leading `~` to the home directory. */
export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') {
    return home;
  }
  if (p.startsWith('~/') || p.startsWith('~\\')) {
    return path.join(home, p.slice(2));
  }
  return p;
}

/**
 * Resolves a user-given path: `~` is expanded, a relative path is taken relative to the
 * workspace folder (when there is one), an absolute path is kept.
 */
export function resolvePath(p: string, workspaceFolder?: string, home?: string): string {
  const expanded = expandHome(p, home);
  if (path.isAbsolute(expanded) || workspaceFolder === undefined) {
    return expanded;
  }
  return path.resolve(workspaceFolder, expanded);
}

/** The settings the server receives (initializationOptions and `workspace/configuration`). */
export function serverSettings(s: TaskingSettings, workspaceFolder?: string, home?: string): ServerSettings {
  const out: ServerSettings = { filePatterns: [...s.filePatterns], offline: s.offline };
  if (s.apiUrl !== undefined) out.apiUrl = s.apiUrl;
  if (s.workspaceId !== undefined) out.workspaceId = s.workspaceId;
  if (s.schemaDir !== undefined) out.schemaDir = resolvePath(s.schemaDir, workspaceFolder, home);
  if (s.cacheDir !== undefined) out.cacheDir = resolvePath(s.cacheDir, workspaceFolder, home);
  return out;
}

/** The executable and arguments that start the server on stdio. */
export interface ServerCommand {
  command: string;
  args: string[];
}

/**
 * The command line of the server. A bare name (`tasking-ls`) is left for `PATH` lookup;
 * anything that looks like a path is resolved.
 */
export function serverCommand(s: TaskingSettings, workspaceFolder?: string, home?: string): ServerCommand {
  const raw = s.serverPath;
  const looksLikePath = raw.includes('/') || raw.includes('\\') || raw.startsWith('~');
  const command = looksLikePath ? resolvePath(raw, workspaceFolder, home) : raw;
  return { command, args: [...s.serverArgs, 'serve'] };
}

/**
 * Turns a file name pattern into a glob that matches in any folder: a pattern without a
 * folder separator (`*_tasking_request.json`) becomes `**\/*_tasking_request.json`.
 */
export function patternToGlob(pattern: string): string {
  const p = pattern.replace(/\\/g, '/');
  if (p.startsWith('**/') || p.startsWith('/')) {
    return p;
  }
  return `**/${p}`;
}

/** A document filter of the language client, without depending on its types. */
export interface FileDocumentFilter {
  scheme: 'file';
  pattern: string;
}

/** The language client's document selector: every file matching one of the patterns. */
export function documentSelector(filePatterns: readonly string[]): FileDocumentFilter[] {
  const patterns = filePatterns.length > 0 ? filePatterns : DEFAULT_FILE_PATTERNS;
  return dedupe(patterns.map(patternToGlob)).map((pattern) => ({ scheme: 'file', pattern }));
}

/** Converts a glob (`*`, `**`, `?`, `{a,b}`) into a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inBraces = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders.
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '{') {
      inBraces = true;
      re += '(?:';
    } else if (c === '}' && inBraces) {
      inBraces = false;
      re += ')';
    } else if (c === ',' && inBraces) {
      re += '|';
    } else if (c === '[' && glob.indexOf(']', i + 1) > i + 1) {
      // A class (`[abc]`, `[!abc]`), as the server's globset reads it.
      const close = glob.indexOf(']', i + 1);
      const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = close;
    } else {
      re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

/** Whether a file path matches one of the configured patterns (used for the editor's commands). */
export function matchesFilePatterns(filePath: string, filePatterns: readonly string[]): boolean {
  const p = filePath.replace(/\\/g, '/');
  return documentSelector(filePatterns).some((f) => globToRegExp(f.pattern).test(p));
}

// ---------------------------------------------------------------------------------------------
// Credentials

/** The three kinds of credentials the server accepts, as stored in SecretStorage. */
export type Credentials =
  | { kind: 'token'; token: string }
  | { kind: 'account'; username: string; password: string }
  | { kind: 'project'; projectId: string; apiKey: string };

/** Every credential variable the server reads; the chosen set replaces all of them. */
export const CREDENTIAL_ENV_VARS: readonly string[] = [
  'UP42_TOKEN',
  'UP42_USERNAME',
  'UP42_PASSWORD',
  'UP42_PROJECT_ID',
  'UP42_PROJECT_API_KEY',
];

/** The environment variables that carry the credentials to the server. */
export function credentialsToEnv(c: Credentials): Record<string, string> {
  switch (c.kind) {
    case 'token':
      return { UP42_TOKEN: c.token };
    case 'account':
      return { UP42_USERNAME: c.username, UP42_PASSWORD: c.password };
    case 'project':
      return { UP42_PROJECT_ID: c.projectId, UP42_PROJECT_API_KEY: c.apiKey };
  }
}

/**
 * The server process's environment: the editor's own environment, where stored credentials
 * (if any) replace every credential variable, so that the server never sees a mix of two sets.
 */
export function serverEnv(
  base: Record<string, string | undefined>,
  creds: Credentials | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined) env[k] = v;
  }
  if (creds !== undefined) {
    for (const k of CREDENTIAL_ENV_VARS) delete env[k];
    Object.assign(env, credentialsToEnv(creds));
  }
  return env;
}

/** Whether the environment already holds a complete set of credentials. */
export function envHasCredentials(env: Record<string, string | undefined>): boolean {
  const set = (k: string) => (env[k] ?? '').trim() !== '';
  return (
    set('UP42_TOKEN') ||
    (set('UP42_USERNAME') && set('UP42_PASSWORD')) ||
    (set('UP42_PROJECT_ID') && set('UP42_PROJECT_API_KEY'))
  );
}

/** Serialises credentials for SecretStorage. */
export function serializeCredentials(c: Credentials): string {
  return JSON.stringify(c);
}

/** Reads credentials back from SecretStorage; anything malformed or incomplete gives `undefined`. */
export function parseCredentials(stored: string | undefined): Credentials | undefined {
  if (stored === undefined || stored === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(stored);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const str = (k: string) => nonEmptyString(o[k]);
  switch (o.kind) {
    case 'token': {
      const token = str('token');
      return token ? { kind: 'token', token } : undefined;
    }
    case 'account': {
      const username = str('username');
      const password = typeof o.password === 'string' && o.password !== '' ? o.password : undefined;
      return username && password ? { kind: 'account', username, password } : undefined;
    }
    case 'project': {
      const projectId = str('projectId');
      const apiKey = str('apiKey');
      return projectId && apiKey ? { kind: 'project', projectId, apiKey } : undefined;
    }
    default:
      return undefined;
  }
}

/** A description of the credentials that is safe to log: it names the kind, never a secret. */
export function describeCredentials(c: Credentials | undefined): string {
  if (c === undefined) return 'none stored (the server uses its own environment)';
  switch (c.kind) {
    case 'token':
      return 'API token (stored in the editor)';
    case 'account':
      return `account ${c.username} (stored in the editor)`;
    case 'project':
      return `project ${c.projectId} (stored in the editor)`;
  }
}

// ---------------------------------------------------------------------------------------------
// Command results

/** The server-side commands (`workspace/executeCommand`). */
export const SERVER_COMMANDS = {
  getQuote: 'taskingLs.getQuote',
  submitOrder: 'taskingLs.submitOrder',
  refreshSchemas: 'taskingLs.refreshSchemas',
  orderStatus: 'taskingLs.orderStatus',
} as const;

/** The arguments of a server command: the document's URI for the per-file commands. */
export function commandArguments(command: string, uri: string | undefined): unknown[] {
  if (command === SERVER_COMMANDS.refreshSchemas) return [];
  if (uri === undefined) throw new Error(`${command} needs an order request file`);
  return [uri];
}

/**
 * A one-line summary of a command's result for a notification; the full result goes to the
 * output channel. Strings are shown as they are, objects by their most telling field.
 */
export function summarizeResult(title: string, result: unknown): string {
  if (result === null || result === undefined) return `${title}: done`;
  if (typeof result === 'string') return result;
  if (typeof result === 'number' || typeof result === 'boolean') return `${title}: ${String(result)}`;
  if (typeof result === 'object' && !Array.isArray(result)) {
    const o = result as Record<string, unknown>;
    for (const k of ['message', 'summary', 'status', 'id', 'orderId']) {
      const v = o[k];
      if (typeof v === 'string' && v !== '') return `${title}: ${v}`;
    }
    for (const k of ['credits', 'totalCredits', 'summary']) {
      const v = o[k];
      if (typeof v === 'number') return `${title}: ${v} credits`;
    }
  }
  return `${title}: see the Tasking LS output for details`;
}

/** Where the server executable came from, in the order they are tried. */
export type ServerSource = 'setting' | 'bundled' | 'PATH';

/**
 * Chooses the server: `taskingLs.serverPath` when the user set it, else the binary bundled
 * in a platform-specific `.vsix` (`bundled`, when it exists), else `tasking-ls` on `PATH`.
 */
export function chooseServer(
  s: TaskingSettings,
  serverPathSet: boolean,
  bundled: string | undefined,
  workspaceFolder?: string,
  home?: string,
): ServerCommand & { source: ServerSource } {
  if (serverPathSet) return { ...serverCommand(s, workspaceFolder, home), source: 'setting' };
  const args = [...s.serverArgs, 'serve'];
  if (bundled !== undefined) return { command: bundled, args, source: 'bundled' };
  return { command: 'tasking-ls', args, source: 'PATH' };
}

/** One line of `tasking-ls products` output: `ID  TITLE  COLLECTION (COLLECTION TITLE)`. */
export interface ProductLine {
  id: string;
  label: string;
}

/** Parses the table `tasking-ls products` prints (a header line, then one product a line). */
export function parseProducts(stdout: string): ProductLine[] {
  return stdout
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => /^[0-9a-f-]{36}\s/.test(line))
    .map((line) => ({ id: line.slice(0, 36), label: line.slice(36).trim().replace(/\s{2,}/g, ' — ') }));
}
