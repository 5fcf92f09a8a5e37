import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { ParallelGzip, crc32, crc32Table, looksIncompressible } from '../../../../src/store/save/parallel-gzip';

const MiB = 1024 * 1024;

/** Runs blocks through ParallelGzip the way the layer ring does: each block reused (overwritten) once its promise settles. */
async function gzipBlocks(blocks: Buffer[], delayOut = false): Promise<Buffer> {
  const out: Buffer[] = [];
  const gz = new ParallelGzip(async (pieces) => {
    if (delayOut) await new Promise((r) => setTimeout(r, 1));
    for (const p of pieces) out.push(Buffer.from(p));
  });
  const pending: Promise<void>[] = [];
  for (const b of blocks) {
    const copy = Buffer.from(b);
    const p = gz.write(copy).then(() => void copy.fill(0xee));
    pending.push(p);
    if (pending.length >= 4) await pending.shift();
  }
  await Promise.all(pending);
  await gz.end();
  return Buffer.concat(out);
}

test('blocks of random, repetitive and text data gunzip to the input, with pgzip header and a valid trailer', async () => {
  const text = Buffer.from('lorem ipsum dolor sit amet, '.repeat(40000)).subarray(0, MiB);
  const random = randomBytes(MiB);
  const blocks = [text, random, Buffer.alloc(MiB, 7), random.subarray(0, 300000), text.subarray(0, 12345), Buffer.alloc(0), randomBytes(70000)];
  for (const delay of [false, true]) {
    const gz = await gzipBlocks(blocks, delay);
    assert.deepEqual(gz.subarray(0, 10), Buffer.from('1f8b080000096e8800ff', 'hex'));
    assert.deepEqual(zlib.gunzipSync(gz), Buffer.concat(blocks));
  }
});

test('random blocks are stored, text blocks deflated: the output size shows both', async () => {
  const random = randomBytes(MiB);
  const stored = await gzipBlocks([random]);
  assert.ok(stored.length > MiB && stored.length < MiB + 200, `random: ${stored.length} bytes`);
  const text = Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(30000));
  assert.ok((await gzipBlocks([text])).length < text.length / 20);
});

test('an empty input is a valid empty gzip', async () => {
  assert.equal(zlib.gunzipSync(await gzipBlocks([])).length, 0);
});

test('incompressibility test: random data yes; text, zeros, short blocks and half-random blocks no', () => {
  assert.equal(looksIncompressible(randomBytes(MiB)), true);
  assert.equal(looksIncompressible(Buffer.alloc(MiB)), false);
  assert.equal(looksIncompressible(Buffer.from('abcdefghij'.repeat(MiB / 10))), false);
  assert.equal(looksIncompressible(randomBytes(8192)), false);
  const half = Buffer.concat([randomBytes(MiB / 2), Buffer.alloc(MiB / 2, 1)]);
  assert.equal(looksIncompressible(half), false);
});

test('the table CRC-32 equals zlib\'s, also chained across pieces', () => {
  const data = randomBytes(100003);
  const whole = crc32Table(data);
  assert.equal(whole, zlib.crc32 ? zlib.crc32(data) : crc32(data));
  assert.equal(crc32Table(data.subarray(5000), crc32Table(data.subarray(0, 5000))), whole);
  assert.equal(crc32Table(Buffer.from('123456789')), 0xcbf43926);
});

test('a failing output fails the following writes and end', async () => {
  const gz = new ParallelGzip(async () => {
    throw new Error('disk full');
  });
  await assert.rejects(
    (async () => {
      await gz.write(Buffer.alloc(MiB, 1));
      await gz.write(Buffer.alloc(MiB, 2));
      await gz.end();
    })(),
    /disk full/,
  );
  await gz.settle();
});
