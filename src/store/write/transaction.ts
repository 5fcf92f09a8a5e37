/*
 * One write to a store, following containers/storage's writer protocol: take the exclusive locks
 * in c/storage's global order (layers.lock → images.lock → containers.lock, read-only stores'
 * image locks shared after the primary's), re-read every file under those locks, let the caller
 * change the records in memory, and save each changed file by writing a fresh last-writer token on
 * its lock and then atomically replacing the file (c/storage ≥1.45 order: a crash in between only
 * costs readers a reload). Every lock is released on every path. Slow work (deleting layer trees)
 * never happens in here: callers stage it and finish after the transaction (see staging.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError } from '../errors';
import { lock, type HeldLock, type LockOptions } from '../lock';
import { readJsonArray, atomicWriteFile } from '../json-file';
import { goMarshal } from '../go-json';
import type { ContainerRecord, ImageRecord, LayerFileKind, LayerRecord, MountPointRecord } from '../records';
import { StoreSnapshot, type ImageEntry, type LayerEntry } from '../snapshot';
import type { Store, StoreTree } from '../store';

export interface WriteScope {
  /** Take layers.lock exclusively and load the layer files (and mounts). */
  layers: boolean;
  /** Take containers.lock exclusively and load the container files. */
  containers: boolean;
  /**
   * With `layers`: also read the layer files and mounts (default). Name changes only need the
   * lock (c/storage 1.43 takes it) and skip the reads to keep the hold short.
   */
  loadLayers?: boolean;
}

export interface WriteOptions extends LockOptions {}

/** The store's records as read under the transaction's locks; the caller mutates them in place. */
export interface WriteTransaction {
  readonly store: Store;
  /** Records of the primary images.json, in file order. */
  readonly images: ImageRecord[];
  /** Images of additional (read-only) stores: looked up, never written. */
  readonly readOnlyImages: ImageEntry[];
  /** Layer records per file they live in (empty when the scope has no layers). */
  readonly layerFiles: Map<LayerFileKind, LayerRecord[]>;
  readonly containers: ContainerRecord[];
  readonly mounts: MountPointRecord[];
  /** An indexed view of the current in-memory state (rebuilt on each call). */
  snapshot(): StoreSnapshot;
  /** Records a write on images.lock and replaces images.json. */
  saveImages(): void;
  /** Records a write on layers.lock and replaces the given layer files. */
  saveLayers(kinds: Iterable<LayerFileKind>): void;
  /** The file a layer record lives in. */
  layerFileOf(id: string): LayerFileKind | undefined;
}

/** Refuses up front, before any lock is taken, stores Strata cannot write. */
export function assertWritable(store: Store, scope: WriteScope): void {
  store.assertReadable();
  const dirs = [store.primary.imagesDir, ...(scope.layers ? [store.primary.layersDir] : [])];
  for (const dir of dirs) {
    try {
      fs.accessSync(dir, fs.constants.W_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue; // nothing recorded there yet; lookups will say so
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
        throw new StoreError(
          'ReadOnlyStore',
          code === 'EROFS'
            ? `The store at ${store.graphRoot} is on a read-only file system; it cannot be changed`
            : `No permission to change the store at ${store.graphRoot}`,
          { path: dir },
          { cause: e },
        );
      }
      throw new StoreError('IoError', `Could not check ${dir}: ${(e as Error).message}`, { path: dir }, { cause: e });
    }
  }
}

function layerFilePath(store: Store, kind: LayerFileKind): string {
  switch (kind) {
    case 'layers':
      return path.join(store.primary.layersDir, 'layers.json');
    case 'volatile':
      return path.join(store.primary.layersDir, 'volatile-layers.json');
    case 'runroot-volatile':
      return path.join(store.runRootLayersDir, 'volatile-layers.json');
  }
}

const LAYER_FILE_KINDS: LayerFileKind[] = ['layers', 'volatile', 'runroot-volatile'];

