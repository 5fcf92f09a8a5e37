/*
 * A layer's uncompressed tar, rebuilt byte for byte from its tar-split data and the files in the
 * layer directory (containers-storage.md §6), pushed into a writer in fixed chunks of a small ring
 * (or as a Readable). The whole stream is checked against the layer's recorded diff digest and
 * size, and every file against its recorded size; any difference fails (DigestMismatch, naming the
 * changed file found by a second pass with tar-split's CRC-64s) before the last byte is handed out,
 * so a consumer never accepts a silently different layer. Holds the layer store's lock shared while
 * streaming (the layer cannot be deleted mid-way), one layer at a time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { StoreError } from './errors';
import { CHUNK, ChunkRing, cancelled, type ChunkWriter } from './chunk-ring';
import { Crc64 } from './crc64';
import { lock } from './lock';
import { readTarSplit, ENTRY_FILE, ENTRY_SEGMENT } from './tar-split';
import type { Store } from './store';
import type { LayerEntry } from './snapshot';

export interface LayerStreamOptions {
  signal?: AbortSignal;
  lockTimeoutMs?: number;
}

/** Files up to this size are read synchronously; larger ones on the thread pool, overlapping the hashing. */
const SMALL_FILE = 256 * 1024;
const SLASH = 0x2f;

export function tarSplitPath(layer: LayerEntry): string {
  return path.join(layer.tree.layersDir, `${layer.record.id}.tar-split.gz`);
}

/** The message for files a rootless store keeps under sub-UIDs that the calling user cannot read. */
export function unreadableHint(file: string): string {
  return (
    `Cannot read ${file}: permission denied. Files of rootless podman stores belong to sub-UIDs of your user; ` +
    'run the save inside the user namespace, e.g. `podman unshare strata save …`'
  );
}

function permissionError(file: string, cause: unknown): StoreError {
  return new StoreError('PermissionDenied', unreadableHint(file), { path: file, unshare: true }, { cause });
}

/**
 * Directories where the layer's files live, searched in order (c/storage's diff getter): overlay
 * looks in the layer's own diff dir, then in each lower layer's diff dir, topmost first.
 */
export function layerFileRoots(store: Store, layer: LayerEntry): string[] {
  store.assertContentDriver('Exporting a layer');
  const dir = store.layerDriverDir(layer);
  if (store.driver === 'vfs') return [dir];
  const roots = [path.join(dir, 'diff')];
  let lower = '';
  try {
    lower = fs.readFileSync(path.join(dir, 'lower'), 'utf8').trim();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw permissionOr(e, path.join(dir, 'lower'));
  }
  const home = path.dirname(dir);
  for (const entry of lower.split(':')) if (entry) roots.push(path.join(home, entry));
  return roots;
}

function permissionOr(e: unknown, file: string): StoreError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return permissionError(file, e);
  if (code === 'ENOENT') return new StoreError('NotFound', `Layer file ${file} is missing`, { path: file }, { cause: e });
  return new StoreError('IoError', `Could not read ${file}: ${(e as Error).message}`, { path: file }, { cause: e });
}

/** Splits a tar name into safe path components; refuses `..`, drops `.`, empty parts and leading slashes. */
export function safeComponents(name: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= name.length; i++) {
    if (i < name.length && name[i] !== SLASH) continue;
    const part = name.subarray(start, i);
    start = i + 1;
    if (part.length === 0 || (part.length === 1 && part[0] === 0x2e)) continue;
    if (part.length === 2 && part[0] === 0x2e && part[1] === 0x2e) {
      throw new StoreError('InvalidArchive', `The layer lists a file outside its directory: ${JSON.stringify(name.toString('utf8'))}`, {
        name: name.toString('utf8'),
      });
    }
    if (part.includes(0)) throw new StoreError('InvalidArchive', 'The layer lists a file name with a NUL byte');
    parts.push(part);
  }
  if (parts.length === 0) throw new StoreError('InvalidArchive', `The layer lists a file with an empty name`);
  return parts;
}

/**
 * Opens layer files by their tar names without ever leaving the layer's roots: each parent
 * directory is resolved once (realpath) and must stay inside its root, and the file itself is
 * opened with O_NOFOLLOW.
 */
class LayerFileOpener {
  private readonly roots: { dir: Buffer; real: Buffer | undefined }[];
  private readonly verifiedDirs = new Map<string, Buffer | null>();

  constructor(roots: string[]) {
    this.roots = roots.map((r) => ({ dir: Buffer.from(r), real: undefined }));
  }

