//! "Tasking: Show AOI on map": a webview beside the order that draws its areas of interest.
//! The drawing, its data and the viewer script all come from the server's `taskingLs/aoiPreview`
//! request (the server's parsed geometry and diagnostics; no second parser here). The view
//! follows the text as you type (debounced), and clicking a vertex or a diagnostic marker moves
//! the cursor to that position in the JSON. The webview's content security policy allows the
//! server's script only (by nonce), and remote images only when the online tile layer is
//! turned on in the settings.

import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/** The request and the shape of its answer (src/lsp: the preview handler). */
export const PREVIEW_REQUEST = 'taskingLs/aoiPreview';

export interface PreviewParams {
  textDocument: { uri: string };
  /** Picture size in CSS pixels. */
  width: number;
  height: number;
  /** An XYZ tile URL the page may offer (off until ticked), or null for offline only. */
  tiles: string | null;
}

export interface PreviewResult {
  /** Data for the viewer script: svg, size, view, vertices, markers (positions as {line, character}). */
  data: { svg: string; tiles: string | null; [key: string]: unknown };
  /** The viewer script (pan, zoom, hover, pick). */
  script: string;
  /** "© OpenStreetMap contributors" or the tile layer's attribution, when tiles are offered. */
  attribution: string | null;
}

/** How long to wait after the last keystroke before asking the server again, in ms. */
export const DEBOUNCE_MS = 300;

/** The webview's content security policy: the nonce'd scripts, inline styles, images from the
 * page itself, and https images only when the online layer is offered. */
export function contentSecurityPolicy(cspSource: string, nonce: string, online: boolean): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:${online ? ' https:' : ''}`,
    "style-src 'unsafe-inline'",
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The webview page: a bar, the map, the hover line, the server's viewer script and the glue
 * that posts picks back and shows new drawings. */
export function pageHtml(result: PreviewResult, cspSource: string, nonce: string, title: string): string {
  const online = result.data.tiles !== null;
  const escape = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const toggle = online
    ? `<label><input type="checkbox" id="tiles"> online map tiles</label> <span id="credit" style="display:none">${escape(result.attribution ?? '')}</span>`
    : '<span>offline basemap</span>';
  const data = JSON.stringify(result.data).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(cspSource, nonce, online)}">
<style>
html, body { margin: 0; padding: 0; height: 100%; }
body { display: flex; flex-direction: column; font: 12px var(--vscode-font-family, sans-serif); color: var(--vscode-foreground); }
#bar { padding: 4px 8px; display: flex; gap: 12px; }
#map { flex: 1; min-height: 0; cursor: grab; user-select: none; background: #fff; }
#tip { padding: 3px 8px; font-family: var(--vscode-editor-font-family, monospace); min-height: 1.4em; }
</style></head>
<body>
<div id="bar"><strong>${escape(title)}</strong>${toggle}</div>
<div id="map"></div>
<div id="tip"></div>
<script type="application/json" id="preview-data" nonce="${nonce}">${data}</script>
<script nonce="${nonce}">${result.script}</script>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
window.taskingPreviewPick = (position) => vscode.postMessage({ type: 'pick', position });
window.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'show') window.taskingPreview.show(event.data.data);
});
vscode.postMessage({ type: 'ready' });
</script>
</body></html>`;
}

