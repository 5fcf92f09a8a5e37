/*
 * The command table: every command id with its handler and whether it needs the store server.
 * Commands that need a server explain themselves while it is down instead of failing obscurely.
 * scripts/check-manifest.mjs checks this table against package.json.
 */
import * as vscode from 'vscode';
import { Commands, type CommandId } from '../constants';
import type { Services } from '../services';
import { DisposableStore } from '../util/disposable';
import { copyImageDigest, copyImageId, copyImageName } from './copy-commands';
import { removeImages, saveImage, tagImage, untagImage } from './image-commands';
import { inspectImage, showImageHistory } from './inspect-commands';
import { importImage, loadImages } from './load-commands';
import { restartServer, showLogs } from './server-commands';
import { explainServerDown } from './ui';
import { addStore, clearFilter, filterImages, refresh, setShowIntermediate } from './view-commands';

interface CommandEntry {
  run: (services: Services, arg?: unknown, all?: unknown) => unknown;
  /** Needs a running store server; otherwise explains that it is down. */
  server: boolean;
}

export const COMMAND_TABLE: Record<CommandId, CommandEntry> = {
  [Commands.tagImage]: { run: tagImage, server: true },
  [Commands.untagImage]: { run: untagImage, server: true },
  [Commands.removeImage]: { run: removeImages, server: true },
  [Commands.saveImage]: { run: saveImage, server: true },
  [Commands.loadImages]: { run: loadImages, server: true },
  [Commands.importImage]: { run: importImage, server: true },
  [Commands.inspectImage]: { run: inspectImage, server: true },
  [Commands.showImageHistory]: { run: showImageHistory, server: true },
  [Commands.copyImageId]: { run: copyImageId, server: true },
  [Commands.copyImageName]: { run: copyImageName, server: true },
  [Commands.copyImageDigest]: { run: copyImageDigest, server: true },
  [Commands.refresh]: { run: refresh, server: false },
  [Commands.filterImages]: { run: filterImages, server: false },
  [Commands.clearFilter]: { run: clearFilter, server: false },
  [Commands.showIntermediateImages]: { run: (s) => setShowIntermediate(s, true), server: false },
  [Commands.hideIntermediateImages]: { run: (s) => setShowIntermediate(s, false), server: false },
  [Commands.addStore]: { run: addStore, server: false },
  [Commands.showLogs]: { run: showLogs, server: false },
  [Commands.restartServer]: { run: restartServer, server: false },
};

export function registerCommands(services: Services): vscode.Disposable {
  const store = new DisposableStore();
  for (const [id, entry] of Object.entries(COMMAND_TABLE) as [CommandId, CommandEntry][]) {
    store.add(
      vscode.commands.registerCommand(id, async (arg?: unknown, all?: unknown) => {
        if (entry.server && services.client.state !== 'running') return explainServerDown(services);
        try {
          return await entry.run(services, arg, all);
        } catch (e) {
          services.log.error(`[command] ${id} failed`, e);
          void vscode.window.showErrorMessage(`Strata: ${(e as Error)?.message ?? String(e)}`, 'Show Logs').then((c) => {
            if (c) services.log.show();
          });
        }
      }),
    );
  }
  return store;
}
