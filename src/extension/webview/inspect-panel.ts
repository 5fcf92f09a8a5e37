/*
 * The inspect/history panels in VS Code: one panel per image (so two images can sit side by side;
 * asking again for an open image reveals its panel on the requested tab), the webview's security
 * settings, the serializer that brings panels back after a window reload, and disposal of every
 * listener. The logic of a panel lives in InspectSession; this file is the vscode glue.
 */
import * as vscode from 'vscode';
import { WebviewTypes } from '../constants';
import { INSPECT_TABS, parseViewState, type PanelImage, type InspectTab, type LoadError } from '../../shared/webview-protocol';
import { makeNonce, renderHtml } from './html';
import { InspectSession, type InspectDataSource } from './inspect-session';

/** The webview panel type; package.json needs `"onWebviewPanel:strata.inspect"` in activationEvents for the serializer. */
export const INSPECT_VIEW_TYPE = WebviewTypes.inspect;

export interface InspectPanelsOptions {
  readonly extensionUri: vscode.Uri;
  readonly source: InspectDataSource;
  /** Turns a data-source failure into one sentence (and the store error code, if any). Defaults to the error's message. */
  readonly describeError?: (error: unknown) => LoadError;
  /** Where warnings go (the extension's LogOutputChannel). */
  readonly log?: Pick<vscode.LogOutputChannel, 'warn'>;
}

function defaultDescribeError(error: unknown): LoadError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown; data?: { storeCode?: unknown } }).data?.storeCode ?? (error as { code?: unknown }).code;
    return { message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(error) };
}

function key(ref: PanelImage): string {
  return `${ref.storeId}\u0000${ref.imageId}`;
}

interface OpenPanel {
  readonly panel: vscode.WebviewPanel;
  readonly session: InspectSession;
}

export class InspectPanels implements vscode.Disposable {
  private readonly panels = new Map<string, OpenPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly describeError: (error: unknown) => LoadError;

  constructor(private readonly options: InspectPanelsOptions) {
    this.describeError = options.describeError ?? defaultDescribeError;
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(INSPECT_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => this.restore(panel, state),
      }),
    );
  }

  /** Opens (or reveals) the panel of `ref` on `tab`. What `strata.inspectImage` / `strata.showImageHistory` call. */
  open(ref: PanelImage, tab: InspectTab = 'inspect'): vscode.WebviewPanel {
    if (!INSPECT_TABS.includes(tab)) throw new Error(`unknown inspect tab ${String(tab)}`);
    const existing = this.panels.get(key(ref));
    if (existing) {
      existing.panel.reveal(undefined, false);
      existing.session.showTab(tab);
      return existing.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      INSPECT_VIEW_TYPE,
      ref.imageId.slice(0, 12),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      this.webviewOptions(),
    );
    this.attach(panel, ref, tab);
    return panel;
  }

  /** Re-reads every open panel (or those `filter` selects), e.g. after the store server reports a change. */
  refresh(filter: (ref: PanelImage) => boolean = () => true): Promise<void> {
    const jobs = [...this.panels.values()].filter((p) => filter(p.session.ref)).map((p) => p.session.refresh());
    return Promise.all(jobs).then(() => undefined);
  }

  /** The refs of the open panels (for tests and for "refresh the images of this store"). */
  openRefs(): PanelImage[] {
    return [...this.panels.values()].map((p) => p.session.ref);
  }

  dispose(): void {
    for (const { panel } of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableForms: false,
      // Only what ships: the stylesheet and the bundled script. State survives hiding through
      // getState/setState, so the page is not kept alive in the background.
      localResourceRoots: [vscode.Uri.joinPath(this.options.extensionUri, 'media'), vscode.Uri.joinPath(this.options.extensionUri, 'dist', 'webview')],
      retainContextWhenHidden: false,
      enableFindWidget: false,
    };
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = parseViewState(state);
    if (!saved) {
      // Nothing says which image this was: a blank panel would only confuse, so close it.
      this.options.log?.warn('[inspect] could not restore a panel: no valid saved state');
      panel.dispose();
      return;
    }
    const existing = this.panels.get(key(saved.ref));
    if (existing) {
      panel.dispose();
      return;
    }
    panel.webview.options = this.webviewOptions();
    this.attach(panel, saved.ref, null);
  }

  private attach(panel: vscode.WebviewPanel, ref: PanelImage, tab: InspectTab | null): void {
    const webview = panel.webview;
    const asUri = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(this.options.extensionUri, ...parts)).toString();
    const session = new InspectSession(
      ref,
      this.options.source,
      {
        post: (m) => webview.postMessage(m),
        writeClipboard: (text) => vscode.env.clipboard.writeText(text),
        setTitle: (title) => {
          panel.title = title;
        },
        describeError: this.describeError,
        warn: (m) => this.options.log?.warn(`[inspect] ${m}`),
      },
      tab,
    );
    const subscriptions: vscode.Disposable[] = [
      webview.onDidReceiveMessage((m: unknown) => void session.onMessage(m)),
      panel.onDidChangeViewState((e) => {
        // Without retained context a hidden page is torn down; it says ready again when shown.
        if (!e.webviewPanel.visible) session.markNotReady();
      }),
    ];
    const k = key(ref);
    this.panels.set(k, { panel, session });
    subscriptions.push(
      panel.onDidDispose(() => {
        session.dispose();
        for (const d of subscriptions.splice(0)) d.dispose();
        if (this.panels.get(k)?.panel === panel) this.panels.delete(k);
      }),
    );
    webview.html = renderHtml({
      cspSource: webview.cspSource,
      scriptUri: asUri('dist', 'webview', 'inspect.js'),
      styleUris: [asUri('media', 'inspect.css')],
      nonce: makeNonce(),
      title: 'Strata image',
    });
  }
}

/** Creates the panel manager and registers its serializer; dispose it with the extension. */
export function registerInspectPanels(options: InspectPanelsOptions): InspectPanels {
  return new InspectPanels(options);
}
