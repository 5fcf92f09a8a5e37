/*
 * `podman load` for Strata: reads an archive (open-archive.ts), creates its layers (reusing any
 * layer with the same chain ID) and the image records, as c/image copying into c/storage would.
 * The whole load is one unit: if anything fails or the caller aborts, every layer and record it
 * created is removed again. Progress is reported per layer and per byte of layer data.
 */
import { createHash } from 'node:crypto';
import { StoreError, isStoreError } from '../errors';
import type { LockOptions } from '../lock';
import type { Store } from '../store';
import { commitImages, type ImageCommit } from './image-writer';
import type { ArchiveFormat, SourceImage } from './image-source';
import { configCreated } from './image-source';
import { sha256 } from '../digest';
import { goTimeFromConfig } from './go-time';
import { LayerWriter, type LayerInput } from './layer-writer';
import { storageNames } from './names';
import { openArchive } from './open-archive';

export type LoadProgress =
  | { kind: 'layer'; image: number; images: number; layer: number; layers: number; digest: string; bytes: number; reused: boolean; done: boolean }
  | { kind: 'image'; image: number; images: number; id: string; names: string[] };

export interface LoadOptions {
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  lockTimeoutMs?: number;
}

export interface LoadedImage {
  id: string;
  /** The names this load gave the image (normalized), in archive order. */
  names: string[];
  /** The layer IDs from bottom to top. */
  layers: string[];
}

export interface LoadResult {
  format: ArchiveFormat;
  images: LoadedImage[];
  /** What podman prints, one "Loaded image: X" value per copy: a name, or sha256:<id>. */
  loaded: string[];
}

/** c/image's layer ID: the diff ID for a base layer, else sha256(parent + "+" + diffIDhex). */
export function chainLayerId(parent: string | undefined, diffID: string): string {
  const hex = diffID.slice(diffID.indexOf(':') + 1);
  if (!parent) return hex;
  return createHash('sha256').update(`${parent}+${hex}`).digest('hex');
}

export async function loadArchive(store: Store, input: string, opts: LoadOptions = {}): Promise<LoadResult> {
  store.assertContentDriver('Loading images');
  if (store.primary.readOnly) throw new StoreError('ReadOnlyStore', 'The store is read-only');
  const archive = await openArchive(input, opts.signal);
  try {
    // Names are checked before anything is written.
    const plans = archive.images.map((img) => ({ img, names: storageNames(img) }));
    const lockOpts: LockOptions = { timeoutMs: opts.lockTimeoutMs ?? store.lockTimeoutMs, signal: opts.signal };
    const writer = new LayerWriter(store, lockOpts);
    await writer.begin();
    const result: LoadResult = { format: archive.format, images: [], loaded: [] };
    try {
      const commits: ImageCommit[] = [];
      for (const [i, { img, names }] of plans.entries()) {
        const { loaded, commit } = await loadLayers(writer, img, names, i, plans.length, opts);
        commits.push(commit);
        result.images.push(loaded);
        // podman prints an OCI directory's name as derived from the path, before ":latest" is added.
        result.loaded.push(...(names.length === 0 ? [`sha256:${loaded.id}`] : img.naming === 'docker' ? img.names : names));
      }
      if (opts.signal?.aborted) throw new StoreError('Cancelled', 'The load was cancelled');
      // Images are recorded only once every layer is in place, all in one write of images.json.
      await commitImages(store, lockOpts, commits);
      result.images.forEach((img, i) => opts.onProgress?.({ kind: 'image', image: i, images: plans.length, id: img.id, names: img.names }));
      writer.commit();
    } catch (e) {
      writer.rollback();
      throw opts.signal?.aborted && !isStoreError(e, 'Cancelled') ? new StoreError('Cancelled', 'The load was cancelled', {}, { cause: e }) : e;
    } finally {
      writer.end();
    }
    return result;
  } finally {
    archive.close();
  }
}

async function loadLayers(
  writer: LayerWriter,
  img: SourceImage,
  names: string[],
  index: number,
  count: number,
  opts: LoadOptions,
): Promise<{ loaded: LoadedImage; commit: ImageCommit }> {
  if (sha256(img.config) !== img.configDigest) {
    throw new StoreError('DigestMismatch', `The image config does not match its digest ${img.configDigest}`);
  }
  const layerIds: string[] = [];
  const diffSizes: number[] = [];
  let parent: string | undefined;
  for (const [li, layer] of img.layers.entries()) {
    if (opts.signal?.aborted) throw new StoreError('Cancelled', 'The load was cancelled');
    const id = chainLayerId(parent, layer.diffID);
    const report = (bytes: number, reused: boolean, done: boolean): void =>
      opts.onProgress?.({ kind: 'layer', image: index, images: count, layer: li, layers: img.layers.length, digest: layer.blobDigest, bytes, reused, done });
    const input: LayerInput = { blobDigest: layer.blobDigest, blobSize: layer.blobSize, diffID: layer.diffID, open: () => layer.open() };
    const { record, reused } = await writer.put(id, parent, input, {
      signal: opts.signal,
      onBytes: (n) => report(n, false, false),
      what: `Layer ${li + 1} (${layer.blobDigest})`,
    });
    report(record['compressed-size'] ?? 0, reused, true);
    diffSizes.push(record['diff-size'] ?? -1);
    layerIds.push(id);
    parent = id;
  }
  const manifest = img.manifest ?? img.finishManifest?.(diffSizes);
  if (!manifest) throw new StoreError('InvalidArchive', 'The archive gives no manifest for the image');
  const created = configCreated(img.config);
  const id = img.configDigest.slice('sha256:'.length);
  const commit: ImageCommit = {
    id,
    topLayer: parent,
    manifest,
    config: img.config,
    configDigest: img.configDigest,
    created: created !== undefined ? goTimeFromConfig(created) : undefined,
    addNames: names,
  };
  return { loaded: { id, names, layers: layerIds }, commit };
}