function nonce(): string {
  return crypto.randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** The tile URL the settings ask for, or null (off by default; never when offline). */
export function tilesSetting(config: vscode.WorkspaceConfiguration): string | null {
  if (config.get<boolean>('offline') === true || config.get<boolean>('preview.onlineTiles') !== true) {
    return null;
  }
  const url = (config.get<string>('preview.tileUrl') ?? '').trim();
  return url !== '' ? url : 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
}

/** One webview per order document. */
class PreviewPanel {
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private shown = false;

  constructor(
    readonly document: vscode.TextDocument,
    readonly panel: vscode.WebviewPanel,
    private readonly getClient: () => LanguageClient | undefined,
    private readonly log: (line: string) => void,
  ) {
    panel.webview.onDidReceiveMessage((message) => this.onMessage(message));
  }

  /** Asks the server for the drawing of the document as it is now and shows it. */
  async refresh(): Promise<void> {
    const client = this.getClient();
    if (client === undefined || !client.isRunning()) {
      this.panel.webview.html = '<p>The tasking-ls server is not running.</p>';
      return;
    }
    const generation = ++this.generation;
    const config = vscode.workspace.getConfiguration('taskingLs', this.document.uri);
    const params: PreviewParams = {
      textDocument: { uri: this.document.uri.toString() },
      width: 800,
      height: 600,
      tiles: tilesSetting(config),
    };
    let result: PreviewResult;
    try {
      result = await client.sendRequest<PreviewResult>(PREVIEW_REQUEST, params);
    } catch (error) {
      this.log(`[preview] ${PREVIEW_REQUEST} failed: ${String(error)}`);
      return;
    }
    // A later edit's answer may already be on its way: show only the newest.
    if (generation !== this.generation) {
      return;
    }
    if (!this.shown) {
      const name = this.document.uri.path.split('/').pop() ?? 'order';
      this.panel.webview.html = pageHtml(result, this.panel.webview.cspSource, nonce(), name);
      this.shown = true;
    } else {
      await this.panel.webview.postMessage({ type: 'show', data: result.data });
    }
  }

  /** Builds the page anew (the online layer's setting changed) and refreshes. */
  async rebuild(): Promise<void> {
    this.shown = false;
    await this.refresh();
  }

  /** Called on every change of the document: refresh after a pause in typing. */
  changed(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, DEBOUNCE_MS);
  }

  private async onMessage(message: { type?: string; position?: unknown }): Promise<void> {
    if (message?.type !== 'pick' || !Array.isArray(message.position)) {
      return;
    }
    const [line, character] = message.position as number[];
    if (typeof line !== 'number' || typeof character !== 'number') {
      return;
    }
    const position = new vscode.Position(line, character);
    const visible = vscode.window.visibleTextEditors.find(
      (e) => e.document.uri.toString() === this.document.uri.toString(),
    );
    const editor = await vscode.window.showTextDocument(this.document, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      preserveFocus: false,
    });
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
  }
}

/** Registers "Tasking: Show AOI on map" and keeps each open preview in step with its order. */
export function registerPreview(
  context: vscode.ExtensionContext,
  getClient: () => LanguageClient | undefined,
  log: (line: string) => void,
): void {
  const panels = new Map<string, PreviewPanel>();
  context.subscriptions.push(
    vscode.commands.registerCommand('tasking.showAoi', async (uri?: vscode.Uri) => {
      const document =
        uri instanceof vscode.Uri
          ? await vscode.workspace.openTextDocument(uri)
          : vscode.window.activeTextEditor?.document;
      if (document === undefined || document.languageId !== 'tasking-request') {
        void vscode.window.showWarningMessage('Tasking: open an order request file (*_tasking_request.json) first.');
        return;
      }
      const key = document.uri.toString();
      const existing = panels.get(key);
      if (existing !== undefined) {
        existing.panel.reveal(vscode.ViewColumn.Beside, true);
        return;
      }
      const name = document.uri.path.split('/').pop() ?? 'order';
      const panel = vscode.window.createWebviewPanel(
        'taskingLs.aoiPreview',
        `AOI: ${name}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [] },
      );
      const preview = new PreviewPanel(document, panel, getClient, log);
      panels.set(key, preview);
      panel.onDidDispose(() => {
        preview.dispose();
        panels.delete(key);
      });
      await preview.refresh();
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      panels.get(event.document.uri.toString())?.changed();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('taskingLs.preview') || event.affectsConfiguration('taskingLs.offline')) {
        for (const preview of panels.values()) {
          void preview.rebuild();
        }
      }
    }),
  );
}
