/*
 * activate/deactivate only: build the services, register the pieces, start the store server in
 * the background. Nothing here reads the disk or waits for the server, so activation stays fast;
 * the tree fills in when the server answers.
 */
import * as vscode from 'vscode';
import { StoreClient } from './client/store-client';
import { registerCommands } from './commands';
import { StateKeys } from './constants';
import type { Services } from './services';
import { ServerStatus } from './status';
import { groupBy, SERVER_SETTINGS, serverSettings } from './util/config';
import { Log } from './util/log';
import { ImageTreeModel } from './views/image-tree-model';
import { ImageTreeProvider } from './views/image-tree-provider';
import { registerInspectPanels } from './webview/inspect-panel';
import { sentenceOf, storeCodeOf } from './client/errors';

/** What activate returns: used by the integration tests and the benchmark, not a public API. */
export interface StrataApi {
  services: Services;
  /** Milliseconds spent in activate(). */
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): StrataApi {
  const started = performance.now();
  const log = new Log();
  context.subscriptions.push(log);
  const client = new StoreClient(context.asAbsolutePath('dist/server.js'), log, serverSettings);
  context.subscriptions.push(client);
  const model = new ImageTreeModel(client, log, {
    groupBy: groupBy(),
    showIntermediate: context.workspaceState.get<boolean>(StateKeys.showIntermediate, false),
    filter: '',
  });
  context.subscriptions.push(model);
  const tree = new ImageTreeProvider(model);
  context.subscriptions.push(tree);
  const inspectPanels = registerInspectPanels({
    extensionUri: context.extensionUri,
    source: {
      inspect: (ref) => client.inspectImage(ref.storeId, ref.imageId),
      history: (ref) => client.imageHistory(ref.storeId, ref.imageId),
    },
    describeError: (e) => ({ message: sentenceOf(e), ...(storeCodeOf(e) ? { code: storeCodeOf(e) } : {}) }),
    log,
  });
  context.subscriptions.push(
    inspectPanels,
    // Open panels follow the store like the tree does (the server debounces the change events).
    client.onDidChangeStore((storeId) => void inspectPanels.refresh((ref) => ref.storeId === storeId)),
    // Panels restored after a reload ask before the server is up; fill them once it is.
    client.onDidChangeState((state) => {
      if (state === 'running') void inspectPanels.refresh();
    }),
  );
  const services: Services = { context, log, client, model, tree, inspectPanels };
  context.subscriptions.push(registerCommands(services), new ServerStatus(client));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('strata.groupBy')) model.setOptions({ groupBy: groupBy() });
      if (SERVER_SETTINGS.some((k) => e.affectsConfiguration(k)) && client.state === 'running') {
        void client.configure(serverSettings()).then(
          () => model.refresh(),
          (err: unknown) => log.error('[client] sending settings failed', err),
        );
      }
    }),
  );
  model.setOptions({});
  // Forking the server is the costliest step: do it right after activate() returns.
  setImmediate(() => void client.start());
  const activationMs = performance.now() - started;
  log.info(`[ext] activated in ${activationMs.toFixed(1)} ms`);
  return { services, activationMs };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; the client stops the server when disposed.
}
