/*
 * Writing one blob file of a directory-based save (oci-dir, oci-archive's staging dir, docker-dir):
 * stream into a temporary file in the target directory, gzip-compressing on the way when asked,
 * hash what is written, make it 0644 and rename it to its digest name. A failed blob leaves nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { LayerTarSource } from '../layer-stream';
import { FileSink, outputError, removeQuietly } from './sink';
import { ParallelGzip } from './parallel-gzip';
import type { PutResult } from './copy';

/**
 * Pushes a layer source through pgzip-style parallel gzip into `sink`, hashing the compressed
 * bytes. The output differs from podman's pgzip bytes (see archives-and-references.md §3.2) but
 * holds the same tar.
 */
async function writeGzip(source: LayerTarSource, sink: FileSink, onBytes: (n: number) => void): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const gz = new ParallelGzip((compressed) => {
    for (const c of compressed) {
      hash.update(c);
      size += c.length;
    }
    return sink.writeOwnedv(compressed);
  });
  try {
    await source((chunk) => {
      onBytes(chunk.length);
      return gz.write(chunk);
    });
    await gz.end();
  } finally {
    await gz.settle();
  }
  return { digest: 'sha256:' + hash.digest('hex'), size };
}

/**
 * Blob files still being made durable: their fsync, chmod and rename into place run on the thread
 * pool while the next layer streams (on a multi-layer image only the last layer's fsync is
 * waited for). A layout commits only after `wait` succeeded, so the index never names a blob that
 * is not on disk; `settle` lets a rollback run once nothing is in flight.
 */
export class PendingBlobs {
  private readonly work: Promise<void>[] = [];
  private readonly sizes = new Map<string, number>();
  private failure: unknown;

  add(digest: string, size: number, work: Promise<void>): void {
    this.sizes.set(digest, size);
    this.work.push(
      work.catch((e: unknown) => {
        this.failure ??= e;
      }),
    );
  }

  /** The size of a blob written in this save whose rename may still be pending. */
  sizeOf(digest: string): number | undefined {
    return this.sizes.get(digest);
  }

  /** A blob already there: written in this save (its rename may still be pending), or found at `file`. */
  reuse(digest: string, file: string): PutResult | undefined {
    const size = this.sizeOf(digest);
    if (size !== undefined) return { digest, size };
    try {
      return { digest, size: fs.statSync(file).size };
    } catch {
      return undefined;
    }
  }

  async wait(): Promise<void> {
    await this.settle();
    if (this.failure) throw this.failure;
  }

  async settle(): Promise<void> {
    await Promise.all(this.work);
  }
}

async function fsyncFile(file: string): Promise<void> {
  const fh = await fs.promises.open(file, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Streams a layer into a blob file named by its digest. The fsync (when `durable`) and the rename
 * are left running in `pending` (see PendingBlobs).
 */
export async function writeBlobFile(
  dir: string,
  nameOf: (digest: string) => string,
  source: LayerTarSource,
  known: PutResult | undefined,
  compress: boolean,
  onBytes: (n: number) => void,
  durable: boolean,
  pending: PendingBlobs,
): Promise<PutResult> {
  const tmp = path.join(dir, `.strata-put-blob-${randomBytes(6).toString('hex')}`);
  const sink = new FileSink(tmp, { flags: 'wx', mode: 0o600 });
  let ok = false;
  try {
    let digest: string;
    let size: number;
    if (compress) {
      // Count uncompressed progress on the layer source, hash and write the compressed bytes.
      ({ digest, size } = await writeGzip(source, sink, onBytes));
    } else {
      // The layer source verified its own digest; blobs we know nothing about do not come here.
      if (!known) throw new Error('internal error: an uncompressed blob without its digest');
      digest = known.digest;
      size = await sink.pipeFrom(source, onBytes);
    }
    await sink.close();
    if (known && size !== known.size) throw outputError(new Error(`size mismatch: expected ${known.size}, got ${size}`), tmp);
    const final = nameOf(digest);
    const finish = async (): Promise<void> => {
      try {
        if (durable) await fsyncFile(tmp);
        fs.chmodSync(tmp, 0o644);
        fs.mkdirSync(path.dirname(final), { recursive: true, mode: 0o755 });
        fs.renameSync(tmp, final);
      } catch (e) {
        removeQuietly(tmp);
        throw outputError(e, final);
      }
    };
    pending.add(digest, size, finish());
    ok = true;
    return { digest, size };
  } catch (e) {
    throw outputError(e, tmp);
  } finally {
    if (!ok) {
      await sink.destroy();
      removeQuietly(tmp);
    }
  }
}

/** Writes small metadata (config, manifest) the same way: temp file, 0644, rename. */
export function writeSmallFile(file: string, data: Buffer | string): void {
  const tmp = `${file}.strata-tmp-${randomBytes(4).toString('hex')}`;
  try {
    fs.writeFileSync(tmp, data, { mode: 0o644 });
    fs.chmodSync(tmp, 0o644);
    fs.renameSync(tmp, file);
  } catch (e) {
    removeQuietly(tmp);
    throw outputError(e, file);
  }
}
