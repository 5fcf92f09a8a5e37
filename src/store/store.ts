/*
 * Opening a store and reading a consistent snapshot of it. Records are read under shared fcntl
 * locks on the lock files podman uses, in c/storage's lock order, so a concurrent podman write is
 * never seen half-done. Parsed files are cached and reused until the lock's last-writer token (or,
 * for layers, the file's mtime) changes. Never writes anything but lock files it has to create.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError, fsError } from './errors';
import { resolveStoreConfig, effectiveDriver, type ConfigOverrides, type ConfigEnvironment, type StoreConfig } from './config';
import { lock, type HeldLock, type LockOptions } from './lock';
import { readJsonArray } from './json-file';
import { readTextFile } from './text-file';
import { bigDataFileName } from './big-data';
import type { ContainerRecord, ImageRecord, LayerFileKind, LayerRecord, MountPointRecord } from './records';
import { StoreSnapshot, type ImageEntry, type LayerEntry } from './snapshot';
import { ImageDetailsCache } from './image-details';
import { FactsCache } from './facts-cache';

/** Drivers whose layer contents Strata can read and delete. Others are listed, not touched. */
export const CONTENT_DRIVERS = ['overlay', 'vfs'];

/** The files of one image/layer store tree (the primary graphroot or an additional image store). */
export interface StoreTree {
  root: string;
  readOnly: boolean;
  imagesDir: string;
  layersDir: string;
  imagesLock: string;
  layersLock: string;
}

export interface OpenOptions extends ConfigOverrides {
  /** Inject the environment (tests); defaults to the real process environment. */
  environment?: ConfigEnvironment;
  /** Skip storage.conf entirely: use exactly root/runRoot/driver. */
  config?: StoreConfig;
  lockTimeoutMs?: number;
  /**
   * Directory of the on-disk listing cache (facts-cache.ts), e.g. defaultCacheDir(); without one
   * the cache lives in memory only.
   */
  cacheDir?: string;
}

export interface ReadOptions extends LockOptions {}

interface CachedFile<T> {
  key: string;
  records: T[];
}

function treeOf(root: string, driver: string, readOnly: boolean): StoreTree {
  const imagesDir = path.join(root, `${driver}-images`);
  const layersDir = path.join(root, `${driver}-layers`);
  return {
    root,
    readOnly,
    imagesDir,
    layersDir,
    imagesLock: path.join(imagesDir, 'images.lock'),
    layersLock: path.join(layersDir, 'layers.lock'),
  };
}

export class Store {
  readonly driver: string;
  readonly primary: StoreTree;
  readonly additional: StoreTree[];
  readonly containersDir: string;
  readonly runRootLayersDir: string;
  private readonly cache = new Map<string, CachedFile<unknown>>();
  /** Parsed manifests and configs, shared by every snapshot of this store. */
  readonly details: ImageDetailsCache;
  private lastSnapshot: { key: string; snapshot: StoreSnapshot } | undefined;

  private constructor(
    readonly config: StoreConfig,
    readonly lockTimeoutMs: number | undefined,
    cacheDir: string | undefined,
  ) {
    this.driver = effectiveDriver(config.graphRoot, config.driver);
    this.details = new ImageDetailsCache(this, FactsCache.forStore(cacheDir, config.graphRoot, this.driver));
    this.primary = treeOf(config.graphRoot, this.driver, false);
    this.additional = config.additionalImageStores.map((r) => treeOf(r, this.driver, true));
    this.containersDir = path.join(config.transientStore ? config.runRoot : config.graphRoot, `${this.driver}-containers`);
    this.runRootLayersDir = path.join(config.runRoot, `${this.driver}-layers`);
  }

  /** Opens the store podman would use with the same flags. Does not touch the disk beyond a stat. */
  static open(opts: OpenOptions = {}): Store {
    const config = opts.config ?? resolveStoreConfig(opts, opts.environment);
    return new Store(config, opts.lockTimeoutMs, opts.cacheDir);
  }

  get graphRoot(): string {
    return this.config.graphRoot;
  }

  get runRoot(): string {
    return this.config.runRoot;
  }

  /** True when Strata can read and remove layer contents of this store. */
  get supportsContent(): boolean {
    return CONTENT_DRIVERS.includes(this.driver);
  }

