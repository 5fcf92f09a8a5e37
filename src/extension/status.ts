/*
 * The server status item: hidden while the server runs, visible (with a one-click restart) while it
 * starts, failed or stopped. Also keeps the `strata.serverRunning` context key in step.
 */
import * as vscode from 'vscode';
import { Commands, ContextKeys } from './constants';
import type { ServerState, StoreClient } from './client/store-client';
import { Disposable } from './util/disposable';

export class ServerStatus extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('strata.server', vscode.StatusBarAlignment.Left, 0));

  constructor(private readonly client: StoreClient) {
    super();
    this.item.name = 'Strata store server';
    this._register(client.onDidChangeState((s) => this.update(s)));
    this.update(client.state);
  }

  private update(state: ServerState): void {
    void vscode.commands.executeCommand('setContext', ContextKeys.serverRunning, state === 'running');
    if (state === 'running') {
      this.item.hide();
      return;
    }
    if (state === 'starting') {
      this.item.text = '$(sync~spin) Strata';
      this.item.tooltip = 'Strata: starting the store server';
      this.item.command = undefined;
      this.item.backgroundColor = undefined;
    } else {
      this.item.text = '$(error) Strata';
      this.item.tooltip = `Strata: the store server is not running${this.client.lastFailure ? ` (${this.client.lastFailure})` : ''}. Click to restart it.`;
      this.item.command = Commands.restartServer;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    }
    this.item.show();
  }
}
