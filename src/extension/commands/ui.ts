/*
 * How commands talk to the user: one sentence per failure with a "Show Logs" button (the detail
 * and stack go to the log), and a plain statement when an operation is not available.
 */
import * as vscode from 'vscode';
import { isCancellation, sentenceOf } from '../client/errors';
import { Commands } from '../constants';
import type { Services } from '../services';
import type { StoreCapability } from '../../shared/model';

const SHOW_LOGS = 'Show Logs';

/** Logs `e` in full and shows "<what>: <sentence>" with a Show Logs action. Cancellations stay quiet. */
export function showError(services: Services, what: string, e: unknown): void {
  if (isCancellation(e)) {
    services.log.info(`[command] ${what}: cancelled`);
    return;
  }
  services.log.error(`[command] ${what}`, e);
  // Not awaited: the command finishes now; the button works for as long as the notification shows.
  void vscode.window.showErrorMessage(`${what}: ${sentenceOf(e)}`, SHOW_LOGS).then((choice) => {
    if (choice === SHOW_LOGS) services.log.show();
  });
}

const OPERATION: Record<StoreCapability, string> = {
  tag: 'Tagging images',
  untag: 'Untagging images',
  remove: 'Removing images',
  save: 'Saving images',
  load: 'Loading archives',
};

/** True when the running server can do `cap`; otherwise says so plainly and returns false. */
export function requireCapability(services: Services, cap: StoreCapability): boolean {
  if (services.client.capabilities.has(cap)) return true;
  void vscode.window.showWarningMessage(`${OPERATION[cap]} is not available in this version of Strata's store server.`);
  return false;
}

/** Shown when a command needs the server and it is down; offers the way out. */
export function explainServerDown(services: Services): void {
  const starting = services.client.state === 'starting';
  const msg = starting
    ? 'The Strata store server is still starting; try again in a moment.'
    : `The Strata store server is not running${services.client.lastFailure ? ` (${services.client.lastFailure})` : ''}.`;
  void vscode.window.showWarningMessage(msg, ...(starting ? [] : ['Restart Server']), SHOW_LOGS).then((choice) => {
    if (choice === 'Restart Server') void vscode.commands.executeCommand(Commands.restartServer);
    else if (choice === SHOW_LOGS) services.log.show();
  });
}