  assertContentDriver(op: string): void {
    if (!this.supportsContent) {
      throw new StoreError(
        'UnsupportedDriver',
        `${op} is not supported for the "${this.driver}" storage driver; Strata handles overlay and vfs stores`,
        { driver: this.driver },
      );
    }
  }

  /** Checks that the store exists and can be read; throws NotFound / PermissionDenied. */
  assertReadable(): void {
    try {
      fs.accessSync(this.graphRoot, fs.constants.R_OK | fs.constants.X_OK);
    } catch (e) {
      const err = fsError(e, this.graphRoot, 'the container store');
      if (err.code === 'NotFound') {
        throw new StoreError('NotFound', `No container store at ${this.graphRoot}`, { path: this.graphRoot }, { cause: e });
      }
      throw err;
    }
  }

  /** Lock file paths in c/storage's global order, for reading. */
  private readLocks(): string[] {
    return [
      this.primary.layersLock,
      ...this.additional.map((t) => t.layersLock),
      this.primary.imagesLock,
      ...this.additional.map((t) => t.imagesLock),
      this.containersLockPath,
    ];
  }

  get containersLockPath(): string {
    return path.join(this.containersDir, 'containers.lock');
  }

  get mountpointsPath(): string {
    return path.join(this.runRootLayersDir, 'mountpoints.json');
  }

  /**
   * Reads images, layers and containers under shared locks and returns an indexed snapshot.
   * The snapshot is immutable; the same object is returned while nothing changed on disk.
   */
  async snapshot(opts: ReadOptions = {}): Promise<StoreSnapshot> {
    this.assertReadable();
    const lockOpts: LockOptions = { timeoutMs: opts.timeoutMs ?? this.lockTimeoutMs, signal: opts.signal };
    const held: HeldLock[] = [];
    try {
      const tokens: string[] = [];
      for (const lockPath of this.readLocks()) {
        const h = await this.lockIfPresent(lockPath, lockOpts);
        if (h) held.push(h);
        tokens.push(h ? h.readToken().toString('hex') : '-');
      }
      const [layersToken, ...rest] = tokens;
      const roLayerTokens = rest.slice(0, this.additional.length);
      const imagesToken = rest[this.additional.length]!;
      const roImageTokens = rest.slice(this.additional.length + 1, 2 * this.additional.length + 1);
      const containersToken = rest[2 * this.additional.length + 1]!;

      const layers: LayerEntry[] = [];
      const addLayers = (records: LayerRecord[], tree: StoreTree, kind: LayerFileKind): void => {
        for (const record of records) layers.push({ record, readOnly: tree.readOnly, tree, file: kind });
      };
      addLayers(this.cachedArray<LayerRecord>(path.join(this.primary.layersDir, 'layers.json'), layersToken!, 'the layer list'), this.primary, 'layers');
      addLayers(this.cachedArray<LayerRecord>(path.join(this.primary.layersDir, 'volatile-layers.json'), layersToken!, 'the volatile layer list'), this.primary, 'volatile');
      const runrootVolatile = path.join(this.runRootLayersDir, 'volatile-layers.json');
      addLayers(this.cachedArray<LayerRecord>(runrootVolatile, layersToken!, 'the volatile layer list'), this.primary, 'runroot-volatile');
      this.additional.forEach((t, i) =>
        addLayers(this.cachedArray<LayerRecord>(path.join(t.layersDir, 'layers.json'), roLayerTokens[i]!, 'the layer list'), t, 'layers'),
      );

      const images: ImageEntry[] = [];
      const addImages = (records: ImageRecord[], tree: StoreTree): void => {
        for (const record of records) images.push({ record, readOnly: tree.readOnly, tree });
      };
      addImages(this.cachedArray<ImageRecord>(path.join(this.primary.imagesDir, 'images.json'), imagesToken, 'the image list'), this.primary);
      this.additional.forEach((t, i) =>
        addImages(this.cachedArray<ImageRecord>(path.join(t.imagesDir, 'images.json'), roImageTokens[i]!, 'the image list'), t),
      );

      const containers: ContainerRecord[] = [
        ...this.cachedArray<ContainerRecord>(path.join(this.containersDir, 'containers.json'), containersToken, 'the container list'),
        ...this.cachedArray<ContainerRecord>(path.join(this.containersDir, 'volatile-containers.json'), containersToken, 'the container list'),
      ];

      const mounts = this.readMounts();
      const key = tokens.join('/') + '|' + this.fileKeys.join('/');
      if (this.lastSnapshot?.key === key) return this.lastSnapshot.snapshot;
      this.details.trim();
      const snapshot = new StoreSnapshot(this, images, layers, containers, mounts);
      this.lastSnapshot = { key, snapshot };
      return snapshot;
    } finally {
      for (const h of held.reverse()) h.release();
      this.fileKeys = [];
    }
  }

