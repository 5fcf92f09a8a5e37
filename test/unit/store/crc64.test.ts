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
