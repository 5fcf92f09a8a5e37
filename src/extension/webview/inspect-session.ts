/*
 * Host-side logic of one inspect/history panel, free of the vscode API so it is unit-tested in node:
 * the ready handshake (nothing is posted before the page listens, everything current is posted again
 * after each reload of the page), fetching through the InspectDataSource with stale results dropped,
 * and validation of every message from the webview before acting on it.
 */
import {
  isHistoryDto,
  isInspectDto,
  isWebviewMessage,
  type HistoryDto,
  type HostMessage,
  type PanelImage,
  type InspectDto,
  type InspectTab,
  type LoadError,
} from '../../shared/webview-protocol';

/**
 * Where the panel's data comes from. The extension implements it with the store server's inspect
 * and history requests; a rejection's message (or describeError) becomes the sentence shown.
 */
export interface InspectDataSource {
  /** podman's inspect object for the image (one element of `podman image inspect`). */
  inspect(ref: PanelImage): Promise<Record<string, unknown>>;
  history(ref: PanelImage): Promise<readonly HistoryDto[]>;
}

export interface SessionEnvironment {
  /** Posts to the webview; resolves false when the webview could not take it (disposed or reloading). */
  post(message: HostMessage): Thenable<boolean>;
  writeClipboard(text: string): Thenable<void>;
  setTitle(title: string): void;
  describeError(error: unknown): LoadError;
  warn(message: string): void;
}

type Loaded =
  | { readonly kind: 'data'; readonly inspect: InspectDto; readonly history: readonly HistoryDto[] }
  | { readonly kind: 'error'; readonly error: LoadError };

/** Titles are short: the first tag (or short ID) and what the panel is. */
export function panelTitle(ref: PanelImage, inspect?: InspectDto): string {
  const tag = inspect?.RepoTags?.find((t) => typeof t === 'string');
  return tag ?? ref.imageId.slice(0, 12);
}

export class InspectSession {
  private ready = false;
  private disposed = false;
  private loaded: Loaded | null = null;
  private fetching: Promise<void> | null = null;
  private generation = 0;
  private pendingTab: InspectTab | null;

  constructor(
    readonly ref: PanelImage,
    private readonly source: InspectDataSource,
    private readonly env: SessionEnvironment,
    initialTab: InspectTab | null,
  ) {
    this.pendingTab = initialTab;
    this.env.setTitle(panelTitle(ref));
    void this.load();
  }

  /** Brings a tab to the front: now if the page listens, else right after its ready. */
  showTab(tab: InspectTab): void {
    this.pendingTab = tab;
    if (this.ready) this.flushTab();
  }

  /** Fetches inspect and history again (store changed, or the user asked). */
  refresh(): Promise<void> {
    return this.load();
  }

  /** The page went away (hidden without retained context, moved, reloaded): wait for its next ready. */
  markNotReady(): void {
    this.ready = false;
  }

  dispose(): void {
    this.disposed = true;
    this.ready = false;
  }

  /** Every message from the webview goes through here; malformed ones are logged and dropped. */
  async onMessage(raw: unknown): Promise<void> {
    if (this.disposed) return;
    if (!isWebviewMessage(raw)) {
      this.env.warn(`inspect webview sent an unexpected message: ${describeShape(raw)}`);
      return;
    }
    switch (raw.type) {
      case 'webview/ready':
        this.ready = true;
        this.flushTab();
        // A reloaded page starts empty: give it the last result at once, and say a newer one is coming.
        if (this.loaded) this.sendLoaded(this.loaded);
        if (this.fetching) this.send({ type: 'inspect/loading', ref: this.ref });
        return;
      case 'inspect/refresh':
        await this.load();
        return;
      case 'inspect/copy': {
        let ok = true;
        try {
          await this.env.writeClipboard(raw.text);
        } catch (e) {
          ok = false;
          this.env.warn(`could not write the clipboard: ${String(e)}`);
        }
        this.send({ type: 'inspect/didCopy', kind: raw.kind, ok });
        return;
      }
    }
  }

  private flushTab(): void {
    if (this.pendingTab) {
      this.send({ type: 'inspect/showTab', tab: this.pendingTab });
      this.pendingTab = null;
    }
  }

  private load(): Promise<void> {
    const generation = ++this.generation;
    this.send({ type: 'inspect/loading', ref: this.ref });
    const run = (async (): Promise<void> => {
      let result: Loaded;
      try {
        const [inspect, history] = await Promise.all([this.source.inspect(this.ref), this.source.history(this.ref)]);
        // The data source is another component: check its answer like any other input.
        if (!isInspectDto(inspect) || !Array.isArray(history) || !history.every(isHistoryDto)) {
          throw new Error('The store server returned inspect or history data of an unexpected shape.');
        }
        result = { kind: 'data', inspect, history };
      } catch (e) {
        result = { kind: 'error', error: this.env.describeError(e) };
      }
      if (generation !== this.generation || this.disposed) return; // a newer load superseded this one
      this.loaded = result;
      if (result.kind === 'data') this.env.setTitle(panelTitle(this.ref, result.inspect));
      this.sendLoaded(result);
    })();
    this.fetching = run;
    void run.finally(() => {
      if (this.fetching === run) this.fetching = null;
    });
    return run;
  }

  private sendLoaded(loaded: Loaded): void {
    this.send(
      loaded.kind === 'data'
        ? { type: 'inspect/didLoad', ref: this.ref, inspect: loaded.inspect, history: loaded.history }
        : { type: 'inspect/didLoad', ref: this.ref, error: loaded.error },
    );
  }

  private send(message: HostMessage): void {
    if (!this.ready || this.disposed) return;
    void Promise.resolve(this.env.post(message)).then(
      (delivered) => {
        // An undelivered message means the page is gone; its next ready gets everything again.
        if (!delivered) this.ready = false;
      },
      (e: unknown) => {
        this.ready = false;
        this.env.warn(`posting to the inspect webview failed: ${String(e)}`);
      },
    );
  }
}

/** A short description of an unexpected message for the log, without echoing its (possibly huge) content. */
function describeShape(x: unknown): string {
  if (typeof x !== 'object' || x === null) return typeof x;
  const type = (x as { type?: unknown }).type;
  return typeof type === 'string' ? `type ${JSON.stringify(type.slice(0, 64))}` : 'object without a type';
}
