//! The VS Code side of tasking-ls: starts the language server over stdio (the `serverPath`
//! setting, else the binary bundled in the platform `.vsix`, else `tasking-ls` on PATH), hands
//! it the credentials kept in SecretStorage through its environment, gives order files the
//! `tasking-request` language, shows a language status item, and exposes the server's
//! commands (quote, submit, status, refresh schemas), "New order request" and "Show AOI on
//! map" (src/preview.ts).

import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import {
  Credentials,
  SECTION,
  SERVER_COMMANDS,
  ServerSource,
  TaskingSettings,
  chooseServer,
  commandArguments,
  describeCredentials,
  documentSelector,
  envHasCredentials,
  matchesFilePatterns,
  normalizeSettings,
  parseCredentials,
  parseProducts,
  serializeCredentials,
  serverEnv,
  serverSettings,
  summarizeResult,
} from './config';
import { registerPreview } from './preview';

const SECRET_KEY = 'taskingLs.credentials';
/** Settings read by the client itself; a change needs a new client, not just a notification. */
const RESTART_SETTINGS = ['serverPath', 'serverArgs', 'filePatterns'];

const LANGUAGE = 'tasking-request';

let client: LanguageClient | undefined;
let status: vscode.LanguageStatusItem;
/** The server in use and where it came from, for the status item. */
let server: { command: string; source: ServerSource } | undefined;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
let extensionContext: vscode.ExtensionContext;
/** Serialises start/stop so that a quick double restart never leaves two servers running. */
let lifecycle: Promise<void> = Promise.resolve();

function readSettings(): TaskingSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const keys = ['serverPath', 'serverArgs', 'apiUrl', 'workspaceId', 'filePatterns', 'offline', 'schemaDir', 'cacheDir'];
  const raw: Record<string, unknown> = {};
  for (const k of keys) raw[k] = cfg.get(k);
  return normalizeSettings(raw);
}

function workspaceFolderPath(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

async function storedCredentials(): Promise<Credentials | undefined> {
  return parseCredentials(await extensionContext.secrets.get(SECRET_KEY));
}

/** The server binary inside a platform-specific `.vsix` (`bin/tasking-ls[.exe]`), if any. */
function bundledServer(): string | undefined {
  const name = process.platform === 'win32' ? 'tasking-ls.exe' : 'tasking-ls';
  const candidate = path.join(extensionContext.extensionPath, 'bin', name);
  return fs.existsSync(candidate) ? candidate : undefined;
}

function resolveServer(settings: TaskingSettings) {
  const raw = vscode.workspace.getConfiguration(SECTION).get<string>('serverPath');
  const serverPathSet = typeof raw === 'string' && raw.trim() !== '';
  return chooseServer(settings, serverPathSet, bundledServer(), workspaceFolderPath());
}

/** The language status item: server, network mode, product of the current file, credentials. */
async function updateStatus(): Promise<void> {
  if (status === undefined) return;
  const settings = readSettings();
  const running = client?.isRunning() === true;
  const creds = (await storedCredentials()) !== undefined || envHasCredentials(process.env);
  const source = server ? { setting: 'from taskingLs.serverPath', bundled: 'bundled', PATH: 'from PATH' }[server.source] : '';
  status.text = running ? `tasking-ls ${settings.offline ? 'offline' : 'online'}` : 'tasking-ls stopped';
  status.severity = running ? vscode.LanguageStatusSeverity.Information : vscode.LanguageStatusSeverity.Error;
  const doc = vscode.window.activeTextEditor?.document;
  const product = doc?.languageId === LANGUAGE ? productOf(doc.getText()) : undefined;
  status.detail = [
    server ? `server ${source}` : '',
    product ? `product ${product}` : '',
    creds ? 'credentials set' : 'no credentials',
  ]
    .filter((part) => part !== '')
    .join(' · ');
  status.command = { title: 'Show log', command: 'tasking.showOutput' };
}

function productOf(text: string): string | undefined {
  return /"dataProduct"\s*:\s*"([^"]*)"/.exec(text)?.[1];
}

