import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeText, readTextFile } from '../../../src/store/text-file';
import { tempDir } from '../../helpers/temp-dir';


test('a file reads as fs.readFileSync(file, "utf8") reads it, ASCII or not', (t) => {
  const dir = tempDir(t, 'strata-text-');
  const samples = {
    ascii: '[{"id":"abc","names":["localhost/x:1"]}]',
    empty: '',
    latin: '{"label":"café"}',
    astral: '{"label":"🐳 \\u003c ok"}',
    // Bytes that are not UTF-8 decode to U+FFFD exactly as node's own decoder does.
    invalid: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    // Every byte value below 0x80 and a few above, so the Latin-1 shortcut is only taken for ASCII.
    allAscii: Buffer.from(Array.from({ length: 128 }, (_, i) => i)),
    highByte: Buffer.from([0x41, 0x80, 0x42]),
  };
  for (const [name, content] of Object.entries(samples)) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    assert.equal(readTextFile(file), fs.readFileSync(file, 'utf8'), name);
    assert.equal(decodeText(fs.readFileSync(file)), fs.readFileSync(file, 'utf8'), name);
  }
});

test('a large file, then a small one: no bytes of the first leak into the second', (t) => {
  const dir = tempDir(t, 'strata-text-');
  const big = path.join(dir, 'big');
  const small = path.join(dir, 'small');
  // Larger than the kept scratch buffer (8 MiB), and one that fits in it.
  fs.writeFileSync(big, 'x'.repeat(9 << 20) + 'é');
  fs.writeFileSync(small, '[1]');
  const mid = path.join(dir, 'mid');
  fs.writeFileSync(mid, 'y'.repeat(300_000));
  assert.equal(readTextFile(big).length, (9 << 20) + 1);
  assert.equal(readTextFile(mid), 'y'.repeat(300_000));
  assert.equal(readTextFile(small), '[1]');
  assert.equal(readTextFile(mid).length, 300_000);
});

test('errors are the file system errors fs.readFileSync gives', (t) => {
  const dir = tempDir(t, 'strata-text-');
  assert.throws(() => readTextFile(path.join(dir, 'missing')), { code: 'ENOENT' });
  assert.throws(() => readTextFile(dir), { code: 'EISDIR' });
});

test('a recorded size that is wrong changes nothing: the file is read to its end', (t) => {
  const dir = tempDir(t, 'strata-text-');
  const file = path.join(dir, 'config');
  const content = '{"history":[' + '{"created_by":"RUN x"},'.repeat(5000) + '{}]}';
  fs.writeFileSync(file, content);
  for (const size of [content.length, 0, 10, content.length - 1, content.length + 1, (1 << 16) - 1, 1 << 20]) {
    assert.equal(readTextFile(file, size), content, `recorded size ${size}`);
  }
  fs.writeFileSync(file, '');
  assert.equal(readTextFile(file, 0), '');
  assert.equal(readTextFile(file, 5), '');
});
