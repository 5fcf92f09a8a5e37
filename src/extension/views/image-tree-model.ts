/*
 * What the tree shows, as data from the store server: the stores, each store's image summaries,
 * and image details fetched when an image is expanded. Refreshes one store on `store/didChange`
 * (the server debounces) and after our own mutations; fires onDidChange so the provider repaints.
 * Sets the context keys the welcome views use. Never touches the disk.
 */
import * as vscode from 'vscode';
import type { ImageDetails, ImageSummary, StoreInfo } from '../../shared/model';
import type { StoreClient } from '../client/store-client';
import { sentenceOf } from '../client/errors';
import { ContextKeys, type StoreStateKey } from '../constants';
import { Disposable } from '../util/disposable';
import type { Log } from '../util/log';
import type { ViewOptions } from './image-tree-nodes';

export type StoreImages = { images: ImageSummary[] } | { error: string };

export class ImageTreeModel extends Disposable {
  stores: StoreInfo[] | undefined;
  storesError: string | undefined;
  private readonly images = new Map<string, Promise<StoreImages>>();
  private readonly details = new Map<string, Promise<ImageDetails>>();
  private loading: Promise<void> | undefined;
  options: Omit<ViewOptions, 'now'>;

  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  /** Fires after a store's image list was reloaded (tests and the benchmark wait on it). */
  private readonly loadedEmitter = this._register(new vscode.EventEmitter<string>());
  readonly onDidLoadStore = this.loadedEmitter.event;

  constructor(
    private readonly client: StoreClient,
    private readonly log: Log,
    options: Omit<ViewOptions, 'now'>,
  ) {
    super();
    this.options = options;
    this._register(client.onDidChangeStore((id) => this.storeChanged(id)));
    this._register(
      client.onDidChangeState((s) => {
        if (s === 'running') {
          this.refresh();
          // Warm the lists now (activation is at startup): opening the view then paints from cache.
          void this.getStores();
        }
        else if (s === 'failed' || s === 'stopped') {
          void setStoreState('serverDown');
          this.changeEmitter.fire();
        } else void setStoreState('starting');
      }),
    );
  }

  setOptions(patch: Partial<Omit<ViewOptions, 'now'>>): void {
    this.options = { ...this.options, ...patch };
    void vscode.commands.executeCommand('setContext', ContextKeys.filtered, Boolean(this.options.filter));
    void vscode.commands.executeCommand('setContext', ContextKeys.showIntermediate, this.options.showIntermediate);
    this.changeEmitter.fire();
  }

  /** Forgets everything and reloads the stores (Refresh, server (re)start, settings change). */
  refresh(): void {
    this.stores = undefined;
    this.storesError = undefined;
    this.images.clear();
    this.details.clear();
    this.loading = undefined;
    this.changeEmitter.fire();
  }

  /** The stores, loading them once; sets `strata.storeState` for the welcome views. */
  async getStores(): Promise<StoreInfo[]> {
    if (this.stores) return this.stores;
    this.loading ??= this.loadStores();
    await this.loading;
    return this.stores ?? [];
  }

  private async loadStores(): Promise<void> {
    if (this.client.state !== 'running') {
      await setStoreState(this.client.state === 'starting' ? 'starting' : 'serverDown');
      return;
    }
    try {
      const stores = await this.client.listStores();
      this.stores = stores;
      await setStoreState(overallState(stores));
      // Start every ready store's listing now: expanding a store then paints at once.
      for (const s of stores) if (s.status === 'ready') void this.getImages(s.id);
    } catch (e) {
      this.storesError = sentenceOf(e);
      this.log.error('[tree] listing stores failed', e);
      await setStoreState('error');
    }
  }

  getImages(storeId: string): Promise<StoreImages> {
    let p = this.images.get(storeId);
    if (!p) {
      const started = performance.now();
      p = this.client.listImages(storeId).then(
        (r) => {
          this.log.info(`[tree] listed ${r.images.length} images of ${storeId} in ${(performance.now() - started).toFixed(0)} ms`);
          this.loadedEmitter.fire(storeId);
          return { images: r.images };
        },
        (e: unknown) => {
          this.log.error(`[tree] listing images of ${storeId} failed`, e);
          this.loadedEmitter.fire(storeId);
          return { error: sentenceOf(e) };
        },
      );
      this.images.set(storeId, p);
    }
    return p;
  }

  /** The cached image list of a store, if loaded (used by pickers). */
  async allImages(): Promise<{ store: StoreInfo; images: ImageSummary[] }[]> {
    const stores = await this.getStores();
    const out: { store: StoreInfo; images: ImageSummary[] }[] = [];
    for (const store of stores) {
      if (store.status !== 'ready') continue;
      const r = await this.getImages(store.id);
      if ('images' in r) out.push({ store, images: r.images });
    }
    return out;
  }

  getDetails(storeId: string, imageId: string): Promise<ImageDetails> {
    const key = `${storeId}\n${imageId}`;
    let p = this.details.get(key);
    if (!p) {
      p = this.client.imageDetails(storeId, imageId);
      // A failure is not cached: the next expansion asks again.
      p.catch(() => this.details.delete(key));
      this.details.set(key, p);
    }
    return p;
  }

  /** A store changed on disk: drop its cached lists and repaint. */
  storeChanged(storeId: string): void {
    this.log.debug(`[tree] store changed: ${storeId}`);
    this.images.delete(storeId);
    for (const key of [...this.details.keys()]) if (key.startsWith(`${storeId}\n`)) this.details.delete(key);
    void this.getImages(storeId);
    this.changeEmitter.fire();
  }
}

export function overallState(stores: StoreInfo[]): StoreStateKey {
  if (stores.some((s) => s.status === 'ready')) return 'ready';
  if (stores.length === 0 || stores.every((s) => s.status === 'notFound')) return 'notFound';
  if (stores.some((s) => s.status === 'noPermission')) return 'noPermission';
  return 'error';
}

export function setStoreState(state: StoreStateKey): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', ContextKeys.storeState, state);
}
