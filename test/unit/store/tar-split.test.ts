import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { readTarSplit, ENTRY_FILE, ENTRY_SEGMENT, type TarSplitEntry } from '../../../src/store/tar-split';
import { isStoreError } from '../../../src/store/errors';

function write(lines: string[], opts: { truncate?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ts-'));
  const file = path.join(dir, 'x.tar-split.gz');
  let gz = zlib.gzipSync(Buffer.from(lines.map((l) => l + '\n').join('')));
  if (opts.truncate) gz = gz.subarray(0, gz.length - 6);
  fs.writeFileSync(file, gz);
  return file;
}

async function all(file: string): Promise<TarSplitEntry[]> {
  const out: TarSplitEntry[] = [];
  for await (const e of readTarSplit(file)) out.push(e);
  return out;
}

test('decodes segments, files, omitted sizes, null payloads and raw names', async () => {
  const crc = Buffer.from('0123456789abcdef', 'hex').toString('base64');
  const file = write([
    `{"type":2,"payload":"${Buffer.from('header').toString('base64')}","position":0}`,
    '{"type":1,"name":"etc/","payload":null,"position":1}',
    `{"type":1,"name":"etc/a","size":3,"payload":"${crc}","position":2}`,
    `{"type":1,"name_raw":"${Buffer.from([0x66, 0xff]).toString('base64')}","size":1,"payload":"${crc}","position":3}`,
    '{"type":2,"payload":"","position":4}',
    '{"type":2,"position":5}',
  ]);
  const e = await all(file);
  assert.equal(e.length, 6);
  assert.deepEqual(e[0], { type: ENTRY_SEGMENT, payload: Buffer.from('header'), position: 0 });
  assert.deepEqual(e[1], { type: ENTRY_FILE, name: Buffer.from('etc/'), size: 0, crc: undefined, position: 1 });
  assert.equal(e[2]!.type === ENTRY_FILE && e[2]!.crc!.toString('hex'), '0123456789abcdef');
  assert.deepEqual(e[3]!.type === ENTRY_FILE && e[3]!.name, Buffer.from([0x66, 0xff]));
  assert.deepEqual(e[5], { type: ENTRY_SEGMENT, payload: Buffer.alloc(0), position: 5 });
});

test('damaged tar-split data is CorruptMetadata, a missing file NotFound', async () => {
  const cases = [
    write(['{"type":2,"payload":"","position":1}']),
    write(['{"type":3,"position":0}']),
    write(['not json']),
    write(['{"type":1,"name":"a","size":5,"payload":null,"position":0}']),
    write(['{"type":2,"payload":"","position":0}', '{"type":2,"payload":"","position":1}'], { truncate: true }),
  ];
  for (const f of cases) await assert.rejects(all(f), (e) => isStoreError(e, 'CorruptMetadata'), f);
  await assert.rejects(all('/nonexistent/x.tar-split.gz'), (e) => isStoreError(e, 'NotFound'));
});

test('lines split across gzip chunks are reassembled', async () => {
  const big = Buffer.alloc(300_000, 7).toString('base64');
  const e = await all(write([`{"type":2,"payload":"${big}","position":0}`, '{"type":2,"payload":"","position":1}']));
  assert.equal(e.length, 2);
  assert.equal(e[0]!.type === ENTRY_SEGMENT && e[0]!.payload.length, 300_000);
});
