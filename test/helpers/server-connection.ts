/*
 * Starts the built store server (dist/server.js) the way vscode-languageclient does (fork with
 * --node-ipc) and speaks JSON-RPC to it with vscode-jsonrpc, so protocol tests exercise the real
 * process, transport and handlers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection, type NotificationType } from 'vscode-jsonrpc/node';
import type { ServerSettings } from '../../src/shared/protocol';

export interface ServerHandle {
  conn: MessageConnection;
  child: ChildProcess;
  /** Lines the server logged through connection.console. */
  logs: string[];
  stop(): Promise<void>;
}

export const SERVER_JS = path.resolve(__dirname, '..', '..', '..', 'dist', 'server.js');

export async function startServer(settings: ServerSettings): Promise<ServerHandle> {
  const child = fork(SERVER_JS, ['--node-ipc'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const logs: string[] = [];
  conn.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message));
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { window: { workDoneProgress: true } }, initializationOptions: settings });
  await conn.sendNotification('initialized', {});
  return {
    conn,
    child,
    logs,
    async stop() {
      try {
        await conn.sendRequest('shutdown');
        await conn.sendNotification('exit');
      } catch {
        // Already gone.
      }
      conn.dispose();
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 3000);
          child.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
  };
}

/** Resolves with the first matching notification; rejects after `timeoutMs` (a bound, not a sleep). */
export function nextNotification<P>(conn: MessageConnection, type: NotificationType<P>, match: (p: P) => boolean, timeoutMs = 10_000): Promise<P> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no ${type.method} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = conn.onNotification(type, (p: P) => {
      if (!match(p)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(p);
    });
  });
}
