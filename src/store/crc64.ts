/*
 * CRC-64 as Go's hash/crc64 with the ISO table, which tar-split stores (8 bytes, big-endian) for
 * every file payload of a layer. Computed on two 32-bit halves to stay out of BigInt in the loop.
 */

const POLY_HI = 0xd8000000; // reflected ISO polynomial 0xD800000000000000, high 32 bits
const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) hi = (hi ^ POLY_HI) >>> 0;
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}

/*
 * The same CRC, slicing-by-8 over 64-bit words, as a 282-byte WebAssembly function: several
 * times faster than the byte loop above, which matters because every byte of every layer is
 * checked. Source (assembled by hand): crc(p, n, state) XORs each 8-byte little-endian word into
 * the state and replaces it by T7[b0]^T6[b1]^…^T0[b7] (table k at 2048·k in memory), then
 * finishes the last n % 8 bytes with T0 byte by byte; the input is copied to WASM_DATA first.
 */
const CRC_WASM =
  'AGFzbQEAAAABCAFgA39/fgF+AwIBAAUDAQASBw0CA2NyYwAAA21lbQIACu0BAeoBAAJAA0AgAUEISQ0BIAIgACkAAIUhAiACQv8Bg6dBA3QpA4BwIAJCCIhC/wGDp0EDdCkDgGCFIAJCEIhC/wGDp0EDdCkDgFCFIAJCGIhC/wGDp0EDdCkDgECFIAJCIIhC/wGDp0EDdCkDgDCFIAJCKIhC/wGDp0EDdCkDgCCFIAJCMIhC/wGDp0EDdCkDgBCFIAJCOIinQQN0KQMAhSECIABBCGohACABQQhrIQEMAAsLAkADQCABRQ0BIAIgADEAAIVC/wGDp0EDdCkDACACQgiIhSECIABBAWohACABQQFrIQEMAAsLIAIL';
const WASM_DATA = 16384;
const WASM_CHUNK = 1024 * 1024;
/** Below this size the JS loop is faster than copying into WebAssembly memory. */
const WASM_MIN = 512;

interface CrcWasm {
  crc: (p: number, n: number, state: bigint) => bigint;
  mem: Uint8Array;
}

let wasm: CrcWasm | null | undefined;

/** The slice of the WebAssembly JS API used here (the ES2022 lib has no typings for it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { crc: CrcWasm['crc']; mem: { buffer: ArrayBuffer } } };
}

function loadWasm(): CrcWasm | null {
  try {
    const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!api) return null;
    const exports = new api.Instance(new api.Module(Buffer.from(CRC_WASM, 'base64'))).exports;
    const view = new DataView(exports.mem.buffer);
    // Slicing tables: T[0] is the byte table, T[k][i] = (T[k-1][i] >> 8) ^ T[0][T[k-1][i] & 0xff].
    let prevHi = Uint32Array.from(TABLE_HI);
    let prevLo = Uint32Array.from(TABLE_LO);
    for (let k = 0; k < 8; k++) {
      for (let i = 0; i < 256; i++) {
        view.setUint32(k * 2048 + i * 8, prevLo[i]!, true);
        view.setUint32(k * 2048 + i * 8 + 4, prevHi[i]!, true);
      }
      const hi = new Uint32Array(256);
      const lo = new Uint32Array(256);
      for (let i = 0; i < 256; i++) {
        const idx = prevLo[i]! & 0xff;
        lo[i] = (((prevLo[i]! >>> 8) | ((prevHi[i]! & 0xff) << 24)) ^ TABLE_LO[idx]!) >>> 0;
        hi[i] = ((prevHi[i]! >>> 8) ^ TABLE_HI[idx]!) >>> 0;
      }
      prevHi = hi;
      prevLo = lo;
    }
    return { crc: exports.crc, mem: new Uint8Array(exports.mem.buffer) };
  } catch {
    return null; // no WebAssembly: the JS loop still gives the right answer
  }
}

/** Incremental CRC-64/GO-ISO. */
export class Crc64 {
  private hi = 0xffffffff;
  private lo = 0xffffffff;

  update(data: Uint8Array): this {
    if (data.length >= WASM_MIN) {
      if (wasm === undefined) wasm = loadWasm();
      if (wasm) return this.updateWasm(wasm, data);
    }
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < data.length; i++) {
      const idx = (lo ^ data[i]!) & 0xff;
      const nlo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
      const nhi = hi >>> 8;
      lo = (nlo ^ TABLE_LO[idx]!) >>> 0;
      hi = (nhi ^ TABLE_HI[idx]!) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  private updateWasm(w: CrcWasm, data: Uint8Array): this {
    let state = BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo));
    for (let off = 0; off < data.length; off += WASM_CHUNK) {
      const part = data.subarray(off, Math.min(off + WASM_CHUNK, data.length));
      w.mem.set(part, WASM_DATA);
      state = w.crc(WASM_DATA, part.length, state);
    }
    const u = BigInt.asUintN(64, state);
    this.hi = Number(u >> 32n);
    this.lo = Number(u & 0xffffffffn);
    return this;
  }

  /** The 8-byte big-endian digest, as tar-split stores it. */
  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE((~this.hi) >>> 0, 0);
    out.writeUInt32BE((~this.lo) >>> 0, 4);
    return out;
  }
}

export function crc64(data: Uint8Array): Buffer {
  return new Crc64().update(data).digest();
}
