import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { TarReader, MAX_SPECIAL_FILE_SIZE } from '../../../../src/store/tar/tar-reader';
import { TarSplitWriter } from '../../../../src/store/tar/tar-split-writer';
import { streamLayer } from '../../../../src/store/layer/unpack-layer';
import { toByteString } from '../../../../src/store/layer/root-path';
import { crc64 } from '../../../../src/store/crc64';
import { isStoreError } from '../../../../src/store/errors';
import { entry, header, sha256, tar } from '../../../fixtures/tar-writer';

async function* chunks(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

/** A GNU-style archive: PAX path, GNU long name, links, and padding to a 10240-byte record. */
function sampleArchive(): Buffer {
  const longName = 'd/' + 'x'.repeat(150);
  const body = Buffer.concat([
    entry({ name: 'd/', type: '5' }),
    entry({ name: 'd/file', content: 'hello world\n', uid: 1000, gid: 1001 }),
    entry({ name: 'ignored', content: 'pax named\n', pax: { path: 'd/pax-named', mtime: '1700000000.5' } }),
    entry({ name: '././@LongLink', type: 'L', content: longName + '\0' }),
    entry({ name: longName.slice(0, 99), content: Buffer.alloc(700, 7) }),
    entry({ name: 'd/hard', type: '1', linkname: 'd/file' }),
    entry({ name: 'd/sym', type: '2', linkname: 'file' }),
    Buffer.alloc(1024),
  ]);
  return Buffer.concat([body, Buffer.alloc(10240 - (body.length % 10240))]);
}

async function readAll(input: Buffer, chunk: number): Promise<{ names: string[]; rebuilt: Buffer }> {
  const tr = new TarReader(chunks(input, chunk), 'The test archive');
  const parts: Buffer[] = [];
  const names: string[] = [];
  for (;;) {
    const hdr = await tr.next();
    parts.push(tr.takeRaw());
    if (!hdr) break;
    names.push(hdr.name);
    for await (const d of tr.data()) parts.push(Buffer.from(d));
  }
  for await (const r of tr.rest(1 << 20)) parts.push(Buffer.from(r));
  return { names, rebuilt: Buffer.concat(parts) };
}

test('raw bytes plus contents rebuild the archive exactly, whatever the chunking', async () => {
  const input = sampleArchive();
  for (const size of [1, 7, 512, 100_000]) {
    const { names, rebuilt } = await readAll(input, size);
    assert.deepEqual(names, ['d/', 'd/file', 'd/pax-named', 'd/' + 'x'.repeat(150), 'd/hard', 'd/sym']);
    assert.ok(rebuilt.equals(input), `chunk size ${size}`);
  }
});

async function expectInvalid(input: Buffer, pattern: RegExp): Promise<void> {
  await assert.rejects(readAll(input, 4096), (e: unknown) => isStoreError(e, 'InvalidArchive') && pattern.test((e as Error).message));
}

test('a truncated archive is an error, not a short file', async () => {
  const full = tar([{ name: 'f', content: Buffer.alloc(2000, 1) }]);
  await expectInvalid(full.subarray(0, 1000), /truncated/);
  await expectInvalid(full.subarray(0, 300), /ends inside a header/);
});

test('a PAX header over 1 MiB is refused', async () => {
  const huge = entry({ name: 'f', content: 'x', pax: { comment: 'y'.repeat(MAX_SPECIAL_FILE_SIZE) } });
  await expectInvalid(Buffer.concat([huge, Buffer.alloc(1024)]), /metadata header/);
});

test('a header with a bad checksum is refused', async () => {
  const h = header({ name: 'f' }, 0);
  h[0] = 'g'.charCodeAt(0);
  await expectInvalid(Buffer.concat([h, Buffer.alloc(1024)]), /checksum/);
});

/** Re-assembles a tar from a tar-split file and the layer directory, as c/storage's Diff does. */
function assemble(tarSplit: string, root: string): Buffer {
  const out: Buffer[] = [];
  for (const line of zlib.gunzipSync(fs.readFileSync(tarSplit)).toString('utf8').split('\n')) {
    if (line === '') continue;
    const e = JSON.parse(line) as { type: number; name?: string; name_raw?: string; size?: number; payload: string | null };
    if (e.type === 2) out.push(Buffer.from(e.payload ?? '', 'base64'));
    else if (e.size) {
      const name = e.name_raw ? Buffer.from(e.name_raw, 'base64') : Buffer.from(e.name!, 'utf8');
      const data = fs.readFileSync(Buffer.concat([Buffer.from(root + '/'), name]));
      assert.equal(crc64(data).toString('base64'), e.payload, `crc of ${e.name}`);
      out.push(data);
    }
  }
  return Buffer.concat(out);
}

test('the tar-split written while applying rebuilds the layer byte for byte (plain and gzip)', async () => {
  const input = sampleArchive();
  for (const gzip of [false, true]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ts-'));
    try {
      const root = path.join(dir, 'root');
      fs.mkdirSync(root);
      const ts = path.join(dir, 'layer.tar-split.gz');
      const w = new TarSplitWriter(ts);
      const blob = gzip ? zlib.gzipSync(input) : input;
      const r = await streamLayer(chunks(blob, 3000), toByteString(root), 'vfs', w);
      await w.commit();
      assert.equal(r.diffDigest, sha256(input));
      assert.equal(r.diffSize, input.length);
      assert.equal(r.compressedDigest, sha256(blob));
      assert.equal(r.compression, gzip ? 2 : 0);
      assert.deepEqual(r.uids, [0, 1000]);
      assert.deepEqual(r.gids, [0, 1001]);
      assert.ok(assemble(ts, root).equals(input));
      assert.equal(fs.statSync(path.join(root, 'd/hard')).ino, fs.statSync(path.join(root, 'd/file')).ino);
      assert.equal(fs.readlinkSync(path.join(root, 'd/sym')), 'file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('a non-UTF-8 name is kept as raw bytes in the tar-split', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ts-'));
  try {
    const input = tar([{ name: 'caf\xe9', content: 'latin1 name' }]);
    const ts = path.join(dir, 'l.tar-split.gz');
    const w = new TarSplitWriter(ts);
    fs.mkdirSync(path.join(dir, 'r'));
    await streamLayer(chunks(input, 512), toByteString(path.join(dir, 'r')), 'vfs', w);
    await w.commit();
    const lines = zlib.gunzipSync(fs.readFileSync(ts)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const file = lines.find((l) => l.type === 1)!;
    assert.equal(file.name, undefined);
    assert.equal(file.name_raw, Buffer.from('caf\xe9', 'latin1').toString('base64'));
    assert.ok(assemble(ts, path.join(dir, 'r')).equals(input));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
