/*
 * A pull-based reader over an async stream of chunks, for parsers that need "exactly n bytes"
 * without buffering more than one chunk ahead. Running out of input mid-read is a truncation
 * error, never a silent short read.
 */
import { StoreError } from '../errors';

export class ByteSource {
  private chunk: Buffer = Buffer.alloc(0);
  private offset = 0;
  private done = false;
  /** Bytes handed out so far. */
  position = 0;
  private readonly it: AsyncIterator<Buffer | Uint8Array | string>;

  constructor(source: AsyncIterable<Buffer | Uint8Array | string>, private readonly what: string) {
    this.it = source[Symbol.asyncIterator]();
  }

  private get available(): number {
    return this.chunk.length - this.offset;
  }

  /** Loads the next non-empty chunk; false at end of input. */
  private async fill(): Promise<boolean> {
    while (!this.done) {
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        return false;
      }
      const v = r.value;
      const buf = typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      if (buf.length === 0) continue;
      this.chunk = buf;
      this.offset = 0;
      return true;
    }
    return false;
  }

  /**
   * Reads up to `n` bytes; fewer only at end of input. Returns the bytes read (possibly empty).
   */
  async readUpTo(n: number): Promise<Buffer> {
    if (n === 0) return Buffer.alloc(0);
    if (this.available === 0 && !(await this.fill())) return Buffer.alloc(0);
    if (this.available >= n) {
      const out = this.chunk.subarray(this.offset, this.offset + n);
      this.offset += n;
      this.position += n;
      return out;
    }
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      if (this.available === 0 && !(await this.fill())) break;
      const take = Math.min(n - got, this.available);
      parts.push(this.chunk.subarray(this.offset, this.offset + take));
      this.offset += take;
      got += take;
    }
    this.position += got;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, got);
  }

  /** Reads exactly `n` bytes or throws InvalidArchive (truncated). */
  async readExact(n: number): Promise<Buffer> {
    const b = await this.readUpTo(n);
    if (b.length !== n) throw truncated(this.what);
    return b;
  }

  /** Yields the next `n` bytes in chunks as they arrive; throws if the input ends first. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.available === 0 && !(await this.fill())) throw truncated(this.what);
      const take = Math.min(left, this.available);
      const out = this.chunk.subarray(this.offset, this.offset + take);
      this.offset += take;
      this.position += take;
      left -= take;
      yield out;
    }
  }

  /** Yields everything left, in pieces of at most `max` bytes. */
  async *rest(max: number): AsyncGenerator<Buffer> {
    for (;;) {
      const b = await this.readUpTo(max);
      if (b.length === 0) return;
      yield b;
    }
  }
}

export function truncated(what: string): StoreError {
  return new StoreError('InvalidArchive', `${what} is truncated: the data ends in the middle of an entry`);
}
