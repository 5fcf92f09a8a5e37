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

/** Incremental CRC-64/GO-ISO. */
export class Crc64 {
  private hi = 0xffffffff;
  private lo = 0xffffffff;

  update(data: Uint8Array): this {
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
