/*
 * The extension's context object: everything long-lived that commands, views and panels need,
 * built once in activate(). Components receive this instead of reaching for globals.
 */
import type * as vscode from 'vscode';
import type { StoreClient } from './client/store-client';
import type { Log } from './util/log';
import type { InspectPanels } from './webview/inspect-panel';
import type { ImageTreeModel } from './views/image-tree-model';
import type { ImageTreeProvider } from './views/image-tree-provider';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: Log;
  readonly client: StoreClient;
  readonly model: ImageTreeModel;
  readonly tree: ImageTreeProvider;
  /** The inspect/history webview panels. */
  readonly inspectPanels: InspectPanels;
}

/** An image the user acted on: enough to address it on the server and to name it in messages. */
export interface ImageTarget {
  storeId: string;
  imageId: string;
  /** Its first name, or its short ID. */
  label: string;
  names: string[];
  digest: string;
  readOnly: boolean;
}
