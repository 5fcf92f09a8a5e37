/*
 * Protocol tests: the built store server, over IPC, against a store built by podman.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ResponseError } from 'vscode-jsonrpc/node';
import { buildFixtureStore, HOSTILE_LABELS, type FixtureStore } from '../helpers/fixture-store';
import { podman, podmanTest } from '../helpers/podman';
import { nextNotification, startServer, type ServerHandle } from '../helpers/server-connection';
import {
  DidChange,
  ImageDetailsRequest,
  ImageHistory,
  InspectImage,
  ListImages,
  ListStores,
  PlanRemoval,
  RemoveImages,
  TagImage,
  UntagImage,
  ValidateReference,
  Capabilities,
  SaveImage,
  STORE_ERROR,
  type StoreErrorData,
} from '../../src/shared/protocol';

const opts = podmanTest();

describe('store server', opts, () => {
  let fx: FixtureStore;
  let server: ServerHandle;
  let storeId: string;

  before(async () => {
    fx = buildFixtureStore('vfs');
    server = await startServer({
      extraStores: [{ root: fx.store.root, runRoot: fx.store.runroot, driver: 'vfs' }],
      discoverSystemStores: false,
      watchDebounceMs: 50,
    });
  });
  after(async () => {
    await server?.stop();
    fx?.store.remove();
  });

  test('lists the configured store as ready, with its driver', async () => {
    const stores = await server.conn.sendRequest(ListStores.type);
    assert.equal(stores.length, 1);
    const s = stores[0]!;
    assert.equal(s.status, 'ready');
    assert.equal(s.kind, 'configured');
    assert.equal(s.graphRoot, fx.store.root);
    assert.equal(s.driver, 'vfs');
    assert.equal(s.readOnly, false);
    storeId = s.id;
  });

  test('lists every image with names, sizes, parents and dangling flags as podman does', async () => {
    const { images } = await server.conn.sendRequest(ListImages.type, { storeId });
    const byId = new Map(images.map((i) => [i.id, i]));
    const podmanRows = JSON.parse(podman(fx.store, ['images', '-a', '--format', 'json'])) as { Id: string; Size: number; Names?: string[]; Dangling?: boolean; Containers: number }[];
    assert.deepEqual(new Set(images.map((i) => i.id)), new Set(podmanRows.map((r) => r.Id)));
    for (const row of podmanRows) {
      const img = byId.get(row.Id)!;
      assert.equal(img.size, row.Size, `size of ${row.Id}`);
      assert.deepEqual(new Set(img.names), new Set(row.Names ?? []), `names of ${row.Id}`);
      assert.equal(img.dangling, row.Dangling === true, `dangling of ${row.Id}`);
      assert.equal(img.containers, row.Containers, `containers of ${row.Id}`);
    }
    const app = byId.get(fx.app)!;
    assert.equal(app.parentId, fx.base);
    assert.equal(byId.get(fx.child)!.parentId, fx.app);
    assert.equal(app.labels['org.example.title'], HOSTILE_LABELS['org.example.title']);
    assert.match(app.digest, /^sha256:[0-9a-f]{64}$/);
  });

  test('image details: layers top to base with sharing, images built on it, containers', async () => {
    const d = await server.conn.sendRequest(ImageDetailsRequest.type, { storeId, imageId: fx.app });
    const tree = podman(fx.store, ['image', 'tree', fx.app]);
    // podman prints base first; we list top first.
    const podmanLayers = [...tree.matchAll(/── ID: ([0-9a-f]{12})/g)].map((m) => m[1]);
    assert.deepEqual(d.layers.map((l) => l.id.slice(0, 12)), [...podmanLayers].reverse());
    assert.equal(d.layers.length, 2);
    assert.deepEqual(d.layers[0]!.topOf.map((r) => r.id), [fx.app]);
    assert.deepEqual(d.layers[1]!.topOf.map((r) => r.id), [fx.base]);
    // The base layer is shared by base and child (and app itself, which is not listed).
    assert.deepEqual(new Set(d.layers[1]!.sharedBy.map((r) => r.id)), new Set([fx.base, fx.child]));
    assert.deepEqual(d.children.map((r) => r.id), [fx.child]);
    const whatrequires = podman(fx.store, ['image', 'tree', '--whatrequires', fx.app]);
    assert.match(whatrequires, /localhost\/strata-child:1/);
    const baseDetails = await server.conn.sendRequest(ImageDetailsRequest.type, { storeId, imageId: fx.base });
    assert.deepEqual(baseDetails.containers.map((c) => c.id), [fx.container]);
    assert.deepEqual(baseDetails.containers[0]!.names, ['strata-user']);
  });

  test('inspect is the object podman image inspect prints', async () => {
    const ours = await server.conn.sendRequest(InspectImage.type, { storeId, imageId: fx.app });
    const theirs = (JSON.parse(podman(fx.store, ['image', 'inspect', fx.app])) as unknown[])[0];
    assert.deepEqual(ours, theirs);
    assert.deepEqual(Object.keys(ours), Object.keys(theirs as object));
  });

  test('history rows match podman history', async () => {
    const ours = await server.conn.sendRequest(ImageHistory.type, { storeId, imageId: fx.child });
    const theirs = JSON.parse(podman(fx.store, ['history', '--format', 'json', fx.child])) as { id: string; size: number; CreatedBy?: string; comment?: string }[];
    assert.equal(ours.length, theirs.length);
    ours.forEach((row, i) => {
      assert.equal(row.id, theirs[i]!.id);
      assert.equal(row.size, theirs[i]!.size);
      assert.equal(row.createdBy, theirs[i]!.CreatedBy ?? '');
      assert.equal(row.comment, theirs[i]!.comment ?? '');
    });
  });

  test('removal plan names what goes, what is kept and the bytes freed', async () => {
    const plan = await server.conn.sendRequest(PlanRemoval.type, { storeId, imageIds: [fx.child, fx.base] });
    assert.deepEqual(plan.images.map((r) => r.id), [fx.child]);
    assert.equal(plan.blocked.length, 1);
    assert.equal(plan.blocked[0]!.code, 'ImageInUse');
    assert.match(plan.blocked[0]!.message, /strata-user/);
    assert.equal(plan.layers, 1);
    const d = await server.conn.sendRequest(ImageDetailsRequest.type, { storeId, imageId: fx.child });
    assert.equal(plan.bytes, d.layers[0]!.size);
    assert.ok(plan.bytes > 0);
  });

  test('errors carry a stable storeCode', async () => {
    await assert.rejects(server.conn.sendRequest(ImageDetailsRequest.type, { storeId, imageId: 'f'.repeat(64) }), (e: unknown) => {
      assert.ok(e instanceof ResponseError);
      assert.equal(e.code, STORE_ERROR);
      assert.equal((e.data as StoreErrorData).storeCode, 'ImageNotKnown');
      return true;
    });
    await assert.rejects(server.conn.sendRequest(ListImages.type, { storeId: 'store:/nowhere' }), (e: unknown) => {
      assert.ok(e instanceof ResponseError);
      assert.equal((e.data as StoreErrorData).storeCode, 'NotFound');
      return true;
    });
  });

  test('advertises the write operations it has', async () => {
    const caps = await server.conn.sendRequest(Capabilities.type);
    for (const c of ['tag', 'untag', 'remove'] as const) assert.ok(caps.includes(c), c);
  });

  test('validates references as the user types', async () => {
    assert.equal(await server.conn.sendRequest(ValidateReference.type, { name: 'app:1.0' }), '');
    assert.equal(await server.conn.sendRequest(ValidateReference.type, { name: 'quay.io/org/app' }), '');
    assert.notEqual(await server.conn.sendRequest(ValidateReference.type, { name: 'UPPER/case' }), '');
    assert.notEqual(await server.conn.sendRequest(ValidateReference.type, { name: 'app:' }), '');
    assert.notEqual(await server.conn.sendRequest(ValidateReference.type, { name: 'sha256:' + 'a'.repeat(64) }), '');
  });

  test('tag and untag change the store as podman sees it', async () => {
    const added = await server.conn.sendRequest(TagImage.type, { storeId, imageId: fx.base, name: 'proto-tag' });
    assert.equal(added, 'localhost/proto-tag:latest');
    let tags = (JSON.parse(podman(fx.store, ['image', 'inspect', fx.base])) as { RepoTags: string[] }[])[0]!.RepoTags;
    assert.ok(tags.includes('localhost/proto-tag:latest'));
    await server.conn.sendRequest(UntagImage.type, { storeId, imageId: fx.base, name: 'localhost/proto-tag:latest' });
    tags = (JSON.parse(podman(fx.store, ['image', 'inspect', fx.base])) as { RepoTags: string[] }[])[0]!.RepoTags;
    assert.ok(!tags.includes('localhost/proto-tag:latest'));
  });

  test('removing an image a container uses fails with ImageInUse; a dangling one goes', async () => {
    await assert.rejects(server.conn.sendRequest(RemoveImages.type, { storeId, imageIds: [fx.base] }), (e: unknown) => {
      assert.ok(e instanceof ResponseError);
      assert.equal((e.data as StoreErrorData).storeCode, 'ImageInUse');
      return true;
    });
    const plan = await server.conn.sendRequest(PlanRemoval.type, { storeId, imageIds: [fx.dangling] });
    const r = await server.conn.sendRequest(RemoveImages.type, { storeId, imageIds: [fx.dangling] });
    assert.deepEqual(r.removed, [fx.dangling]);
    assert.deepEqual(r.errors, []);
    assert.equal(plan.layers, 1);
    assert.ok(r.bytes > 0);
    assert.ok(!podman(fx.store, ['images', '-a', '-q', '--no-trunc']).includes(fx.dangling));
  });

  test('save reports work-done progress and writes an archive podman load accepts', async () => {
    const out = path.join(fx.store.dir, 'proto-save.tar');
    const progress: { kind: string; percentage?: number }[] = [];
    const sub = server.conn.onNotification('$/progress', (p: { token: string; value: { kind: string; percentage?: number } }) => {
      if (p.token === 'save-1') progress.push(p.value);
    });
    const r = await server.conn.sendRequest(SaveImage.type, { storeId, refs: ['localhost/strata-app:v1'], format: 'docker-archive', output: out, workDoneToken: 'save-1' });
    sub.dispose();
    assert.equal(r.bytes, fs.statSync(out).size);
    assert.equal(progress[0]?.kind, 'begin');
    assert.equal(progress.at(-1)?.kind, 'end');
    assert.ok(progress.some((p) => p.kind === 'report' && p.percentage === 100), JSON.stringify(progress));
    assert.match(podman(fx.store, ['load', '-i', out]), /Loaded image: localhost\/strata-app:v1/);
    await assert.rejects(server.conn.sendRequest(SaveImage.type, { storeId, refs: ['localhost/strata-app:v1'], format: 'docker-archive', output: out }), (e: unknown) => {
      assert.ok(e instanceof ResponseError);
      assert.ok((e.data as StoreErrorData).storeCode, 'a store code for refusing to overwrite');
      return true;
    });
  });

  test('an external podman tag sends store/didChange, and the new name is listed', async () => {
    const changed = nextNotification(server.conn, DidChange.type, (p) => p.storeId === storeId);
    podman(fx.store, ['tag', fx.child, 'localhost/strata-external:tagged']);
    await changed;
    const { images } = await server.conn.sendRequest(ListImages.type, { storeId });
    assert.ok(images.find((i) => i.id === fx.child)!.names.includes('localhost/strata-external:tagged'));
  });
});