  open(name: Buffer): { fd: number; display: string } {
    const parts = safeComponents(name);
    const display = name.toString('utf8');
    let firstError: unknown;
    for (let r = 0; r < this.roots.length; r++) {
      try {
        return { fd: this.openIn(r, parts), display };
      } catch (e) {
        if (e instanceof StoreError) throw e;
        firstError ??= e;
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') break;
      }
    }
    const where = Buffer.concat([this.roots[0]!.dir, Buffer.from('/'), name]).toString('utf8');
    throw permissionOr(firstError, where);
  }

  private rootReal(r: number): Buffer {
    const root = this.roots[r]!;
    root.real ??= fs.realpathSync.native(root.dir, { encoding: 'buffer' });
    return root.real;
  }

  private openIn(r: number, parts: Buffer[]): number {
    const root = this.roots[r]!;
    const dirParts = parts.slice(0, -1);
    let dir: Buffer = root.dir;
    if (dirParts.length > 0) {
      const rel = Buffer.concat(dirParts.flatMap((p) => [Buffer.from('/'), p]));
      const key = `${r}:${rel.toString('latin1')}`;
      let real = this.verifiedDirs.get(key);
      if (real === undefined) {
        const candidate = fs.realpathSync.native(Buffer.concat([root.dir, rel]), { encoding: 'buffer' });
        const base = this.rootReal(r);
        const inside = candidate.equals(base) || (candidate.length > base.length && candidate[base.length] === SLASH && candidate.subarray(0, base.length).equals(base));
        real = inside ? candidate : null;
        this.verifiedDirs.set(key, real);
      }
      if (real === null) {
        throw new StoreError('InvalidArchive', `A layer file's directory leads outside the layer: ${rel.toString('utf8')}`);
      }
      dir = real;
    }
    const file = Buffer.concat([dir, Buffer.from('/'), parts[parts.length - 1]!]);
    return fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  }
}

function mismatch(layer: LayerEntry, what: string, detail: Record<string, unknown> = {}): StoreError {
  return new StoreError(
    'DigestMismatch',
    `Layer ${layer.record.id.slice(0, 12)} does not match what the store recorded: ${what}. The store's copy of this layer was changed or damaged; nothing was saved from it`,
    { layerId: layer.record.id, ...detail },
  );
}

export type { ChunkWriter } from './chunk-ring';

/**
 * A layer's tar, ready to be pushed into a writer: resolves with the byte count once every byte
 * was handed to `write`, verified and written. Can be run once.
 */
export type LayerTarSource = (write: ChunkWriter) => Promise<number>;

