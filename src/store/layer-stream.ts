/*
 * A layer's uncompressed tar, rebuilt byte for byte from its tar-split data and the files in the
 * layer directory (containers-storage.md §6), as a Readable with backpressure. Every file is
 * checked against its CRC-64 and the whole stream against the layer's recorded diff digest and
 * size; any difference errors the stream (DigestMismatch) before its last byte is handed out, so a
 * consumer that waits for 'end' never accepts a silently different layer. Holds the layer store's
 * lock shared while streaming (the layer cannot be deleted mid-way), one layer at a time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { StoreError } from './errors';
import { Crc64 } from './crc64';
import { lock } from './lock';
import { readTarSplit, ENTRY_SEGMENT } from './tar-split';
import type { Store } from './store';
import type { LayerEntry } from './snapshot';

export interface LayerStreamOptions {
  signal?: AbortSignal;
  lockTimeoutMs?: number;
}

/** Output chunk size: big enough to amortise hashing and writes, small enough for constant memory. */
const CHUNK = 1024 * 1024;
/** Chunks of a large file read ahead of the one being checked (deeper read-ahead measured slower: parallel positional reads defeat the kernel's sequential read-ahead). */
const READ_AHEAD = 1;
/** Files up to this size are read synchronously into the shared output chunk. */
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

/** One positional read on the thread pool; resolves with the bytes actually read. */
function readChunk(fd: number, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, 0, length, position, (err, n) => (err ? reject(err) : resolve(n === length ? buf : buf.subarray(0, n))));
  });
}

function mismatch(layer: LayerEntry, what: string, detail: Record<string, unknown> = {}): StoreError {
  return new StoreError(
    'DigestMismatch',
    `Layer ${layer.record.id.slice(0, 12)} does not match what the store recorded: ${what}. The store's copy of this layer was changed or damaged; nothing was saved from it`,
    { layerId: layer.record.id, ...detail },
  );
}

function cancelled(): StoreError {
  return new StoreError('Cancelled', 'The save was cancelled');
}

/**
 * The layer's uncompressed tar as a byte stream. Fails with NotFound when the layer has no
 * tar-split data, PermissionDenied for unreadable files, DigestMismatch when the content differs
 * from the recorded diff digest/size, Cancelled when `signal` aborts.
 */
export function layerTarStream(store: Store, layer: LayerEntry, opts: LayerStreamOptions = {}): Readable {
  return Readable.from(generateLayerTar(store, layer, opts), { objectMode: false, highWaterMark: 1 });
}

async function* generateLayerTar(store: Store, layer: LayerEntry, opts: LayerStreamOptions): AsyncGenerator<Buffer> {
  const expectedDigest = layer.record['diff-digest'];
  const expectedSize = layer.record['diff-size'];
  if (!expectedDigest || !expectedDigest.startsWith('sha256:') || expectedSize === undefined || expectedSize < 0) {
    throw new StoreError(
      'DigestMismatch',
      `Layer ${layer.record.id.slice(0, 12)} has no recorded uncompressed digest and size, so its content cannot be verified`,
      { layerId: layer.record.id },
    );
  }
  const { signal } = opts;
  if (signal?.aborted) throw cancelled();
  const held = await lock(layer.tree.layersLock, 'shared', { timeoutMs: opts.lockTimeoutMs ?? store.lockTimeoutMs, signal });
  try {
    const opener = new LayerFileOpener(layerFileRoots(store, layer));
    const hash = createHash('sha256');
    let total = 0;
    let acc = Buffer.allocUnsafe(CHUNK);
    let accLen = 0;
    const take = (): Buffer => {
      const out = acc.subarray(0, accLen);
      hash.update(out);
      total += accLen;
      acc = Buffer.allocUnsafe(CHUNK);
      accLen = 0;
      return out;
    };
    for await (const e of readTarSplit(tarSplitPath(layer), signal)) {
      if (e.type === ENTRY_SEGMENT) {
        let off = 0;
        while (off < e.payload.length) {
          if (accLen === CHUNK) yield take();
          const n = e.payload.copy(acc, accLen, off);
          accLen += n;
          off += n;
        }
        continue;
      }
      if (e.size === 0) continue;
      const { fd, display } = opener.open(e.name);
      // Reads still running on the thread pool must finish before their fd is closed and reused.
      const reads: Promise<Buffer>[] = [];
      try {
        const st = fs.fstatSync(fd);
        if (!st.isFile()) throw mismatch(layer, `${display} is not a regular file`, { file: display });
        if (st.size !== e.size) {
          throw mismatch(layer, `${display} has ${st.size} bytes, ${e.size} expected`, { file: display });
        }
        const crc = new Crc64();
        if (e.size <= SMALL_FILE) {
          // Small files are copied into the shared output chunk: one read, no extra buffers.
          let remaining = e.size;
          while (remaining > 0) {
            if (accLen === CHUNK) {
              yield take();
              if (signal?.aborted) throw cancelled();
            }
            let n: number;
            try {
              n = fs.readSync(fd, acc, accLen, Math.min(remaining, CHUNK - accLen), null);
            } catch (err) {
              throw permissionOr(err, display);
            }
            if (n === 0) throw mismatch(layer, `${display} is shorter than recorded`, { file: display });
            crc.update(acc.subarray(accLen, accLen + n));
            accLen += n;
            remaining -= n;
          }
        } else {
          // Large files: up to READ_AHEAD chunks are read on the thread pool ahead of the one
          // being checked, so disk reads overlap hashing and the consumer's writes.
          if (accLen > 0) yield take();
          let issued = 0;
          const issue = (): void => {
            while (reads.length < READ_AHEAD && issued < e.size) {
              const len = Math.min(CHUNK, e.size - issued);
              reads.push(readChunk(fd, issued, len));
              issued += len;
            }
          };
          issue();
          let pos = 0;
          while (pos < e.size) {
            let chunk: Buffer;
            try {
              chunk = await reads.shift()!;
            } catch (err) {
              throw permissionOr(err, display);
            }
            if (chunk.length !== Math.min(CHUNK, e.size - pos)) {
              throw mismatch(layer, `${display} is shorter than recorded`, { file: display });
            }
            pos += chunk.length;
            issue();
            crc.update(chunk);
            hash.update(chunk);
            total += chunk.length;
            yield chunk;
            if (signal?.aborted) throw cancelled();
          }
        }
        if (!crc.digest().equals(e.crc!)) throw mismatch(layer, `the content of ${display} changed`, { file: display });
      } finally {
        for (const r of reads) await r.catch(() => undefined);
        fs.closeSync(fd);
      }
    }
    const last = take();
    const digest = 'sha256:' + hash.digest('hex');
    if (total !== expectedSize) throw mismatch(layer, `its tar has ${total} bytes, ${expectedSize} recorded`);
    if (digest !== expectedDigest) throw mismatch(layer, `its tar hashes to ${digest}, ${expectedDigest} recorded`);
    // The last bytes go out only after the whole layer was verified.
    if (last.length > 0) yield last;
  } finally {
    held.release();
  }
}
