import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { Store } from '../../../src/store/store';
import { layerTarSource, layerTarStream } from '../../../src/store/layer-stream';
import { crc64 } from '../../../src/store/crc64';
import { END_OF_ARCHIVE, goTarHeader, padding } from '../../../src/store/go-tar';
import { isStoreError } from '../../../src/store/errors';

interface Entry {
  name: string;
  data?: Buffer;
  dir?: boolean;
}

/** A vfs store with one layer: its tar, tar-split and files, built the way c/storage lays them out. */
function synthStore(entries: Entry[], opts: { files?: (root: string) => void; record?: Record<string, unknown> } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ls-'));
  const id = 'a'.repeat(64);
  const layerDir = path.join(root, 'vfs', 'dir', id);
  const parts: Buffer[] = [];
  const split: string[] = [];
  let pos = 0;
  let pendingPad: Buffer = Buffer.alloc(0);
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    const header = goTarHeader({ name: e.name, typeflag: e.dir ? '5' : '0', mode: e.dir ? 0o755 : 0o644, size: data.length });
    const seg = Buffer.concat([pendingPad, header]);
    split.push(JSON.stringify({ type: 2, payload: seg.toString('base64'), position: pos++ }));
    split.push(JSON.stringify({ type: 1, name: e.name, size: data.length || undefined, payload: data.length ? crc64(data).toString('base64') : null, position: pos++ }));
    parts.push(seg, data);
    pendingPad = padding(data.length);
    const target = path.join(layerDir, e.name);
    if (e.dir) fs.mkdirSync(target, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, data);
    }
  }
  const tail = Buffer.concat([pendingPad, END_OF_ARCHIVE]);
  split.push(JSON.stringify({ type: 2, payload: tail.toString('base64'), position: pos++ }));
  parts.push(tail);
  const tar = Buffer.concat(parts);
  fs.mkdirSync(path.join(root, 'vfs-layers'), { recursive: true });
  fs.writeFileSync(path.join(root, 'vfs-layers', `${id}.tar-split.gz`), zlib.gzipSync(split.join('\n') + '\n'));
  const record = { id, 'diff-digest': 'sha256:' + createHash('sha256').update(tar).digest('hex'), 'diff-size': tar.length, ...opts.record };
  fs.writeFileSync(path.join(root, 'vfs-layers', 'layers.json'), JSON.stringify([record]));
  opts.files?.(layerDir);
  const store = Store.open({
    config: { graphRoot: root, runRoot: path.join(root, 'run'), driver: 'vfs', driverOptions: [], additionalImageStores: [], transientStore: false, rootless: false },
  });
  return { root, store, tar, id, layerDir };
}

