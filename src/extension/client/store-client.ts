/*
 * The extension's side of the store server: creates, starts, stops and restarts the
 * LanguageClient (IPC transport), tracks its state for the status item and context keys, and
 * offers typed wrappers for every request of src/shared/protocol.ts. Two lifetimes: this object
 * lives as long as the extension; `run` disposables live as long as one server process.
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  ResponseError,
  State,
  TransportKind,
  WorkDoneProgress,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type {
  HistoryEntry,
  ImageDetails,
  RemovalPlan,
  RemovalResult,
  StoreCapability,
  StoreInfo,
} from '../../shared/model';
import {
  Capabilities,
  Configure,
  DidChange,
  ImageDetailsRequest,
  ImageHistory,
  InspectImage,
  ListImages,
  ListStores,
  PlanRemoval,
  RemoveImages,
  SaveImage,
  LoadImages,
  ImportImage,
  type LoadParams,
  type LoadImagesResult,
  type ImportParams,
  TagImage,
  UntagImage,
  ValidateReference,
  type ListImagesResult,
  type SaveParams,
  type ServerSettings,
} from '../../shared/protocol';
import { Disposable, DisposableStore } from '../util/disposable';
import type { Log } from '../util/log';
import { ServerDownError } from './errors';

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

/** Crashes tolerated within CRASH_WINDOW_MS before we stop restarting and ask the user. */
const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 3 * 60 * 1000;

export class StoreClient extends Disposable {
  private client: LanguageClient | undefined;
  private run = new DisposableStore();
  private _state: ServerState = 'stopped';
  private crashes: number[] = [];
  private caps = new Set<StoreCapability>();
  /** Why the last start failed or the server stopped, for the status item and the log. */
  lastFailure: string | undefined;

  private readonly stateEmitter = this._register(new vscode.EventEmitter<ServerState>());
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly storeEmitter = this._register(new vscode.EventEmitter<string>());
  /** A store changed on disk (debounced by the server). */
  readonly onDidChangeStore = this.storeEmitter.event;

  constructor(
    private readonly serverModule: string,
    private readonly log: Log,
    private readonly settings: () => ServerSettings,
  ) {
    super();
    this._register({ dispose: () => this.run.dispose() });
  }

  get state(): ServerState {
    return this._state;
  }

  get capabilities(): ReadonlySet<StoreCapability> {
    return this.caps;
  }

  private setState(s: ServerState): void {
    if (this._state === s) return;
    this._state = s;
    this.stateEmitter.fire(s);
  }

  /** Starts a fresh client; resolves when the server answered `initialize` (or failed to). */
  async start(): Promise<void> {
    if (this.client && this._state !== 'failed' && this._state !== 'stopped') return;
    this.run.dispose();
    this.run = new DisposableStore();
    const serverOptions: ServerOptions = {
      run: { module: this.serverModule, transport: TransportKind.ipc },
      debug: { module: this.serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      // Containerfile features: completion of local images, hover, "not in any local store" hints.
      documentSelector: [
        { language: 'dockerfile' },
        { scheme: 'file', pattern: '**/{Containerfile,Dockerfile}{,.*}' },
        { scheme: 'file', pattern: '**/*.{containerfile,dockerfile}' },
      ],
      outputChannel: this.log.channel,
      revealOutputChannelOn: 4, // RevealOutputChannelOn.Never: reveal only through "Show Logs"
      initializationOptions: this.settings(),
      initializationFailedHandler: (e) => {
        this.lastFailure = e instanceof Error ? e.message : String(e);
        this.log.error('[client] the store server failed to initialise', e);
        this.setState('failed');
        return false;
      },
      errorHandler: {
        error: (e) => {
          this.log.error('[client] connection error', e);
          return { action: ErrorAction.Continue, handled: true };
        },
        closed: () => {
          const now = Date.now();
          this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
          if (this.crashes.length <= MAX_CRASHES) {
            this.log.warn(`[client] the store server stopped; restarting (${this.crashes.length}/${MAX_CRASHES})`);
            return { action: CloseAction.Restart, handled: true };
          }
          this.lastFailure = `The store server stopped ${this.crashes.length} times in a few minutes`;
          this.log.error(`[client] ${this.lastFailure}; not restarting it again until you ask`);
          this.setState('failed');
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
    };
    const client = new LanguageClient('strata', 'Strata store server', serverOptions, clientOptions);
    this.client = client;
    this.run.add(
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) this.setState('running');
        else if (e.newState === State.Starting) this.setState('starting');
        else if (this._state !== 'failed') this.setState('stopped');
      }),
    );
    this.run.add(client.onNotification(DidChange.type, (p) => this.storeEmitter.fire(p.storeId)));
    this.setState('starting');
    const started = performance.now();
    try {
      await client.start();
      this.caps = new Set(await client.sendRequest(Capabilities.type));
      this.lastFailure = undefined;
      this.log.info(`[client] store server running (${(performance.now() - started).toFixed(0)} ms to start)`);
      this.setState('running');
    } catch (e) {
      this.lastFailure ??= e instanceof Error ? e.message : String(e);
      this.log.error('[client] could not start the store server', e);
      this.setState('failed');
    }
  }