/** Gives documents matching `filePatterns` the tasking-request language (the manifest covers the default pattern only). */
function claimDocument(doc: vscode.TextDocument): void {
  if (doc.languageId === LANGUAGE || doc.uri.scheme !== 'file') return;
  if (doc.languageId !== 'json' && doc.languageId !== 'jsonc' && doc.languageId !== 'plaintext') return;
  if (matchesFilePatterns(doc.uri.fsPath, readSettings().filePatterns)) {
    void vscode.languages.setTextDocumentLanguage(doc, LANGUAGE);
  }
}

async function startClient(): Promise<void> {
  const settings = readSettings();
  const folder = workspaceFolderPath();
  const { command, args, source } = resolveServer(settings);
  server = { command, source };
  const creds = await storedCredentials();

  const serverOptions: ServerOptions = {
    command,
    args,
    transport: TransportKind.stdio,
    // The only way secrets reach the server: its environment. Never settings, never logs.
    options: { env: serverEnv(process.env, creds), cwd: folder },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE }, ...documentSelector(settings.filePatterns)],
    initializationOptions: serverSettings(settings, folder),
    outputChannel: output,
    traceOutputChannel: traceOutput,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    synchronize: { configurationSection: SECTION },
    middleware: {
      workspace: {
        // Answer `workspace/configuration` for our section with the same normalised settings
        // as initializationOptions (no blank strings, no client-only keys).
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return result.map((value, i) =>
            params.items[i]?.section === SECTION
              ? serverSettings(normalizeSettings(value as Record<string, unknown>), workspaceFolderPath())
              : value,
          );
        },
      },
    },
  };

  output.appendLine(
    `[client] server: ${command} (${source === 'setting' ? 'taskingLs.serverPath' : source === 'bundled' ? 'bundled with the extension' : 'found on PATH'})`,
  );
  output.appendLine(
    `[client] starting ${command} ${args.join(' ')}; credentials: ${describeCredentials(creds)}` +
      (creds === undefined && !envHasCredentials(process.env) ? ' — none in the environment either' : ''),
  );
  const c = new LanguageClient('taskingLs', 'Tasking LS', serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
    void updateStatus();
  } catch (err) {
    void updateStatus();
    client = undefined;
    const msg = err instanceof Error ? err.message : String(err);
    output.appendLine(`[client] failed to start the server: ${msg}`);
    const choice = await vscode.window.showErrorMessage(
      `Tasking LS: could not start '${command}' (${msg}). Set "taskingLs.serverPath" to the tasking-ls executable.`,
      'Open settings',
      'Show log',
    );
    if (choice === 'Open settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'taskingLs.serverPath');
    } else if (choice === 'Show log') {
      output.show(true);
    }
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c === undefined) return;
  try {
    await c.stop();
  } catch (err) {
    output.appendLine(`[client] error while stopping the server: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function restart(): Promise<void> {
  lifecycle = lifecycle.then(async () => {
    await stopClient();
    await startClient();
  });
  return lifecycle;
}

/** The active editor's document, if it is an order request file. */
function activeOrderDocument(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc === undefined || doc.uri.scheme !== 'file') return undefined;
  return matchesFilePatterns(doc.uri.fsPath, readSettings().filePatterns) ? doc : undefined;
}

async function promptCredentials(): Promise<Credentials | undefined> {
  const kinds: (vscode.QuickPickItem & { credKind: Credentials['kind'] })[] = [
    { label: 'API token', description: 'UP42_TOKEN', credKind: 'token' },
    { label: 'Account', description: 'user name and password (UP42_USERNAME, UP42_PASSWORD)', credKind: 'account' },
    { label: 'Project', description: 'legacy project ID and API key (UP42_PROJECT_ID, UP42_PROJECT_API_KEY)', credKind: 'project' },
  ];
  const picked = await vscode.window.showQuickPick(kinds, {
    title: 'Tasking: Set credentials',
    placeHolder: 'Which credentials should the server use?',
    ignoreFocusOut: true,
  });
  if (picked === undefined) return undefined;
  const ask = (prompt: string, password: boolean) =>
    vscode.window.showInputBox({
      title: 'Tasking: Set credentials',
      prompt,
      password,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? 'Required' : undefined),
    });
  switch (picked.credKind) {
    case 'token': {
      const token = await ask('API access token', true);
      return token ? { kind: 'token', token: token.trim() } : undefined;
    }
    case 'account': {
      const username = await ask('User name (e-mail)', false);
      if (!username) return undefined;
      const password = await ask('Password', true);
      return password ? { kind: 'account', username: username.trim(), password } : undefined;
    }
    case 'project': {
      const projectId = await ask('Project ID', false);
      if (!projectId) return undefined;
      const apiKey = await ask('Project API key', true);
      return apiKey ? { kind: 'project', projectId: projectId.trim(), apiKey: apiKey.trim() } : undefined;
    }
  }
}

async function setCredentials(): Promise<boolean> {
  const creds = await promptCredentials();
  if (creds === undefined) return false;
  await extensionContext.secrets.store(SECRET_KEY, serializeCredentials(creds));
  output.appendLine(`[client] credentials stored: ${describeCredentials(creds)}`);
  await restart();
  void vscode.window.showInformationMessage('Tasking: credentials stored in the editor\'s secret storage; server restarted.');
  return true;
}

async function clearCredentials(): Promise<void> {
  await extensionContext.secrets.delete(SECRET_KEY);
  output.appendLine('[client] stored credentials cleared');
  await restart();
  void vscode.window.showInformationMessage('Tasking: stored credentials cleared; server restarted.');
}

/** Asks for credentials once when neither SecretStorage nor the environment has any. */
async function ensureCredentials(): Promise<boolean> {
  if ((await storedCredentials()) !== undefined || envHasCredentials(process.env)) return true;
  return setCredentials();
}

async function runServerCommand(title: string, command: string, needsFile: boolean, needsCredentials: boolean) {
  let uri: string | undefined;
  if (needsFile) {
    const doc = activeOrderDocument();
    if (doc === undefined) {
      void vscode.window.showWarningMessage(`${title}: open an order request file (*_tasking_request.json) first.`);
      return;
    }
    if (doc.isDirty) await doc.save();
    uri = doc.uri.toString();
  }
  if (needsCredentials && !(await ensureCredentials())) return;
  await lifecycle;
  if (client === undefined || !client.isRunning()) {
    void vscode.window.showErrorMessage(`${title}: the tasking-ls server is not running (see "Tasking: Show server log").`);
    return;
  }
  const c = client;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${title}…`, cancellable: true },
      (_progress, token) =>
        c.sendRequest(ExecuteCommandRequest.type, { command, arguments: commandArguments(command, uri) }, token),
    );
    if (result !== null && result !== undefined) {
      output.appendLine(`[${command}] ${typeof result === 'string' ? result : JSON.stringify(result, null, 2)}`);
    }
    const choice = await vscode.window.showInformationMessage(summarizeResult(title, result), 'Show details');
    if (choice === 'Show details') output.show(true);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    output.appendLine(`[${command}] failed: ${msg}`);
    void vscode.window.showErrorMessage(`${title} failed: ${msg}`);
  }
}