/** Runs `fn` inside one write transaction on `store`. */
export async function writeTransaction<T>(
  store: Store,
  scope: WriteScope,
  fn: (tx: WriteTransaction) => T | Promise<T>,
  opts: WriteOptions = {},
): Promise<T> {
  assertWritable(store, scope);
  const lockOpts: LockOptions = { timeoutMs: opts.timeoutMs ?? store.lockTimeoutMs, signal: opts.signal };
  const held: HeldLock[] = [];
  const take = async (p: string, mode: 'shared' | 'exclusive'): Promise<HeldLock> => {
    const h = await lock(p, mode, lockOpts);
    held.push(h);
    return h;
  };
  try {
    const layersLock = scope.layers ? await take(store.primary.layersLock, 'exclusive') : undefined;
    const imagesLock = await take(store.primary.imagesLock, 'exclusive');
    const roTrees = store.additional.filter((t) => fs.existsSync(t.imagesDir));
    for (const t of roTrees) await take(t.imagesLock, 'shared');
    if (scope.containers) await take(store.containersLockPath, 'exclusive');

    const imagesFile = path.join(store.primary.imagesDir, 'images.json');
    const images = readJsonArray<ImageRecord>(imagesFile, 'the image list');
    const readOnlyImages: ImageEntry[] = [];
    for (const t of roTrees) {
      for (const record of readJsonArray<ImageRecord>(path.join(t.imagesDir, 'images.json'), 'the image list')) {
        readOnlyImages.push({ record, readOnly: true, tree: t });
      }
    }
    const layerFiles = new Map<LayerFileKind, LayerRecord[]>();
    let mounts: MountPointRecord[] = [];
    if (layersLock && scope.loadLayers !== false) {
      for (const kind of LAYER_FILE_KINDS) {
        layerFiles.set(kind, readJsonArray<LayerRecord>(layerFilePath(store, kind), 'the layer list'));
      }
      mounts = await readMounts(store, lockOpts);
    }
    const containers: ContainerRecord[] = scope.containers
      ? [
          ...readJsonArray<ContainerRecord>(path.join(store.containersDir, 'containers.json'), 'the container list'),
          ...readJsonArray<ContainerRecord>(path.join(store.containersDir, 'volatile-containers.json'), 'the container list'),
        ]
      : [];

    const tx: WriteTransaction = {
      store,
      images,
      readOnlyImages,
      layerFiles,
      containers,
      mounts,
      snapshot: () => buildSnapshot(store, images, readOnlyImages, layerFiles, containers, mounts),
      saveImages: () => {
        imagesLock.recordWrite();
        atomicWriteFile(imagesFile, goMarshal(images));
      },
      saveLayers: (kinds) => {
        if (!layersLock || scope.loadLayers === false) throw new StoreError('LockFailed', 'Layer files saved without holding and reading layers.lock');
        const unique = [...new Set(kinds)];
        if (unique.length === 0) return;
        layersLock.recordWrite();
        for (const kind of unique) {
          const records = layerFiles.get(kind) ?? [];
          const file = layerFilePath(store, kind);
          // c/storage only creates a volatile file when it has something to put in it.
          if (kind !== 'layers' && records.length === 0 && !fs.existsSync(file)) continue;
          atomicWriteFile(file, goMarshal(records), { noSync: kind !== 'layers' });
        }
      },
      layerFileOf: (id) => {
        for (const kind of LAYER_FILE_KINDS) if (layerFiles.get(kind)?.some((l) => l.id === id)) return kind;
        return undefined;
      },
    };
    return await fn(tx);
  } finally {
    for (const h of held.reverse()) h.release();
  }
}

/** mountpoints.json under mountpoints.lock, nested inside layers.lock as c/storage does. */
async function readMounts(store: Store, opts: LockOptions): Promise<MountPointRecord[]> {
  const file = path.join(store.runRootLayersDir, 'mountpoints.json');
  const lockPath = path.join(store.runRootLayersDir, 'mountpoints.lock');
  if (!fs.existsSync(store.runRootLayersDir)) return [];
  const h = await lock(lockPath, 'shared', opts);
  try {
    return readJsonArray<MountPointRecord>(file, 'the mount list');
  } finally {
    h.release();
  }
}

function buildSnapshot(
  store: Store,
  images: ImageRecord[],
  readOnlyImages: ImageEntry[],
  layerFiles: Map<LayerFileKind, LayerRecord[]>,
  containers: ContainerRecord[],
  mounts: MountPointRecord[],
): StoreSnapshot {
  const primary: StoreTree = store.primary;
  const imageEntries: ImageEntry[] = [...images.map((record) => ({ record, readOnly: false, tree: primary })), ...readOnlyImages];
  const layers: LayerEntry[] = [];
  for (const kind of LAYER_FILE_KINDS) {
    for (const record of layerFiles.get(kind) ?? []) layers.push({ record, readOnly: false, tree: primary, file: kind });
  }
  return new StoreSnapshot(store, imageEntries, layers, containers, mounts);
}
