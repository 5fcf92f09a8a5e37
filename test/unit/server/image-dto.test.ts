/*
 * Store snapshot → DTOs on synthesised stores: layer sharing, images built on an image, and the
 * removal plan (what goes, what is kept, bytes freed).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Store } from '../../../src/store/store';
import { imageDetails, layerIndexOf, planRemoval, toImageSummary } from '../../../src/server/image-dto';
import { summarizeImage } from '../../../src/store/images-list';
import { StoreBuilder, diffId } from '../../fixtures/store-builder';

const b = new StoreBuilder('vfs');
const L = (seed: string, size: number) => ({ diffId: diffId(seed), size });
const base = b.addImage({ names: ['localhost/base:1'], layers: [L('base', 1000)] });
const app = b.addImage({ names: ['localhost/app:1'], layers: [L('base', 1000), L('app', 200)], labels: { a: '<b>x</b>' } });
const child = b.addImage({ names: ['localhost/child:1'], layers: [L('base', 1000), L('app', 200), L('child', 30)] });
const other = b.addImage({ names: ['localhost/other:1'], layers: [L('base', 1000), L('other', 7)] });
b.addContainer('ctr', other);
b.write();
after(() => b.remove());

async function snap() {
  const store = Store.open({ config: { graphRoot: b.root, runRoot: b.runroot, driver: 'vfs', driverOptions: [], additionalImageStores: [], transientStore: false, rootless: false } });
  return { store, snapshot: await store.snapshot() };
}

test('details: layers top to base, who shares them, what is built on the image', async () => {
  const { store, snapshot } = await snap();
  const entry = snapshot.imageById.get(app.id)!;
  const d = imageDetails(snapshot, entry, toImageSummary(summarizeImage(store, snapshot, entry)));
  assert.deepEqual(d.layers.map((l) => l.size), [200, 1000]);
  assert.deepEqual(d.layers[0]!.topOf.map((r) => r.id), [app.id]);
  assert.deepEqual(d.layers[0]!.sharedBy.map((r) => r.id), [child.id]);
  assert.deepEqual(new Set(d.layers[1]!.sharedBy.map((r) => r.id)), new Set([base.id, child.id, other.id]));
  assert.deepEqual(d.children.map((r) => r.id), [child.id]);
  assert.equal(d.image.labels.a, '<b>x</b>');
  assert.equal(d.image.parentId, base.id);
  const baseEntry = snapshot.imageById.get(base.id)!;
  assert.deepEqual(new Set(layerIndexOf(snapshot).builtOn(baseEntry).map((i) => i.record.id)), new Set([app.id, child.id, other.id]));
});

test('removal plan: only unshared layers go; container users are kept with the reason', async () => {
  const { snapshot } = await snap();
  const e = (id: string) => snapshot.imageById.get(id)!;
  const p1 = planRemoval(snapshot, [e(child.id)]);
  assert.deepEqual(p1, { images: [{ id: child.id, names: ['localhost/child:1'] }], layers: 1, bytes: 30, blocked: [] });
  const p2 = planRemoval(snapshot, [e(app.id), e(child.id)]);
  assert.equal(p2.layers, 2);
  assert.equal(p2.bytes, 230);
  const p3 = planRemoval(snapshot, [e(other.id), e(base.id)]);
  assert.deepEqual(p3.images.map((r) => r.id), [base.id]);
  assert.equal(p3.blocked[0]!.code, 'ImageInUse');
  assert.match(p3.blocked[0]!.message, /ctr/);
  // The base layer stays: other images still build on it.
  assert.equal(p3.layers, 0);
  assert.equal(p3.bytes, 0);
});