  /** Stops the server (if any) and starts a new one; the way out of a failed start or crash loop. */
  async restart(): Promise<void> {
    this.crashes = [];
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.run.dispose();
    if (client) {
      try {
        if (client.isRunning()) await client.stop(2000);
      } catch (e) {
        this.log.warn(`[client] stopping the store server: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.setState('stopped');
  }

  override dispose(): void {
    void this.stop();
    super.dispose();
  }

  private ready(): LanguageClient {
    const c = this.client;
    if (!c || this._state !== 'running') throw new ServerDownError(this._state, this.lastFailure);
    return c;
  }

  configure(settings: ServerSettings): Promise<void> {
    return this.ready().sendRequest(Configure.type, settings);
  }
  listStores(): Promise<StoreInfo[]> {
    return this.ready().sendRequest(ListStores.type);
  }
  listImages(storeId: string): Promise<ListImagesResult> {
    return this.ready().sendRequest(ListImages.type, { storeId });
  }
  imageDetails(storeId: string, imageId: string): Promise<ImageDetails> {
    return this.ready().sendRequest(ImageDetailsRequest.type, { storeId, imageId });
  }
  inspectImage(storeId: string, imageId: string): Promise<Record<string, unknown>> {
    return this.ready().sendRequest(InspectImage.type, { storeId, imageId });
  }
  imageHistory(storeId: string, imageId: string): Promise<HistoryEntry[]> {
    return this.ready().sendRequest(ImageHistory.type, { storeId, imageId });
  }
  tagImage(storeId: string, imageId: string, name: string): Promise<string> {
    return this.ready().sendRequest(TagImage.type, { storeId, imageId, name });
  }
  untagImage(storeId: string, imageId: string, name: string): Promise<void> {
    return this.ready().sendRequest(UntagImage.type, { storeId, imageId, name });
  }
  validateReference(name: string): Promise<string> {
    return this.ready().sendRequest(ValidateReference.type, { name });
  }
  planRemoval(storeId: string, imageIds: string[]): Promise<RemovalPlan> {
    return this.ready().sendRequest(PlanRemoval.type, { storeId, imageIds });
  }
  removeImages(storeId: string, imageIds: string[], token?: vscode.CancellationToken): Promise<RemovalResult> {
    return this.ready().sendRequest(RemoveImages.type, { storeId, imageIds }, token);
  }

  /** Load with work-done progress mapped onto a VS Code progress reporter; cancelling rolls the load back. */
  loadImages(
    params: Omit<LoadParams, 'workDoneToken'>,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
  ): Promise<LoadImagesResult> {
    return this.withWorkDone('load', progress, (workDoneToken) => this.ready().sendRequest(LoadImages.type, { ...params, workDoneToken }, token));
  }

  importImage(
    params: Omit<ImportParams, 'workDoneToken'>,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
  ): Promise<{ imageId: string; names: string[] }> {
    return this.withWorkDone('import', progress, (workDoneToken) => this.ready().sendRequest(ImportImage.type, { ...params, workDoneToken }, token));
  }

  private async withWorkDone<T>(
    what: string,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    send: (workDoneToken: string) => Promise<T>,
  ): Promise<T> {
    const client = this.ready();
    const workDoneToken = `strata-${what}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    let last = 0;
    const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
      if (v.kind === 'end') return;
      const pct = v.percentage ?? last;
      progress.report({ message: v.message, increment: Math.max(0, pct - last) });
      last = pct;
    });
    try {
      return await send(workDoneToken);
    } finally {
      sub.dispose();
    }
  }

  /** Save with work-done progress mapped onto a VS Code progress reporter. */
  async saveImage(
    params: Omit<SaveParams, 'workDoneToken'>,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
  ): Promise<{ bytes: number }> {
    return this.withWorkDone('save', progress, (workDoneToken) => this.ready().sendRequest(SaveImage.type, { ...params, workDoneToken }, token));
  }
}

export { ResponseError };
