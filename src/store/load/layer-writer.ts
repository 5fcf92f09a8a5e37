/*
 * Creates image layers in the primary store the way c/storage's layerStore.Put + ApplyDiff do,
 * for the duration of one load: the caller holds layers.lock exclusively from begin() to end().
 * Each new layer is first recorded with flags.incomplete (so podman deletes it if we die), then
 * its driver directories are made, the blob is streamed in and verified, the tar-split is
 * written, and the record is completed. Layers created by this load are removed again by
 * rollback(). Existing layers with the wanted ID are reused, as c/image reuses them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError, fsError } from '../errors';
import { lock, type HeldLock, type LockOptions } from '../lock';
import { atomicWriteFile, readJsonArray } from '../json-file';
import type { LayerRecord } from '../records';
import type { Store } from '../store';
import { DriverDirs, type LayerDriver } from '../layer/driver-dirs';
import { streamLayer, type StreamedLayer } from '../layer/unpack-layer';
import { toByteString } from '../layer/root-path';
import { TarSplitWriter } from '../tar/tar-split-writer';
import { goNow } from './go-time';
import { goMarshal } from '../go-json';
import { LAYER_FIELD_ORDER, setField } from '../write/record-fields';

export interface LayerInput {
  /** Digest of the blob as the archive stores it (verified); undefined when unknown. */
  blobDigest?: string;
  /** Size of the blob as stored, or -1. */
  blobSize: number;
  /** The uncompressed digest the layer must have (verified). */
  diffID: string;
  open(): AsyncIterable<Buffer>;
}

export interface PutLayerOptions {
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
  what?: string;
}

export class LayerWriter {
  private held: HeldLock | undefined;
  private records: LayerRecord[] = [];
  private readonly created: string[] = [];
  readonly dirs: DriverDirs;
  private readonly layersJson: string;

  constructor(
    readonly store: Store,
    private readonly lockOpts: LockOptions,
  ) {
    this.dirs = new DriverDirs(store.driver as LayerDriver, path.join(store.graphRoot, store.driver));
    this.layersJson = path.join(store.primary.layersDir, 'layers.json');
  }

  async begin(): Promise<void> {
    fs.mkdirSync(this.store.primary.layersDir, { recursive: true, mode: 0o700 });
    this.held = await lock(this.store.primary.layersLock, 'exclusive', this.lockOpts);
    this.records = readJsonArray<LayerRecord>(this.layersJson, 'the layer list');
  }

  /** Releases the lock (after commit or rollback). */
  end(): void {
    this.held?.release();
    this.held = undefined;
  }

  find(id: string): LayerRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  private save(): void {
    if (!this.held) throw new StoreError('LockFailed', 'Layer writes need the layers lock');
    // Token first (c/storage ≥1.45 order): a crash in between only makes readers reload.
    this.held.recordWrite();
    atomicWriteFile(this.layersJson, goMarshal(this.records));
  }

  private tarSplitPath(id: string): string {
    return path.join(this.store.primary.layersDir, `${id}.tar-split.gz`);
  }

  /** Returns the layer `id` (child of `parent`), creating it from `input` unless it exists. */
  async put(id: string, parent: string | undefined, input: LayerInput, opts: PutLayerOptions = {}): Promise<{ record: LayerRecord; reused: boolean }> {
    const existing = this.find(id);
    if (existing && existing.flags?.incomplete !== true) return { record: existing, reused: true };
    if (existing) this.removeLayer(id); // a crashed writer's leftover, as c/storage cleans them on load
    if (parent && !this.find(parent)) {
      throw new StoreError('MissingLayer', `Layer ${parent.slice(0, 12)} disappeared while loading`, { layerId: parent });
    }
    const record: LayerRecord = { id };
    if (parent) record.parent = parent;
    record.created = goNow();
    record.flags = { incomplete: true };
    this.records.push(record);
    this.created.push(id);
    this.save();

    this.dirs.create(id, parent, opts.signal);
    const tarSplit = new TarSplitWriter(this.tarSplitPath(id));
    let streamed: StreamedLayer;
    try {
      streamed = await streamLayer(input.open(), toByteString(this.dirs.applyRoot(id)), this.dirs.driver, tarSplit, {
        signal: opts.signal,
        onBytes: opts.onBytes,
        what: opts.what,
      });
      verify(streamed, input, opts.what ?? `Layer ${input.diffID}`);
      await tarSplit.commit();
    } catch (e) {
      await tarSplit.abort();
      throw e;
    }
    const set = (key: string, value: unknown): void => setField(record, key, value, LAYER_FIELD_ORDER);
    set('compressed-diff-digest', streamed.compressedDigest);
    set('compressed-size', streamed.compressedSize);
    set('diff-digest', streamed.diffDigest);
    set('diff-size', streamed.diffSize);
    if (streamed.compression !== 0) set('compression', streamed.compression);
    if (streamed.uids.length > 0) set('uidset', streamed.uids);
    if (streamed.gids.length > 0) set('gidset', streamed.gids);
    delete record.flags;
    this.save();
    return { record, reused: false };
  }

  /** Removes one layer's files and record (no save). */
  private removeLayer(id: string): void {
    this.dirs.remove(id);
    try {
      fs.rmSync(this.tarSplitPath(id), { force: true });
      fs.rmSync(path.join(this.store.primary.layersDir, id), { recursive: true, force: true });
    } catch (e) {
      throw fsError(e, this.tarSplitPath(id), 'a layer file');
    }
    this.records = this.records.filter((r) => r.id !== id);
  }

  /** Removes every layer this load created, newest first. */
  rollback(): void {
    if (this.created.length === 0) return;
    for (const id of [...this.created].reverse()) {
      const rec = this.find(id);
      if (rec) rec.flags = { ...(rec.flags ?? {}), incomplete: true };
    }
    this.save();
    for (const id of [...this.created].reverse()) this.removeLayer(id);
    this.created.length = 0;
    this.save();
  }

  /** Layers stay: the load succeeded. */
  commit(): void {
    this.created.length = 0;
  }
}

function verify(s: StreamedLayer, input: LayerInput, what: string): void {
  if (input.blobDigest !== undefined && s.compressedDigest !== input.blobDigest) {
    throw new StoreError('DigestMismatch', `${what} does not match its digest: expected ${input.blobDigest}, got ${s.compressedDigest}`, {
      expected: input.blobDigest,
      actual: s.compressedDigest,
    });
  }
  if (input.blobSize >= 0 && s.compressedSize !== input.blobSize) {
    throw new StoreError('DigestMismatch', `${what} is ${s.compressedSize} bytes, but the manifest says ${input.blobSize}`);
  }
  if (s.diffDigest !== input.diffID) {
    throw new StoreError('DigestMismatch', `${what} does not match the config's diff ID: expected ${input.diffID}, got ${s.diffDigest}`, {
      expected: input.diffID,
      actual: s.diffDigest,
    });
  }
}
