import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { BLOCK, goTarHeader } from '../../../src/store/go-tar';

function field(b: Buffer, off: number, len: number): string {
  return b.subarray(off, off + len).toString('latin1');
}

test('regular file header: Go USTAR layout byte for byte', () => {
  const h = goTarHeader({ name: 'repositories', typeflag: '0', mode: 0o444, size: 91 });
  assert.equal(h.length, BLOCK);
  assert.equal(field(h, 0, 13), 'repositories\0');
  assert.equal(field(h, 100, 8), '0000444\0');
  assert.equal(field(h, 108, 16), '0000000\0'.repeat(2));
  assert.equal(field(h, 124, 12), '00000000133\0');
  assert.equal(field(h, 136, 12), '00000000000\0');
  assert.equal(field(h, 156, 1), '0');
  assert.equal(field(h, 257, 8), 'ustar\x0000');
  assert.equal(field(h, 265, 64), '\0'.repeat(64));
  assert.equal(field(h, 329, 16), '0000000\0'.repeat(2));
  // Checksum: six octal digits, NUL, space, computed with the field as spaces.
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  assert.equal(field(h, 148, 8), sum.toString(8).padStart(6, '0') + '\0 ');
});

test('symlink header: mode 0, linkname, no size', () => {
  const h = goTarHeader({ name: 'abc/layer.tar', typeflag: '2', mode: 0, linkname: '../x.tar' });
  assert.equal(field(h, 100, 8), '0000000\0');
  assert.equal(field(h, 156, 10), '2../x.tar\0');
  assert.equal(field(h, 124, 12), '00000000000\0');
});

test('names over 100 bytes split into prefix/name when possible', () => {
  const name = 'd'.repeat(80) + '/' + 'f'.repeat(60);
  const h = goTarHeader({ name, typeflag: '0', mode: 0o644, size: 1 });
  assert.equal(h.length, BLOCK);
  assert.equal(field(h, 0, 61), 'f'.repeat(60) + '\0');
  assert.equal(field(h, 345, 81), 'd'.repeat(80) + '\0');
});

test('sizes of 8 GiB and more use a PAX size record and a zero size field', () => {
  const size = 8 * 1024 ** 3;
  const h = goTarHeader({ name: 'big.tar', typeflag: '0', mode: 0o444, size });
  assert.equal(h.length, 3 * BLOCK);
  assert.equal(field(h, 0, 21), 'PaxHeaders.0/big.tar\0');
  assert.equal(field(h, 156, 1), 'x');
  const record = `size=${size}\n`;
  const len = record.length + 1 + 2; // "NN " prefix
  assert.equal(field(h, BLOCK, len), `${len} ${record}`);
  assert.equal(field(h, 124, 12), len.toString(8).padStart(11, '0') + '\0');
  assert.equal(field(h, 2 * BLOCK, 8), 'big.tar\0');
  assert.equal(field(h, 2 * BLOCK + 124, 12), '00000000000\0');
});

test('non-ASCII and unsplittable long names get a PAX path record', () => {
  const h = goTarHeader({ name: 'unicode/日本.txt', typeflag: '0', mode: 0o644, size: 0 });
  assert.equal(h.length, 3 * BLOCK);
  assert.ok(h.subarray(BLOCK, 2 * BLOCK).toString('utf8').includes('path=unicode/日本.txt\n'));
  assert.equal(field(h, 2 * BLOCK, 13), 'unicode/.txt\0');
});
