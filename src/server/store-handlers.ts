/*
 * Protocol request → store library call → DTO. One method per request; no wiring, no transport:
 * main.ts registers these and turns thrown StoreErrors into ResponseErrors. Every read takes a fresh
 * snapshot (the library returns the cached one while nothing changed on disk).
 */
import * as fs from 'node:fs';
import type { CancellationToken } from 'vscode-languageserver/node';
import { StoreError } from '../store/errors';
import type { ImageEntry, StoreSnapshot } from '../store/snapshot';
import type { Store } from '../store/store';
import type { HistoryEntry, ImageDetails, ImageSummary, RemovalPlan, RemovalResult, StoreCapability, StoreInfo } from '../shared/model';
import type { ImageParams, ImportParams, ListImagesParams, ListImagesResult, LoadImagesResult, LoadParams, RemoveParams, SaveParams, TagParams } from '../shared/protocol';
import { loadArchive } from '../store/load/load';
import { importTarball } from '../store/load/import';
import { imageHistory } from '../store/history';
import { listImages, summarizeImage } from '../store/images-list';
import { inspectImage } from '../store/inspect';
import { normalizeName } from '../store/reference';
import { removeImages, tagImage, untagImage } from '../store/write';
import { saveImages } from '../store/save';
import { humanSize } from '../shared/format';
import { imageDetails, planRemoval, toImageSummary } from './image-dto';
import type { StoreRegistry } from './store-registry';

/** An AbortSignal that fires when the client cancels the request. */
export function signalOf(token: CancellationToken | undefined): AbortSignal | undefined {
  if (!token) return undefined;
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  else token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}

export function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw new StoreError('Cancelled', 'The operation was cancelled');
}

export class StoreHandlers {
  /** Summaries per snapshot: the library returns the same snapshot while nothing changed on disk. */
  private readonly summaries = new WeakMap<StoreSnapshot, ImageSummary[]>();

  constructor(readonly registry: StoreRegistry) {}

  capabilities(): StoreCapability[] {
    return ['tag', 'untag', 'remove', 'save', 'load'];
  }

  listStores(): StoreInfo[] {
    return this.registry.rediscover().map((e) => e.info);
  }

  async listImages(p: ListImagesParams, token?: CancellationToken): Promise<ListImagesResult> {
    const { entry, store } = this.registry.get(p.storeId);
    const snap = await store.snapshot({ signal: signalOf(token) });
    let images = this.summaries.get(snap);
    if (!images) {
      images = listImages(store, snap, { all: true, beforeEach: () => throwIfCancelled(token) }).map(toImageSummary);
      this.summaries.set(snap, images);
    }
    return { store: entry.info, images };
  }

  async imageDetails(p: ImageParams, token?: CancellationToken): Promise<ImageDetails> {
    const { store, snap, image } = await this.image(p, token);
    return imageDetails(snap, image, toImageSummary(summarizeImage(store, snap, image)));
  }

  /** podman's `image inspect` object (field order kept: the panel shows it as podman prints it). */
  async inspectImage(p: ImageParams, token?: CancellationToken): Promise<Record<string, unknown>> {
    const { store, snap, image } = await this.image(p, token);
    return inspectImage(store, snap, image).data as Record<string, unknown>;
  }

  async imageHistory(p: ImageParams, token?: CancellationToken): Promise<HistoryEntry[]> {
    const { store, snap, image } = await this.image(p, token);
    return imageHistory(store, snap, image).map((r) => ({
      id: r.id,
      created: r.created ?? '',
      createdBy: r.createdBy,
      size: r.size,
      comment: r.comment,
      emptyLayer: r.emptyLayer,
    }));
  }

  async planRemoval(p: RemoveParams, token?: CancellationToken): Promise<RemovalPlan> {
    const { store } = this.registry.get(p.storeId);
    const snap = await store.snapshot({ signal: signalOf(token) });
    return planRemoval(snap, p.imageIds.map((id) => findImage(snap, id)));
  }

  /** '' when `name` can be given to Tag…, else the sentence saying why not. */
  validateReference(name: string): string {
    if (name.startsWith('sha256:')) return 'A tag cannot be a digest';
    try {
      const ref = normalizeName(name);
      if (ref.digest !== undefined) return 'Give a tag, not a digest (name:tag)';
      return '';
    } catch (e) {
      return e instanceof StoreError ? e.message : String(e);
    }
  }

  /** Adds a name; returns it normalised as stored (`app` → `localhost/app:latest`). */
  async tagImage(p: TagParams, token?: CancellationToken): Promise<string> {
    const { store } = this.registry.get(p.storeId);
    const r = await tagImage(store, p.imageId, [p.name], { signal: signalOf(token) });
    return r.changed[0] ?? p.name;
  }

  async untagImage(p: TagParams, token?: CancellationToken): Promise<void> {
    const { store } = this.registry.get(p.storeId);
    await untagImage(store, p.imageId, [p.name], { signal: signalOf(token) });
  }