async function submitOrder() {
  const doc = activeOrderDocument();
  const name = doc ? vscode.workspace.asRelativePath(doc.uri) : 'this file';
  const confirm = await vscode.window.showWarningMessage(
    `Place the order in ${name}? This orders a satellite acquisition and may cost credits.`,
    { modal: true },
    'Submit order',
  );
  if (confirm !== 'Submit order') return;
  await runServerCommand('Submit order', SERVER_COMMANDS.submitOrder, true, true);
}

/** "Tasking: New order request": pick a product, name the request, write it with `init`, open it. */
async function newOrderRequest(): Promise<void> {
  const settings = readSettings();
  const folder = workspaceFolderPath();
  if (folder === undefined) {
    void vscode.window.showWarningMessage('New order request: open a folder first; the request is written there.');
    return;
  }
  const { command, args } = resolveServer(settings);
  const global = args.slice(0, -1).concat(settings.offline ? ['--offline'] : []);
  const run = (extra: string[]) =>
    new Promise<string>((resolve, reject) =>
      cp.execFile(command, [...global, ...extra], { cwd: folder, timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(stderr.trim() || error.message)) : resolve(stdout),
      ),
    );
  try {
    const products = parseProducts(await run(['products']));
    const picked = await vscode.window.showQuickPick(
      products.map((p) => ({ label: p.label, description: p.id, id: p.id })),
      { title: 'Tasking: New order request', placeHolder: 'Data product' },
    );
    if (picked === undefined) return;
    const name = await vscode.window.showInputBox({
      title: 'Tasking: New order request',
      prompt: 'Request name (the file is NAME_tasking_request.json)',
      validateInput: (v) => (/^[A-Za-z0-9_.-]+$/.test(v) ? undefined : 'Letters, digits, _ . - only'),
    });
    if (!name) return;
    await run(['init', '--product', picked.id, name]);
    const doc = await vscode.workspace.openTextDocument(path.join(folder, `${name}_tasking_request.json`));
    await vscode.window.showTextDocument(doc);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    output.appendLine(`[tasking.newOrderRequest] failed: ${msg}`);
    void vscode.window.showErrorMessage(`New order request failed: ${msg}`);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  output = vscode.window.createOutputChannel('Tasking LS');
  traceOutput = vscode.window.createOutputChannel('Tasking LS Trace');
  status = vscode.languages.createLanguageStatusItem('taskingLs.status', { language: LANGUAGE });
  status.name = 'Tasking LS';
  context.subscriptions.push(output, traceOutput, status);
  vscode.workspace.textDocuments.forEach(claimDocument);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(claimDocument),
    vscode.window.onDidChangeActiveTextEditor(() => void updateStatus()),
    vscode.commands.registerCommand('tasking.newOrderRequest', newOrderRequest),
  );

  // Client-side command ids are `tasking.*`: the language client itself registers the
  // server's `taskingLs.*` ids, and two registrations of one id would fail.
  context.subscriptions.push(
    vscode.commands.registerCommand('tasking.getQuote', () =>
      runServerCommand('Get quote', SERVER_COMMANDS.getQuote, true, true),
    ),
    vscode.commands.registerCommand('tasking.submitOrder', submitOrder),
    vscode.commands.registerCommand('tasking.orderStatus', () =>
      runServerCommand('Order status', SERVER_COMMANDS.orderStatus, true, true),
    ),
    vscode.commands.registerCommand('tasking.refreshSchemas', () =>
      runServerCommand('Refresh schemas', SERVER_COMMANDS.refreshSchemas, false, false),
    ),
    vscode.commands.registerCommand('tasking.restartServer', async () => {
      await restart();
      if (client?.isRunning()) void vscode.window.showInformationMessage('Tasking: server restarted.');
    }),
    vscode.commands.registerCommand('tasking.setCredentials', setCredentials),
    vscode.commands.registerCommand('tasking.clearCredentials', clearCredentials),
    vscode.commands.registerCommand('tasking.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_SETTINGS.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) void restart();
    }),
  );

  registerPreview(context, () => client, (line) => output.appendLine(line));

  lifecycle = lifecycle.then(startClient);
  await lifecycle;
}

export async function deactivate(): Promise<void> {
  await lifecycle;
  await stopClient();
}
