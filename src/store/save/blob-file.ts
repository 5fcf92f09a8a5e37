/*
 * Writing one blob file of a directory-based save (oci-dir, oci-archive's staging dir, docker-dir):
 * stream into a temporary file in the target directory, gzip-compressing on the way when asked,
 * hash what is written, make it 0644 and rename it to its digest name. A failed blob leaves nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { FileSink, outputError, removeQuietly } from './sink';
import type { PutResult } from './copy';

/**
 * Compresses a stream with gzip (default level, like pgzip's default). The output differs from
 * podman's pgzip bytes (see archives-and-references.md §3.2) but holds the same tar.
 */
function gzipOf(src: Readable): Readable {
  const gz = zlib.createGzip({ chunkSize: 256 * 1024 });
  src.on('error', (e) => gz.destroy(e));
  gz.on('close', () => {
    if (!src.destroyed) src.destroy();
  });
  src.pipe(gz);
  return gz;
}

export async function writeBlobFile(
  dir: string,
  nameOf: (digest: string) => string,
  stream: Readable,
  known: PutResult | undefined,
  compress: boolean,
  onBytes: (n: number) => void,
  signal?: AbortSignal,
): Promise<PutResult> {
  const tmp = path.join(dir, `.strata-put-blob-${randomBytes(6).toString('hex')}`);
  const sink = new FileSink(tmp, { flags: 'wx', mode: 0o600 });
  let ok = false;
  try {
    const hash = createHash('sha256');
    let size = 0;
    if (compress) {
      // Count uncompressed progress on the layer stream, hash and write the compressed bytes.
      stream.on('data', (c: Buffer) => onBytes(c.length));
      const gz = gzipOf(stream);
      for await (const chunk of gz as AsyncIterable<Buffer>) {
        if (signal?.aborted) throw outputError(Object.assign(new Error('aborted'), { name: 'AbortError' }), tmp);
        hash.update(chunk);
        size += chunk.length;
        await sink.write(chunk);
      }
    } else {
      // The layer stream verified its own digest; hash only blobs we know nothing about.
      const counting = (n: number): void => onBytes(n);
      size = await sink.pipeFrom(stream, counting, signal);
    }
    await sink.close(true);
    const digest = known ? known.digest : 'sha256:' + hash.digest('hex');
    if (known && size !== known.size) throw outputError(new Error(`size mismatch: expected ${known.size}, got ${size}`), tmp);
    fs.chmodSync(tmp, 0o644);
    const final = nameOf(digest);
    fs.mkdirSync(path.dirname(final), { recursive: true, mode: 0o755 });
    fs.renameSync(tmp, final);
    ok = true;
    return { digest, size };
  } catch (e) {
    throw outputError(e, tmp);
  } finally {
    if (!ok) {
      stream.destroy();
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
