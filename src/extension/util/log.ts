/*
 * The one leveled log of the extension: a LogOutputChannel named "Strata" that the language
 * client shares, so server messages and client messages land in the same place. Components tag
 * their lines ([tree], [client], …). Errors keep their stack here; notifications stay short.
 */
import * as vscode from 'vscode';

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor(name = 'Strata') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  trace(msg: string): void {
    this.channel.trace(msg);
  }
  debug(msg: string): void {
    this.channel.debug(msg);
  }
  info(msg: string): void {
    this.channel.info(msg);
  }
  warn(msg: string): void {
    this.channel.warn(msg);
  }
  error(msg: string, e?: unknown): void {
    if (e === undefined) this.channel.error(msg);
    else this.channel.error(`${msg}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
