/*
 * gzip the way pgzip lays it out (archives-and-references.md §3.2): the input in blocks, each
 * deflated on its own with the previous block's last 32 KiB as dictionary and ended by a sync
 * flush, so the blocks compress in parallel (on libuv's thread pool) and their outputs
 * concatenate into one deflate stream. Node's zlib is several times slower than klauspost's
 * deflate, most of all on incompressible data, so blocks whose samples look random (already
 * compressed files, encrypted or random data) are stored instead of deflated: zlib would spend its
 * time finding no matches and then store them anyway; stored blocks are framed here and written
 * from the caller's memory. The header is pgzip's. Memory is bounded by the caller's blocks in
 * flight: a block is released once it is compressed and everything before it was written.
 */
import * as zlib from 'node:zlib';

/** pgzip's header: MTIME is uint32(time.Time{}.Unix()), OS unknown. */
const HEADER = Buffer.from('1f8b080000096e8800ff', 'hex');
/** The last deflate block of every stream: empty, marked final. */
const FINAL_BLOCK = zlib.deflateRawSync(Buffer.alloc(0));
/** deflate's window: the dictionary handed from one block to the next. */
const WINDOW = 32 * 1024;
/**
 * zlib level for blocks that look compressible. On a 1.1 GB layer of binaries and libraries,
 * level 3 gave blobs 1.2% larger than podman's pgzip and ran 1.3× as fast as podman on 2 cores
 * (level 6 runs at about half of level 3's 68 MiB/s per core; level 1 was another 1.2× faster
 * but 4.5% larger than podman's).
 */
const GZIP_LEVEL = 3;
/** Bytes per sample, and samples per block, for the randomness test. */
const SAMPLE = 4096;
const SAMPLES = 4;
/** Bits per byte above which a sample counts as incompressible (random 4 KiB measure ~7.95). */
const RANDOM_BITS = 7.5;

/**
 * One block through raw deflate on the thread pool. The output buffer is sized past deflate's
 * bound so that zlib runs the block in one pass (with its 16 KiB default it calls back to the main
 * thread every 16 KiB of output).
 */
function deflateBlock(block: Buffer, opts: zlib.ZlibOptions): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const d = zlib.createDeflateRaw({ ...opts, chunkSize: block.length + (block.length >>> 8) + 4096 });
    d.on('data', (c: Buffer) => out.push(c));
    d.on('error', reject);
    d.on('end', () => resolve(out));
    d.end(block);
  });
}

/** Largest stored deflate block. */
const STORED_MAX = 0xffff;

/**
 * The block as non-final stored deflate blocks (RFC 1951 §3.2.4): the stream is byte-aligned
 * after the previous block's sync flush, so each is one header byte 0, LEN, NLEN and the bytes.
 */
function storedBlocks(block: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < block.length; off += STORED_MAX) {
    const len = Math.min(STORED_MAX, block.length - off);
    const head = Buffer.alloc(5);
    head.writeUInt16LE(len, 1);
    head.writeUInt16LE(~len & 0xffff, 3);
    out.push(head, block.subarray(off, off + len));
  }
  return out;
}

const LOG2 = new Float64Array(SAMPLE + 1);
for (let i = 1; i <= SAMPLE; i++) LOG2[i] = Math.log2(i);

/** Shannon entropy (bits per byte) of buf[start, start+len), by byte histogram. */
function entropy(buf: Buffer, start: number, len: number, counts: Uint32Array): number {
  counts.fill(0);
  for (let i = start; i < start + len; i++) counts[buf[i]!]!++;
  let sum = 0;
  for (let b = 0; b < 256; b++) {
    const c = counts[b]!;
    if (c) sum += c * LOG2[c]!;
  }
  return LOG2[len]! - sum / len;
}

/** Whether every sample of the block looks random, so deflate would only waste time on it. */
export function looksIncompressible(block: Buffer): boolean {
  if (block.length < SAMPLE * SAMPLES) return false;
  const counts = new Uint32Array(256);
  const step = Math.floor((block.length - SAMPLE) / (SAMPLES - 1));
  for (let s = 0; s < SAMPLES; s++) if (entropy(block, s * step, SAMPLE, counts) < RANDOM_BITS) return false;
  return true;
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (gzip's) by table, for Nodes without zlib.crc32. */
export function crc32Table(data: Uint8Array, value = 0): number {
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32 (gzip's); zlib.crc32 where Node has it (20.15+), the table loop otherwise. */
export function crc32(data: Uint8Array, value = 0): number {
  const native = (zlib as unknown as { crc32?: (d: Uint8Array, v: number) => number }).crc32;
  return native ? native(data, value) : crc32Table(data, value);
}

export class ParallelGzip {
  private dict: Buffer | undefined;
  private crc = 0;
  private size = 0;
  /** Settles when everything handed out so far was written. */
  private written: Promise<void>;
  private failure: unknown;

  constructor(private readonly out: (compressed: Buffer[]) => Promise<void>) {
    this.written = this.send([HEADER]);
  }

  private send(bufs: Buffer[]): Promise<void> {
    return this.out(bufs).catch((e: unknown) => {
      this.failure ??= e;
    });
  }

  /**
   * Compresses one block (in order); resolves once the block's memory is free again and the
   * output before it was written, which bounds the data in flight to the caller's blocks.
   */
  async write(block: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.crc = crc32(block, this.crc);
    this.size += block.length;
    const dict = this.dict;
    // The dictionary is copied: the caller reuses the block once this resolves.
    this.dict = Buffer.from(block.subarray(Math.max(0, block.length - WINDOW)));
    const before = this.written;
    if (looksIncompressible(block)) {
      // Stored blocks written straight from the caller's memory, so this waits for its own write.
      this.written = before.then(async () => {
        if (!this.failure) await this.send(storedBlocks(block));
      });
      await this.written;
    } else {
      const compressed = deflateBlock(block, {
        level: GZIP_LEVEL,
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
        ...(dict ? { dictionary: dict } : {}),
      });
      this.written = Promise.all([before, compressed]).then(
        async ([, chunks]) => {
          if (!this.failure) await this.send(chunks);
        },
        (e: unknown) => {
          this.failure ??= e;
        },
      );
      await Promise.all([compressed.catch(() => undefined), before]);
    }
    if (this.failure) throw this.failure;
  }

  /** Writes the final empty block and the trailer; resolves when everything is written. */
  async end(): Promise<void> {
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.crc >>> 0, 0);
    trailer.writeUInt32LE(this.size % 2 ** 32, 4);
    const last = Buffer.concat([FINAL_BLOCK, trailer]);
    const before = this.written;
    this.written = before.then(() => (this.failure ? undefined : this.send([last])));
    await this.written;
    if (this.failure) throw this.failure;
  }

  /** Waits for outstanding work after a failure, so no buffer is in use when the caller drops it. */
  async settle(): Promise<void> {
    await this.written;
  }
}
