/*
 * Streams one layer blob into a prepared layer directory, doing in one pass what c/storage's
 * applyDiffWithOptions and c/image's putBlob do: digest and count the blob as stored, detect and
 * undo its compression, digest and count the tar, record every header's owner, apply the entries
 * (apply-tar.ts) and write the tar-split file. Nothing is buffered beyond one chunk; the caller
 * compares the digests with the ones the archive promised.
 */
import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import * as zlib from 'node:zlib';
import { StoreError } from '../errors';
import { Crc64 } from '../crc64';
import { TarReader } from '../tar/tar-reader';
import { TarSplitWriter } from '../tar/tar-split-writer';
import { TarApplier, WHITEOUT_PREFIX, type ApplyMode } from './apply-tar';

/** c/storage's archive.Compression values as stored in layers.json "compression". */
export const enum Compression {
  None = 0,
  Bzip2 = 1,
  Gzip = 2,
  Xz = 3,
  Zstd = 4,
}

/** tar-split reads trailing padding in pieces of this size. */
const PADDING_CHUNK = 1024 * 1024;

export interface StreamedLayer {
  compressedDigest: string;
  compressedSize: number;
  diffDigest: string;
  diffSize: number;
  compression: Compression;
  uids: number[];
  gids: number[];
}

export interface LayerStreamOptions {
  signal?: AbortSignal;
  /** Called with the number of blob bytes read so far. */
  onBytes?: (n: number) => void;
  /** What to call the blob in messages. */
  what?: string;
}

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return Compression.Bzip2;
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return Compression.Gzip;
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return Compression.Xz;
  if (head.length >= 4 && head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return Compression.Zstd;
  return Compression.None;
}

const COMPRESSION_NAMES = ['none', 'bzip2', 'gzip', 'xz', 'zstd'];

/** Peeks at the first bytes of `src` and returns them with an iterator over the whole stream. */
async function peek(src: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; all: AsyncGenerator<Buffer>; close: () => Promise<void> }> {
  const it = src[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let got = 0;
  let ended = false;
  while (got < n) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    first.push(r.value);
    got += r.value.length;
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* first;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  // Closing hands `return()` down to the source, so a file stream under it is closed too.
  const close = async (): Promise<void> => {
    await it.return?.();
  };
  return { head: Buffer.concat(first).subarray(0, n), all: all(), close };
}

export interface Decompressed {
  compression: Compression;
  stream: AsyncIterable<Buffer>;
  /** Stops reading and releases the source (call it when giving up early). */
  close(): Promise<void>;
}

/** Undoes the compression of `src`, or passes it through. */
export async function decompressed(src: AsyncIterable<Buffer>, what: string): Promise<Decompressed> {
  const { head, all, close } = await peek(src, 10);
  const compression = detectCompression(head);
  if (compression === Compression.None) return { compression, stream: all, close };
  if (compression !== Compression.Gzip) {
    await close();
    throw new StoreError('InvalidArchive', `${what} is compressed with ${COMPRESSION_NAMES[compression]}, which Strata cannot read (gzip and uncompressed are supported)`);
  }
  const gunzip = zlib.createGunzip();
  pipeline(Readable.from(all), gunzip, () => undefined);
  return {
    compression,
    stream: wrapZlibErrors(gunzip, what),
    close: async () => {
      gunzip.destroy();
      await close();
    },
  };
}

async function* wrapZlibErrors(src: AsyncIterable<Buffer>, what: string): AsyncGenerator<Buffer> {
  try {
    yield* src;
  } catch (e) {
    if (e instanceof StoreError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || code === 'ERR_STREAM_PREMATURE_CLOSE') {
      throw new StoreError('InvalidArchive', `${what} is not valid gzip data or is truncated: ${(e as Error).message}`, {}, { cause: e });
    }
    throw e;
  }
}

/** Applies `blob` (possibly compressed) to `root` with `mode`, writing the tar-split to `tarSplit`. */
export async function streamLayer(
  blob: AsyncIterable<Buffer>,
  root: string,
  mode: ApplyMode,
  tarSplit: TarSplitWriter,
  opts: LayerStreamOptions = {},
): Promise<StreamedLayer> {
  const what = opts.what ?? 'The layer';
  const compressedHash = createHash('sha256');
  let compressedSize = 0;
  async function* tapCompressed(): AsyncGenerator<Buffer> {
    for await (const chunk of blob) {
      if (opts.signal?.aborted) throw cancelled();
      compressedHash.update(chunk);
      compressedSize += chunk.length;
      opts.onBytes?.(compressedSize);
      yield chunk;
    }
  }
  const { compression, stream, close } = await decompressed(tapCompressed(), what);
  try {
    return await applyStream(stream, compression, root, mode, tarSplit, opts, what, () => ({
      compressedDigest: 'sha256:' + compressedHash.digest('hex'),
      compressedSize,
    }));
  } finally {
    await close();
  }
}

async function applyStream(
  stream: AsyncIterable<Buffer>,
  compression: Compression,
  root: string,
  mode: ApplyMode,
  tarSplit: TarSplitWriter,
  opts: LayerStreamOptions,
  what: string,
  compressed: () => { compressedDigest: string; compressedSize: number },
): Promise<StreamedLayer> {
  const diffHash = createHash('sha256');
  let diffSize = 0;
  async function* tapDiff(): AsyncGenerator<Buffer> {
    for await (const chunk of stream) {
      diffHash.update(chunk);
      diffSize += chunk.length;
      yield chunk;
    }
  }

  const tr = new TarReader(tapDiff(), what);
  const applier = new TarApplier(root, mode);
  const uids = new Set<number>();
  const gids = new Set<number>();
  for (;;) {
    if (opts.signal?.aborted) throw cancelled();
    const hdr = await tr.next();
    const raw = tr.takeRaw();
    if (raw.length > 0) await tarSplit.segment(raw);
    if (!hdr) break;
    const base = hdr.name.slice(hdr.name.lastIndexOf('/', hdr.name.endsWith('/') ? hdr.name.length - 2 : undefined) + 1);
    if (!base.startsWith(WHITEOUT_PREFIX)) {
      uids.add(hdr.uid);
      gids.add(hdr.gid);
    }
    let crc: Crc64 | null = null;
    if (hdr.size > 0) crc = new Crc64();
    const data = tr.data();
    const tapped = (async function* tapCrc(): AsyncGenerator<Buffer> {
      for await (const chunk of data) {
        crc?.update(chunk);
        yield chunk;
      }
    })();
    await applier.entry(hdr, tapped);
    // Entries that make no file (links, devices, whiteouts) still pass their bytes through the CRC.
    for await (const _ of tapped) { /* drained */ }
    await tarSplit.file(hdr.name, hdr.size, crc ? crc.digest() : null);
  }
  applier.finish();
  for await (const pad of tr.rest(PADDING_CHUNK)) await tarSplit.segment(pad);
  await tarSplit.segment(Buffer.alloc(0));
  return {
    ...compressed(),
    diffDigest: 'sha256:' + diffHash.digest('hex'),
    diffSize,
    compression,
    uids: [...uids].sort((a, b) => a - b),
    gids: [...gids].sort((a, b) => a - b),
  };
}

function cancelled(): StoreError {
  return new StoreError('Cancelled', 'The load was cancelled');
}
