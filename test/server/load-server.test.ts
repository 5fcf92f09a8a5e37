/*
 * Protocol tests of store/loadImages and store/importImage: the built server loads into a fresh
 * store while reporting work-done progress, honours cancellation (leaving nothing behind), and
 * the result is what podman then lists.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { WorkDoneProgress } from 'vscode-languageserver-protocol';
import { podman, podmanTest, tempStore, type TempStore } from '../helpers/podman';
import { startServer, type ServerHandle } from '../helpers/server-connection';
import { tar, writeOciLayout } from '../fixtures/tar-writer';
import { Capabilities, ImportImage, ListImages, ListStores, LoadImages, type StoreErrorData } from '../../src/shared/protocol';

const opts = podmanTest();

describe('store server: load and import', opts, () => {
  let store: TempStore;
  let server: ServerHandle;
  let storeId: string;
  let work: string;

  before(async () => {
    store = tempStore('vfs');
    fs.mkdirSync(store.root, { recursive: true });
    work = path.join(os.tmpdir(), `strata-srvload-${randomBytes(4).toString('hex')}`);
    fs.mkdirSync(work);
    server = await startServer({ extraStores: [{ root: store.root, runRoot: store.runroot, driver: 'vfs' }], discoverSystemStores: false, watchDebounceMs: 50 });
    storeId = (await server.conn.sendRequest(ListStores.type))[0]!.id;
  });
  after(async () => {
    await server?.stop();
    store?.remove();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('advertises load', async () => {
    assert.ok((await server.conn.sendRequest(Capabilities.type)).includes('load'));
  });

  test('loads an OCI archive with progress; podman lists the image', async () => {
    const layout = path.join(work, 'layout');
    const { configDigest } = writeOciLayout(layout, [tar([{ name: 'a', content: 'a' }]), tar([{ name: 'b', content: randomBytes(100_000) }])], { gzip: true, refName: 'example.com/loaded:1' });
    const archive = path.join(work, 'oci.tar');
    const entries = fs.readdirSync(path.join(layout, 'blobs/sha256')).map((f) => ({ name: `blobs/sha256/${f}`, content: fs.readFileSync(path.join(layout, 'blobs/sha256', f)) }));
    fs.writeFileSync(archive, tar([...entries, { name: 'index.json', content: fs.readFileSync(path.join(layout, 'index.json')) }, { name: 'oci-layout', content: '{"imageLayoutVersion": "1.0.0"}' }]));
    const token = 'load-1';
    const kinds: string[] = [];
    const sub = server.conn.onProgress(WorkDoneProgress.type, token, (v) => kinds.push(v.kind));
    const r = await server.conn.sendRequest(LoadImages.type, { storeId, input: archive, workDoneToken: token });
    sub.dispose();
    assert.deepEqual(r.loaded, ['example.com/loaded:1']);
    assert.deepEqual(r.imageIds, [configDigest.slice(7)]);
    assert.equal(kinds[0], 'begin');
    assert.ok(kinds.includes('report'));
    assert.equal(kinds[kinds.length - 1], 'end');
    const { images } = await server.conn.sendRequest(ListImages.type, { storeId });
    assert.deepEqual(images.map((i) => i.id), r.imageIds);
    const rows = JSON.parse(podman(store, ['images', '--format', 'json'])) as Array<{ Id: string; Names: string[] }>;
    assert.deepEqual(rows.map((x) => [x.Id, x.Names]), [[r.imageIds[0], ['example.com/loaded:1']]]);
  });

  test('a cancelled load answers Cancelled and leaves the store as it was', async () => {
    const layout = path.join(work, 'big');
    writeOciLayout(layout, [tar([{ name: 'big', content: randomBytes(32 << 20) }])]);
    const before = JSON.stringify(await server.conn.sendRequest(ListImages.type, { storeId }));
    const cts = new CancellationTokenSource();
    const token = 'load-2';
    const sub = server.conn.onProgress(WorkDoneProgress.type, token, (v) => {
      if (v.kind === 'report') cts.cancel();
    });
    await assert.rejects(server.conn.sendRequest(LoadImages.type, { storeId, input: layout, workDoneToken: token }, cts.token), (e: unknown) => {
      assert.ok(e instanceof ResponseError);
      assert.equal((e.data as StoreErrorData).storeCode, 'Cancelled');
      return true;
    });
    sub.dispose();
    assert.equal(JSON.stringify(await server.conn.sendRequest(ListImages.type, { storeId })), before);
    assert.deepEqual(fs.readdirSync(path.join(store.root, 'vfs/dir')).length, 2, 'only the first test’s two layers remain');
  });

  test('imports a rootfs tarball under a name', async () => {
    const file = path.join(work, 'rootfs.tar');
    fs.writeFileSync(file, tar([{ name: 'etc/', type: '5' }, { name: 'etc/motd', content: 'hi' }]));
    const r = await server.conn.sendRequest(ImportImage.type, { storeId, file, reference: 'imported' });
    assert.deepEqual(r.names, ['localhost/imported:latest']);
    const id = podman(store, ['image', 'inspect', '--format', '{{.Id}}', 'localhost/imported:latest']).trim();
    assert.equal(id, r.imageId);
  });
});
