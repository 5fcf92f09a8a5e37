import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Store } from '../../../src/store/store';
import { isStoreError } from '../../../src/store/errors';
import { StoreBuilder, diffId } from '../../fixtures/store-builder';

function open(b: StoreBuilder): Store {
  return Store.open({ config: { graphRoot: b.root, runRoot: b.runroot, driver: 'vfs', driverOptions: [], additionalImageStores: [], transientStore: false, rootless: false } });
}

test('a snapshot is reused until the files change, then reloaded', async (t) => {
  const b = new StoreBuilder();
  t.after(() => b.remove());
  b.addImage({ names: ['localhost/a:1'], layers: [{ diffId: diffId('a'), size: 1 }] });
  b.write();
  const store = open(b);
  const s1 = await store.snapshot();
  assert.equal(await store.snapshot(), s1);
  b.addImage({ names: ['localhost/b:1'], layers: [{ diffId: diffId('b'), size: 1 }] });
  b.write();
  const s2 = await store.snapshot();
  assert.notEqual(s2, s1);
  assert.equal(s2.images.length, 2);
});

test('corrupt images.json is a CorruptMetadata error, not an empty store', async (t) => {
  const b = new StoreBuilder();
  t.after(() => b.remove());
  b.write();
  fs.writeFileSync(path.join(b.root, 'vfs-images', 'images.json'), '[{"id": "abc"');
  await assert.rejects(open(b).snapshot(), (e) => isStoreError(e, 'CorruptMetadata') && /not valid JSON/.test(e.message));
});

test('a missing store is NotFound with the path in the message', async () => {
  const store = Store.open({ config: { graphRoot: '/nonexistent/strata', runRoot: '/nonexistent/run', driver: 'vfs', driverOptions: [], additionalImageStores: [], transientStore: false, rootless: false } });
  await assert.rejects(store.snapshot(), (e) => isStoreError(e, 'NotFound') && e.message.includes('/nonexistent/strata'));
});

test('an image whose top layer is absent is listed and flagged', async (t) => {
  const b = new StoreBuilder();
  t.after(() => b.remove());
  const img = b.addImage({ names: ['localhost/a:1'], layers: [{ diffId: diffId('a'), size: 1 }] });
  b.layers.length = 0;
  b.write();
  const snap = await open(b).snapshot();
  assert.equal(snap.images.length, 1);
  assert.equal(snap.problems[0]?.kind, 'MissingLayer');
  assert.equal(snap.problems[0]?.imageId, img.id);
  assert.equal(snap.imageSize(snap.images[0]!), undefined);
});
