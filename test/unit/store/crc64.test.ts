import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Crc64, crc64 } from '../../../src/store/crc64';

// Reference values from Go's hash/crc64 with crc64.MakeTable(crc64.ISO).
test('crc64 matches Go ISO for known inputs', () => {
  assert.equal(crc64(Buffer.alloc(0)).toString('hex'), '0000000000000000');
  assert.equal(crc64(Buffer.from('hello world\n')).toString('hex'), '44e9cf3f572ad9ac');
});

test('crc64 is the same fed in chunks', () => {
  const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 31) & 0xff));
  const whole = crc64(data);
  const c = new Crc64();
  for (let i = 0; i < data.length; i += 777) c.update(data.subarray(i, i + 777));
  assert.deepEqual(c.digest(), whole);
});

/** Bit-by-bit CRC-64/GO-ISO with BigInt: slow, obviously right. */
function referenceCrc(data: Uint8Array): string {
  const poly = 0xd800000000000000n;
  let c = 0xffffffffffffffffn;
  for (const b of data) {
    c ^= BigInt(b);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
  }
  return (c ^ 0xffffffffffffffffn).toString(16).padStart(16, '0');
}

test('the WebAssembly slicing path agrees with the bitwise definition at every size boundary', () => {
  const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 131 + 7) & 0xff));
  for (const n of [0, 1, 7, 8, 9, 511, 512, 513, 1023, 1024, 4095, 5000]) {
    assert.equal(crc64(data.subarray(0, n)).toString('hex'), referenceCrc(data.subarray(0, n)), `size ${n}`);
  }
  // Larger than one WebAssembly chunk (1 MiB), fed in uneven pieces.
  const big = Buffer.alloc(2 * 1024 * 1024 + 3);
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
  const c = new Crc64();
  c.update(big.subarray(0, 100)).update(big.subarray(100, 1_500_000)).update(big.subarray(1_500_000));
  assert.deepEqual(c.digest(), crc64(big));
  assert.equal(crc64(big.subarray(0, 70_000)).toString('hex'), referenceCrc(big.subarray(0, 70_000)));
});
