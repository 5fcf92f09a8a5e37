/*
 * Protocol request → store library call → DTO. One method per request; no wiring, no transport:
 * main.ts registers these and turns thrown StoreErrors into ResponseErrors. Every read takes a fresh
 * snapshot (the library returns the cached one while nothing changed on disk).
 */
import type { CancellationToken } from 'vscode-languageserver/node';
import { StoreError } from '../store/errors';
import type { ImageEntry, StoreSnapshot } from '../store/snapshot';
import type { Store } from '../store/store';
import type { ImageDetails, RemovalPlan, StoreCapability, StoreInfo } from '../shared/model';
import type { ImageParams, ListImagesParams, ListImagesResult, RemoveParams } from '../shared/protocol';
import { configFacts, imageDetails, planRemoval, summarizeImages, type ImageConfigFacts } from './image-dto';
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
  constructor(readonly registry: StoreRegistry) {}

  capabilities(): StoreCapability[] {
    return [];
  }

  listStores(): StoreInfo[] {
    return this.registry.rediscover().map((e) => e.info);
  }

  async listImages(p: ListImagesParams, token?: CancellationToken): Promise<ListImagesResult> {
    const { entry, store } = this.registry.get(p.storeId);
    const snap = await store.snapshot({ signal: signalOf(token) });
    return { store: entry.info, images: summarizeImages(snap, (img) => readFacts(store, img)) };
  }

  async imageDetails(p: ImageParams, token?: CancellationToken): Promise<ImageDetails> {
    const { store, snap, image } = await this.image(p, token);
    return imageDetails(snap, image, readFacts(store, image));
  }

  async planRemoval(p: RemoveParams, token?: CancellationToken): Promise<RemovalPlan> {
    const { store } = this.registry.get(p.storeId);
    const snap = await store.snapshot({ signal: signalOf(token) });
    return planRemoval(snap, p.imageIds.map((id) => findImage(snap, id)));
  }

  /** Resolves an image of a store by full ID (what the tree sends). */
  async image(p: ImageParams, token?: CancellationToken): Promise<{ store: Store; snap: StoreSnapshot; image: ImageEntry }> {
    const { store } = this.registry.get(p.storeId);
    const snap = await store.snapshot({ signal: signalOf(token) });
    return { store, snap, image: findImage(snap, p.imageId) };
  }
}

export function findImage(snap: StoreSnapshot, id: string): ImageEntry {
  const image = snap.imageById.get(id.startsWith('sha256:') ? id.slice(7) : id);
  if (!image) throw new StoreError('ImageNotKnown', `Image ${id.slice(0, 12)} is no longer in the store`, { imageId: id });
  return image;
}

/** The labels of an image's config; undefined when the config is missing or unreadable. */
function readFacts(store: Store, image: ImageEntry): ImageConfigFacts | undefined {
  const key = `sha256:${image.record.id}`;
  if (!(image.record['big-data-names'] ?? []).includes(key)) return undefined;
  try {
    // Config blobs are content-addressed and never rewritten in place: no lock needed.
    return configFacts(store.readImageBigDataUnlocked(image, key));
  } catch {
    return undefined;
  }
}
