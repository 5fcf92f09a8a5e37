/*
 * Writing save output: a file sink with backpressure (a few MiB in flight at most, so reading the
 * next chunk overlaps the kernel write of the previous one; layer chunks are written from the
 * layer stream's own buffers, without copies), and helpers that create output next
 * to its final path and move it into place only when everything succeeded, so an error or a
 * cancel never leaves a partial archive behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StoreError } from '../errors';
import { cancelled } from '../chunk-ring';
import type { LayerTarSource } from '../layer-stream';

const HIGH_WATER = 4 * 1024 * 1024;

export function outputError(e: unknown, file: string): StoreError {
  if (e instanceof StoreError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EACCES' || err?.code === 'EPERM') {
    return new StoreError('PermissionDenied', `No permission to write ${file}`, { path: file }, { cause: e });
  }
  if (err?.code === 'ENOSPC') return new StoreError('IoError', `No space left on the device while writing ${file}`, { path: file }, { cause: e });
  if (err?.name === 'AbortError') return cancelled();
  return new StoreError('IoError', `Could not write ${file}: ${err?.message ?? String(e)}`, { path: file }, { cause: e });
}

/** Sequential writer over a file descriptor or path with awaitable backpressure. */
export class FileSink {
  private readonly ws: fs.WriteStream;
  private failure: unknown;
  /** Bytes accepted so far. */
  written = 0;

  constructor(
    readonly file: string,
    opts: { fd?: number; flags?: string; mode?: number } = {},
  ) {
    this.ws = fs.createWriteStream(file, { fd: opts.fd, flags: opts.flags ?? 'w', mode: opts.mode ?? 0o644, highWaterMark: HIGH_WATER });
    this.ws.on('error', (e) => {
      this.failure ??= e;
    });
  }

  private check(): void {
    if (this.failure) throw outputError(this.failure, this.file);
  }

  async write(buf: Buffer): Promise<void> {
    this.check();
    this.written += buf.length;
    if (!this.ws.write(buf)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.ws.off('drain', done);
          this.ws.off('error', done);
          this.ws.off('close', done);
          resolve();
        };
        this.ws.on('drain', done);
        this.ws.on('error', done);
        this.ws.on('close', done);
      });
      this.check();
    }
  }

  /**
   * Writes a chunk the caller will reuse: resolves once the bytes are in the file (the chunk is
   * free again). Callers bound how many chunks they have in flight.
   */
  writeOwned(buf: Buffer): Promise<void> {
    this.check();
    this.written += buf.length;
    return new Promise<void>((resolve, reject) => {
      this.ws.write(buf, (err) => {
        if (err) {
          this.failure ??= err;
          reject(outputError(err, this.file));
        } else resolve();
      });
    });
  }

  /** Writes several chunks in one system call (writev); resolves once they are all in the file. */
  writeOwnedv(bufs: Buffer[]): Promise<void> {
    if (bufs.length === 1) return this.writeOwned(bufs[0]!);
    this.ws.cork();
    const done = bufs.map((b) => this.writeOwned(b));
    this.ws.uncork();
    return Promise.all(done).then(() => undefined);
  }

  /** Copies a layer source into the sink; returns the number of bytes copied. */
  async pipeFrom(source: LayerTarSource, onBytes?: (n: number) => void): Promise<number> {
    return source((chunk) => {
      onBytes?.(chunk.length);
      return this.writeOwned(chunk);
    });
  }

  /** Flushes and closes. */
  async close(): Promise<void> {
    this.check();
    await new Promise<void>((resolve, reject) => {
      this.ws.end((err?: Error | null) => (err ? reject(err) : resolve()));
    }).catch((e) => {
      throw outputError(e, this.file);
    });
  }

  /**
   * Abandons the output and resolves once the file descriptor is closed. The stream opens its file
   * asynchronously: removing the file before that settles would let the open recreate it after the
   * cleanup (a cancelled save then left a staging directory behind).
   */
  async destroy(): Promise<void> {
    if (this.ws.closed) return;
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.destroy();
    await closed;
  }
}

/** A hidden sibling path for building `target` before moving it into place. */
export function siblingTemp(target: string, tag: string): string {
  const dir = path.dirname(path.resolve(target));
  return path.join(dir, `.${path.basename(target)}.${tag}-${randomBytes(4).toString('hex')}`);
}

export function removeQuietly(p: string): void {
  try {
    fs.rmSync(p, { recursive: true, force: true });
  } catch {
    // best effort: the error being reported is the one that matters
  }
}