  /**
   * Removes exactly the confirmed images (by ID, whatever their names: the user saw them listed)
   * and no dangling parents, so the result matches the plan the confirmation showed.
   */
  async removeImages(p: RemoveParams, token?: CancellationToken): Promise<RemovalResult> {
    const { store } = this.registry.get(p.storeId);
    throwIfCancelled(token);
    const report = await removeImages(store, p.imageIds, { force: true, noPrune: true, signal: signalOf(token) });
    const removed = report.images.filter((i) => i.removed).map((i) => i.id);
    if (removed.length === 0 && report.errors.length > 0) throw report.errors[0]!;
    return { removed, bytes: report.freedBytes, errors: report.errors.map((e) => ({ code: e.code, message: e.message })) };
  }

  /** Loads an archive; `progress` gets a percentage of the layer bytes and a line per step. */
  async loadImages(p: LoadParams, token?: CancellationToken, progress?: ProgressSink): Promise<LoadImagesResult> {
    const { store } = this.registry.get(p.storeId);
    progress?.begin('Loading images');
    try {
      const result = await loadArchive(store, p.input, {
        signal: signalOf(token),
        onProgress: (ev) => {
          if (ev.kind === 'layer') {
            const of = ev.images > 1 ? ` of image ${ev.image + 1}/${ev.images}` : '';
            const step = ev.reused ? 'Reusing' : ev.done ? 'Copied' : 'Copying';
            const pct = Math.floor(((ev.image + (ev.layer + (ev.done ? 1 : 0)) / Math.max(1, ev.layers)) / ev.images) * 100);
            progress?.report(pct, `${step} layer ${ev.layer + 1}/${ev.layers}${of}`);
          } else {
            progress?.report(100, `Stored ${ev.names[0] ?? ev.id.slice(0, 12)}`);
          }
        },
      });
      return { loaded: result.loaded, imageIds: result.images.map((i) => i.id) };
    } finally {
      progress?.done();
    }
  }

  /** Imports a rootfs tarball as a one-layer image. */
  async importImage(p: ImportParams, token?: CancellationToken, progress?: ProgressSink): Promise<{ imageId: string; names: string[] }> {
    const { store } = this.registry.get(p.storeId);
    progress?.begin('Importing');
    try {
      const r = await importTarball(store, p.file, {
        reference: p.reference,
        signal: signalOf(token),
        onProgress: (ev) => {
          const half = ev.total > 0 ? (ev.bytes / ev.total) * 50 : 0;
          progress?.report(Math.floor(ev.phase === 'digest' ? half : 50 + half), ev.phase === 'digest' ? 'Reading the tarball' : 'Writing the layer');
        },
      });
      return { imageId: r.id, names: r.names };
    } finally {
      progress?.done();
    }
  }

  /** Writes an archive, streaming; `progress` gets a percentage of the layer bytes. */
  async saveImage(p: SaveParams, token?: CancellationToken, progress?: ProgressSink): Promise<{ bytes: number }> {
    const { store } = this.registry.get(p.storeId);
    progress?.begin('Saving');
    try {
      return await this.save(store, p, token, progress);
    } finally {
      progress?.done();
    }
  }

  private async save(store: Store, p: SaveParams, token: CancellationToken | undefined, progress: ProgressSink | undefined): Promise<{ bytes: number }> {
    let lastPct = -1;
    const r = await saveImages(store, {
      names: p.refs,
      output: p.output,
      format: p.format,
      multiImage: p.refs.length > 1,
      overwrite: p.overwrite === true,
      signal: signalOf(token),
      onProgress: (pr) => {
        const pct = pr.bytesTotal > 0 ? Math.floor((pr.bytesDone / pr.bytesTotal) * 100) : 0;
        if (pct === lastPct) return;
        lastPct = pct;
        progress?.report(pct, `${humanSize(pr.bytesDone)} of ${humanSize(pr.bytesTotal)}`);
      },
    });
    // For archives the user cares about the file they got; for directories, what was written.
    let bytes = r.bytes;
    try {
      const st = fs.statSync(r.output);
      if (st.isFile()) bytes = st.size;
    } catch {
      // Reported as written.
    }
    return { bytes };
  }

  /** Resolves an image of a store by full ID (what the tree sends). */
  async image(p: ImageParams, token?: CancellationToken): Promise<{ store: Store; snap: StoreSnapshot; image: ImageEntry }> {
    const { store } = this.registry.get(p.storeId);
    const snap = await store.snapshot({ signal: signalOf(token) });
    return { store, snap, image: findImage(snap, p.imageId) };
  }
}

/** Where long requests report work-done progress (the connection's reporter, or nothing). */
export interface ProgressSink {
  begin(title: string): void;
  report(percentage: number, message: string): void;
  done(): void;
}

export function findImage(snap: StoreSnapshot, id: string): ImageEntry {
  const image = snap.imageById.get(id.startsWith('sha256:') ? id.slice(7) : id);
  if (!image) throw new StoreError('ImageNotKnown', `Image ${id.slice(0, 12)} is no longer in the store`, { imageId: id });
  return image;
}
