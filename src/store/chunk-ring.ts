/*
 * Where a layer stream (layer-stream.ts) puts its bytes: fixed chunks reused in a ring, handed to
 * the writer in order, hashed while the next read is in flight; and the Cancelled error of a save.
 * The stream module itself keeps to reading tar-split and the layer's files.
 */
import { createHash } from 'node:crypto';
import { StoreError } from './errors';

/** Chunk size: big enough to amortise hashing, reads and writes, small enough for constant memory. */
export const CHUNK = 1024 * 1024;
/** Chunks in the ring: one being filled, the others with the writer (at most POOL·CHUNK bytes held). */
const POOL = 4;

/** Receives one chunk of a layer tar; the chunk's memory is reused once the returned promise settles. */
export type ChunkWriter = (chunk: Buffer) => Promise<void>;

export function cancelled(): StoreError {
  return new StoreError('Cancelled', 'The save was cancelled');
}

/**
 * The output side of a layer stream: a ring of POOL fixed chunks (no allocation, so no page faults
 * per megabyte), filled in order and handed to the writer when full. A chunk is hashed after the
 * next read was issued, so hashing overlaps the disk read, and reused only once the writer's
 * promise for it settled. Chunks are handed out lazily: the last bytes of the layer stay here until
 * `finish` has checked the digest.
 */
export class ChunkRing {
  private readonly bufs: Buffer[] = [];
  private readonly busy: (Promise<void> | undefined)[] = [];
  private slot = 0;
  private failure: unknown;
  private unhashed: Buffer | undefined;
  private readonly hash = createHash('sha256');
  acc: Buffer;
  accLen = 0;
  /** Bytes handed to the writer plus those still in `acc`. */
  total = 0;

  constructor(
    private readonly write: ChunkWriter,
    private readonly signal: AbortSignal | undefined,
  ) {
    for (let i = 0; i < POOL; i++) this.bufs.push(Buffer.allocUnsafeSlow(CHUNK));
    this.acc = this.bufs[0]!;
  }

  get room(): number {
    return CHUNK - this.accLen;
  }

  /** Hashes the chunk handed out last, if any (call while a read is in flight). */
  hashPending(): void {
    if (this.unhashed) this.hash.update(this.unhashed);
    this.unhashed = undefined;
  }

  /** Hands the full current chunk to the writer and moves to the next free one. */
  async flush(): Promise<void> {
    if (this.signal?.aborted) throw cancelled();
    this.hashPending();
    const chunk = this.acc.subarray(0, this.accLen);
    this.unhashed = chunk;
    this.busy[this.slot] = this.write(chunk).then(undefined, (e: unknown) => {
      this.failure ??= e;
    });
    this.slot = (this.slot + 1) % POOL;
    this.acc = this.bufs[this.slot]!;
    this.accLen = 0;
    await this.busy[this.slot];
    this.busy[this.slot] = undefined;
    if (this.failure) throw this.failure;
  }

  /** Copies bytes in, flushing full chunks. */
  async put(data: Buffer): Promise<void> {
    let off = 0;
    while (off < data.length) {
      if (this.accLen === CHUNK) await this.flush();
      const n = data.copy(this.acc, this.accLen, off);
      this.accLen += n;
      this.total += n;
      off += n;
    }
  }

  /** Digest of everything so far including the bytes still held back. */
  digest(): string {
    this.hashPending();
    this.hash.update(this.acc.subarray(0, this.accLen));
    return 'sha256:' + this.hash.digest('hex');
  }

  /** Hands out the held-back last bytes and waits for every write. */
  async finish(): Promise<void> {
    if (this.accLen > 0) {
      const last = this.acc.subarray(0, this.accLen);
      this.busy[this.slot] = this.write(last).then(undefined, (e: unknown) => {
        this.failure ??= e;
      });
    }
    await this.settle();
    if (this.failure) throw this.failure;
  }

  /** Waits until the writer holds no chunk (also on failure, before the memory is dropped). */
  async settle(): Promise<void> {
    for (const b of this.busy) if (b) await b;
  }
}