  private fileKeys: string[] = [];

  private async lockIfPresent(lockPath: string, opts: LockOptions): Promise<HeldLock | undefined> {
    // A store part that was never created (no directory) has nothing to protect; don't create it.
    if (!fs.existsSync(path.dirname(lockPath))) return undefined;
    // A lock file that was never created means no writer ever used this part of the store; a user
    // who may not create it (another user's store) reads without it rather than failing.
    if (!fs.existsSync(lockPath)) {
      try {
        fs.accessSync(path.dirname(lockPath), fs.constants.W_OK);
      } catch {
        return undefined;
      }
    }
    return lock(lockPath, 'shared', opts);
  }

  /** mountpoints.json is read without its lock: it only decides whether a layer may be removed. */
  private readMounts(): MountPointRecord[] {
    try {
      return readJsonArray<MountPointRecord>(this.mountpointsPath, 'the mount list');
    } catch {
      return [];
    }
  }

  private cachedArray<T>(file: string, token: string, what: string): T[] {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(e, file, what);
    }
    // Tokens identify podman's writes; mtime/size/inode catch hand edits and writers that skip tokens.
    const key = st ? `${token}:${st.ino}:${st.size}:${st.mtimeMs}` : 'absent';
    this.fileKeys.push(key);
    const cached = this.cache.get(file) as CachedFile<T> | undefined;
    if (cached && cached.key === key) return cached.records;
    const records = st ? readJsonArray<T>(file, what) : [];
    this.cache.set(file, { key, records });
    return records;
  }

  /** Path of an image's big-data file. */
  imageBigDataPath(image: ImageEntry, key: string): string {
    return path.join(image.tree.imagesDir, image.record.id, bigDataFileName(key));
  }

  /** Reads an image big-data item under the images lock; MissingBigData when the file is absent. */
  async readImageBigData(image: ImageEntry, key: string, opts: ReadOptions = {}): Promise<Buffer> {
    const h = await this.lockIfPresent(image.tree.imagesLock, { timeoutMs: opts.timeoutMs ?? this.lockTimeoutMs, signal: opts.signal });
    try {
      return this.readImageBigDataUnlocked(image, key);
    } finally {
      h?.release();
    }
  }

  /** For callers that already hold the images lock (or read immutable items). */
  readImageBigDataUnlocked(image: ImageEntry, key: string): Buffer;
  /** As text: saves a copy per item when listing parses a thousand configs. */
  readImageBigDataUnlocked(image: ImageEntry, key: string, encoding: 'utf8'): string;
  readImageBigDataUnlocked(image: ImageEntry, key: string, encoding?: 'utf8'): Buffer | string {
    const file = this.imageBigDataPath(image, key);
    try {
      return encoding ? readTextFile(file, image.record['big-data-sizes']?.[key]) : fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new StoreError('MissingBigData', `Image ${image.record.id.slice(0, 12)} is missing its "${key}" data (${file})`, {
          path: file,
          imageId: image.record.id,
          key,
        });
      }
      throw fsError(e, file, `the "${key}" data of image ${image.record.id.slice(0, 12)}`);
    }
  }

  /** Directory holding a layer's files for the driver (overlay: <id>/diff's parent; vfs: dir/<id>). */
  layerDriverDir(layer: LayerEntry): string {
    const home = path.join(layer.tree.root, this.driver);
    return this.driver === 'vfs' ? path.join(home, 'dir', layer.record.id) : path.join(home, layer.record.id);
  }
}