/** Positional read on the thread pool into `buf[off, off+len)`; resolves with the bytes read. */
function readInto(fd: number, buf: Buffer, off: number, len: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, off, len, position, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

function checkRecord(layer: LayerEntry): { expectedDigest: string; expectedSize: number } {
  const expectedDigest = layer.record['diff-digest'];
  const expectedSize = layer.record['diff-size'];
  if (!expectedDigest || !expectedDigest.startsWith('sha256:') || expectedSize === undefined || expectedSize < 0) {
    throw new StoreError(
      'DigestMismatch',
      `Layer ${layer.record.id.slice(0, 12)} has no recorded uncompressed digest and size, so its content cannot be verified`,
      { layerId: layer.record.id },
    );
  }
  return { expectedDigest, expectedSize };
}

/** Opens a layer file and checks that it is a regular file of the recorded size. */
function openChecked(opener: LayerFileOpener, layer: LayerEntry, name: Buffer, size: number): { fd: number; display: string } {
  const { fd, display } = opener.open(name);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw mismatch(layer, `${display} is not a regular file`, { file: display });
    if (st.size !== size) throw mismatch(layer, `${display} has ${st.size} bytes, ${size} expected`, { file: display });
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  return { fd, display };
}

/**
 * The layer's uncompressed tar as a source to push into a writer. The source fails with NotFound
 * when the layer has no tar-split data, PermissionDenied for unreadable files, DigestMismatch when
 * the content differs from the recorded diff digest/size (naming the changed file), Cancelled when
 * `signal` aborts; on failure the last bytes were never handed to the writer.
 */
export function layerTarSource(store: Store, layer: LayerEntry, opts: LayerStreamOptions = {}): LayerTarSource {
  return (write) => pumpLayerTar(store, layer, write, opts);
}

async function pumpLayerTar(store: Store, layer: LayerEntry, write: ChunkWriter, opts: LayerStreamOptions): Promise<number> {
  const { expectedDigest, expectedSize } = checkRecord(layer);
  const { signal } = opts;
  if (signal?.aborted) throw cancelled();
  const held = await lock(layer.tree.layersLock, 'shared', { timeoutMs: opts.lockTimeoutMs ?? store.lockTimeoutMs, signal });
  const ring = new ChunkRing(write, signal);
  try {
    const opener = new LayerFileOpener(layerFileRoots(store, layer));
    for await (const e of readTarSplit(tarSplitPath(layer), signal)) {
      if (e.type === ENTRY_SEGMENT) {
        await ring.put(e.payload);
        continue;
      }
      if (e.size === 0) continue;
      const { fd, display } = openChecked(opener, layer, e.name, e.size);
      // A read still running on the thread pool must finish before its fd is closed and reused.
      let inFlight: Promise<number> | undefined;
      try {
        let pos = 0;
        while (pos < e.size) {
          if (ring.room === 0) await ring.flush();
          const want = Math.min(ring.room, e.size - pos);
          let n: number;
          try {
            if (e.size <= SMALL_FILE) {
              // Small files: one synchronous read straight into the chunk (cheaper than a thread-pool round trip).
              n = fs.readSync(fd, ring.acc, ring.accLen, want, pos);
            } else {
              inFlight = readInto(fd, ring.acc, ring.accLen, want, pos);
              ring.hashPending();
              n = await inFlight;
              inFlight = undefined;
            }
          } catch (err) {
            throw permissionOr(err, display);
          }
          if (n === 0) throw mismatch(layer, `${display} is shorter than recorded`, { file: display });
          ring.accLen += n;
          ring.total += n;
          pos += n;
        }
      } finally {
        if (inFlight) await inFlight.catch(() => undefined);
        fs.closeSync(fd);
      }
    }
    const digest = ring.digest();
    if (ring.total !== expectedSize || digest !== expectedDigest) {
      // The files are checked against their CRC-64 only now: the digest covers every byte, and a
      // second pass over the layer names the file that changed for the error.
      const changed = await findChangedFile(store, layer, signal);
      if (changed) throw mismatch(layer, `the content of ${changed} changed`, { file: changed });
      if (ring.total !== expectedSize) throw mismatch(layer, `its tar has ${ring.total} bytes, ${expectedSize} recorded`);
      throw mismatch(layer, `its tar hashes to ${digest}, ${expectedDigest} recorded`);
    }
    // The last bytes go out only after the whole layer was verified.
    await ring.finish();
    return ring.total;
  } finally {
    await ring.settle();
    held.release();
  }
}

/** The first layer file whose content no longer matches its tar-split CRC-64, or undefined. */
async function findChangedFile(store: Store, layer: LayerEntry, signal: AbortSignal | undefined): Promise<string | undefined> {
  const opener = new LayerFileOpener(layerFileRoots(store, layer));
  const buf = Buffer.allocUnsafe(CHUNK);
  for await (const e of readTarSplit(tarSplitPath(layer), signal)) {
    if (e.type !== ENTRY_FILE || e.size === 0) continue;
    const { fd, display } = openChecked(opener, layer, e.name, e.size);
    try {
      const crc = new Crc64();
      let pos = 0;
      while (pos < e.size) {
        let n: number;
        try {
          n = fs.readSync(fd, buf, 0, Math.min(CHUNK, e.size - pos), pos);
        } catch (err) {
          throw permissionOr(err, display);
        }
        if (n === 0) throw mismatch(layer, `${display} is shorter than recorded`, { file: display });
        crc.update(buf.subarray(0, n));
        pos += n;
      }
      if (!crc.digest().equals(e.crc!)) return display;
    } finally {
      fs.closeSync(fd);
    }
    if (signal?.aborted) throw cancelled();
  }
  return undefined;
}

/**
 * The layer's uncompressed tar as a Readable (copies each chunk; `layerTarSource` avoids that).
 * Fails like the source does; destroying the stream stops reading and releases the lock.
 */
export function layerTarStream(store: Store, layer: LayerEntry, opts: LayerStreamOptions = {}): Readable {
  let resume: (() => void) | undefined;
  const wake = (): void => {
    const r = resume;
    resume = undefined;
    r?.();
  };
  const stream = new Readable({
    highWaterMark: CHUNK,
    read: wake,
    destroy(err, cb) {
      wake();
      cb(err);
    },
  });
  pumpLayerTar(
    store,
    layer,
    async (chunk) => {
      if (stream.destroyed) throw cancelled();
      if (!stream.push(Buffer.from(chunk))) await new Promise<void>((r) => (resume = r));
    },
    opts,
  ).then(
    () => stream.push(null),
    (e: unknown) => stream.destroy(e as Error),
  );
  return stream;
}