async function collect(s: ReturnType<typeof synthStore>): Promise<Buffer> {
  const snap = await s.store.snapshot();
  const layer = snap.layerById.get(s.id)!;
  const chunks: Buffer[] = [];
  for await (const c of layerTarStream(s.store, layer)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const ENTRIES: Entry[] = [
  { name: 'etc', dir: true },
  { name: 'etc/a.txt', data: Buffer.from('hello\n') },
  { name: 'etc/big', data: Buffer.alloc(3 * 1024 * 1024 + 17, 0x5a) },
  { name: 'etc/empty' },
];

test('rebuilds the layer tar byte for byte from tar-split and files', async () => {
  const s = synthStore(ENTRIES);
  assert.deepEqual(await collect(s), s.tar);
});

test('a file changed in place (same size) fails the CRC check with its name', async () => {
  const s = synthStore(ENTRIES, { files: (d) => fs.writeFileSync(path.join(d, 'etc/a.txt'), 'HELLO\n') });
  await assert.rejects(collect(s), (e) => isStoreError(e, 'DigestMismatch') && /etc\/a\.txt/.test((e as Error).message));
});

test('a large file changed in place (same size) is named by the second pass over the CRC-64s', async () => {
  const s = synthStore(ENTRIES, {
    files: (d) => {
      const fd = fs.openSync(path.join(d, 'etc/big'), 'r+');
      fs.writeSync(fd, Buffer.from('!'), 0, 1, 2 * 1024 * 1024);
      fs.closeSync(fd);
    },
  });
  await assert.rejects(collect(s), (e) => isStoreError(e, 'DigestMismatch') && /content of etc\/big changed/.test((e as Error).message));
});

test('the source pushes reused chunks: a slow writer gets the exact bytes, with a bounded number in flight', async () => {
  const s = synthStore([...ENTRIES, { name: 'etc/big2', data: Buffer.alloc(5 * 1024 * 1024 + 3, 0xa5) }, { name: 'etc/b.txt', data: Buffer.from('b') }]);
  const snap = await s.store.snapshot();
  const copies: Buffer[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const n = await layerTarSource(s.store, snap.layerById.get(s.id)!)(async (chunk) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    assert.ok(chunk.length <= 1024 * 1024);
    // The chunk must stay untouched until this promise settles.
    const before = Buffer.from(chunk);
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(chunk.equals(before), 'a chunk was reused while the writer still held it');
    copies.push(before);
    inFlight--;
  });
  assert.equal(n, s.tar.length);
  assert.deepEqual(Buffer.concat(copies), s.tar);
  assert.ok(maxInFlight <= 4, `${maxInFlight} chunks in flight`);
});

test('a failing writer fails the source and releases the layer for the next reader', async () => {
  const s = synthStore(ENTRIES);
  const snap = await s.store.snapshot();
  const layer = snap.layerById.get(s.id)!;
  await assert.rejects(
    layerTarSource(s.store, layer)(async () => {
      throw new Error('disk full');
    }),
    /disk full/,
  );
  assert.deepEqual(await collect(s), s.tar);
});

test('a file with another size fails before streaming it', async () => {
  const s = synthStore(ENTRIES, { files: (d) => fs.appendFileSync(path.join(d, 'etc/big'), 'x') });
  await assert.rejects(collect(s), (e) => isStoreError(e, 'DigestMismatch') && /etc\/big/.test((e as Error).message));
});

test('a wrong recorded digest or a missing digest is DigestMismatch', async () => {
  await assert.rejects(collect(synthStore(ENTRIES, { record: { 'diff-digest': 'sha256:' + '0'.repeat(64) } })), (e) => isStoreError(e, 'DigestMismatch'));
  await assert.rejects(collect(synthStore(ENTRIES, { record: { 'diff-digest': undefined } })), (e) => isStoreError(e, 'DigestMismatch'));
});

test('names escaping the layer directory are refused', async () => {
  const s = synthStore([{ name: 'etc/../../x', data: Buffer.from('x') }].map((e) => ({ ...e })), {});
  await assert.rejects(collect(s), (e) => isStoreError(e, 'InvalidArchive'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-outside-'));
  fs.writeFileSync(path.join(outside, 'secret'), 'secret');
  const t = synthStore([{ name: 'lnk/secret', data: Buffer.from('secret') }], {
    files: (d) => {
      fs.rmSync(path.join(d, 'lnk'), { recursive: true });
      fs.symlinkSync(outside, path.join(d, 'lnk'));
    },
  });
  await assert.rejects(collect(t), (e) => isStoreError(e, 'InvalidArchive'));
});

test('a missing tar-split file is NotFound; an aborted signal cancels', async () => {
  const s = synthStore(ENTRIES);
  const snap = await s.store.snapshot();
  const layer = snap.layerById.get(s.id)!;
  const ac = new AbortController();
  const stream = layerTarStream(s.store, layer, { signal: ac.signal });
  let first = true;
  await assert.rejects(
    (async () => {
      for await (const _ of stream) {
        if (first) ac.abort();
        first = false;
      }
    })(),
    (e) => isStoreError(e, 'Cancelled'),
  );
  fs.rmSync(path.join(s.root, 'vfs-layers', `${s.id}.tar-split.gz`));
  await assert.rejects(collect(s), (e) => isStoreError(e, 'NotFound'));
});

test('a file the user cannot read (rootless sub-UID ownership) gives PermissionDenied pointing at podman unshare', {
  skip: process.getuid?.() !== 0 || !fs.existsSync('/usr/bin/setpriv') ? 'needs root and setpriv to act as another user' : undefined,
}, () => {
  const s = synthStore(ENTRIES);
  fs.chmodSync(s.root, 0o755);
  fs.writeFileSync(path.join(s.root, 'vfs-layers', 'layers.lock'), '');
  fs.chmodSync(path.join(s.layerDir, 'etc/a.txt'), 0o600);
  // The check runs as "nobody", for whom the root-owned 0600 file is what a sub-UID file is to a rootless user.
  const script = `
    const { Store } = require(${JSON.stringify(path.join(__dirname, '../../../src/store/store.js'))});
    const { layerTarStream } = require(${JSON.stringify(path.join(__dirname, '../../../src/store/layer-stream.js'))});
    (async () => {
      const store = Store.open({ config: { graphRoot: ${JSON.stringify(s.root)}, runRoot: '/nonexistent-run', driver: 'vfs', driverOptions: [], additionalImageStores: [], transientStore: false, rootless: true } });
      const snap = await store.snapshot();
      try {
        for await (const _ of layerTarStream(store, snap.layerById.get(${JSON.stringify(s.id)}))) {}
        console.log(JSON.stringify({ ok: true }));
      } catch (e) {
        console.log(JSON.stringify({ code: e.code, message: e.message }));
      }
    })();`;
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout.trim()) as { code: string; message: string };
  assert.equal(res.code, 'PermissionDenied');
  assert.match(res.message, /etc\/a\.txt/);
  assert.match(res.message, /podman unshare/);
});
