import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Store } from '../../../src/store/store';
import { relationsOf } from '../../../src/store/image-relations';
import { listImages } from '../../../src/store/images-list';
import { StoreBuilder, diffId } from '../../fixtures/store-builder';
import { tempDir } from '../../helpers/temp-dir';

const h = (n: number) => Array.from({ length: n }, (_, i) => ({ created: '2026-01-01T00:00:00Z', created_by: `step ${i}` }));

test('parent, children, dangling and intermediate follow libimage', async (t) => {
  const b = new StoreBuilder();
  t.after(() => b.remove());
  const base = b.addImage({ names: ['localhost/base:1'], layers: [{ diffId: diffId('a'), size: 10 }], history: h(1) });
  const mid = b.addImage({ layers: [{ diffId: diffId('a'), size: 10 }, { diffId: diffId('b'), size: 5 }], history: h(2) });
  const top = b.addImage({ names: ['localhost/top:1'], layers: [{ diffId: diffId('a'), size: 10 }, { diffId: diffId('b'), size: 5 }, { diffId: diffId('c'), size: 1 }], history: h(3) });
  const lonely = b.addImage({ layers: [{ diffId: diffId('z'), size: 1 }], history: h(1) });
  b.write();
  const store = Store.open({ config: { graphRoot: b.root, runRoot: b.runroot, driver: 'vfs', driverOptions: [], additionalImageStores: [], transientStore: false, rootless: false } });
  const snap = await store.snapshot();
  const rel = relationsOf(store, snap);
  const byId = (id: string) => snap.imageById.get(id)!;
  assert.equal(rel.parent(byId(mid.id))?.record.id, base.id);
  assert.equal(rel.parent(byId(top.id))?.record.id, mid.id);
  assert.equal(rel.parent(byId(base.id)), undefined);
  assert.deepEqual(rel.children(byId(base.id)).map((i) => i.record.id), [mid.id]);
  assert.equal(rel.isIntermediate(byId(mid.id)), true);
  assert.equal(rel.isDangling(byId(lonely.id)), true);
  assert.equal(rel.isDangling(byId(top.id)), false, 'named images are never dangling');
  const shown = listImages(store, snap).map((s) => s.id);
  assert.ok(!shown.includes(mid.id), 'intermediate images are hidden without --all');
  assert.ok(shown.includes(lonely.id), 'dangling images are shown without --all');
  assert.equal(listImages(store, snap, { all: true }).length, 4);
});

test('a history that differs in one field breaks the relation', async (t) => {
  const b = new StoreBuilder();
  t.after(() => b.remove());
  b.addImage({ names: ['localhost/base:1'], layers: [{ diffId: diffId('a'), size: 10 }], history: h(1) });
  const other = b.addImage({
    names: ['localhost/other:1'],
    layers: [{ diffId: diffId('a'), size: 10 }, { diffId: diffId('b'), size: 5 }],
    history: [{ created: '2026-01-01T00:00:00.000000001Z', created_by: 'step 0' }, { created_by: 'step 1' }],
  });
  b.write();
  const store = Store.open({ config: { graphRoot: b.root, runRoot: b.runroot, driver: 'vfs', driverOptions: [], additionalImageStores: [], transientStore: false, rootless: false } });
  const snap = await store.snapshot();
  assert.equal(relationsOf(store, snap).parent(snap.imageById.get(other.id)!), undefined);
});

test('a listing with its cache warm takes labels and relations from the cache, not from the configs', async (t) => {
  const b = new StoreBuilder();
  t.after(() => b.remove());
  const cacheDir = tempDir(t, 'strata-facts-');
  const base = b.addImage({ names: ['localhost/base:1'], layers: [{ diffId: diffId('a'), size: 10 }], history: h(1), labels: { role: 'base' } });
  const mid = b.addImage({ layers: [{ diffId: diffId('a'), size: 10 }, { diffId: diffId('b'), size: 5 }], history: h(2), labels: { role: 'mid' } });
  const top = b.addImage({ names: ['localhost/top:1'], layers: [{ diffId: diffId('a'), size: 10 }, { diffId: diffId('b'), size: 5 }, { diffId: diffId('c'), size: 1 }], history: h(3) });
  b.write();
  const config = { graphRoot: b.root, runRoot: b.runroot, driver: 'vfs', driverOptions: [], additionalImageStores: [], transientStore: false, rootless: false };
  const list = async (cache: string | undefined) => {
    const store = Store.open({ config, cacheDir: cache });
    const rows = listImages(store, await store.snapshot(), { all: true });
    return Object.fromEntries(rows.map((s) => [s.id, { parent: s.parentId, labels: s.labels, intermediate: s.intermediate, problems: s.problems.length }]));
  };
  const expected = {
    [base.id]: { parent: '', labels: { role: 'base' }, intermediate: false, problems: 0 },
    [mid.id]: { parent: base.id, labels: { role: 'mid' }, intermediate: true, problems: 0 },
    [top.id]: { parent: mid.id, labels: null, intermediate: false, problems: 0 },
  };
  assert.deepEqual(await list(cacheDir), expected, 'first listing: configs read, cache written');
  // Every config made unreadable: only the cache can answer now.
  for (const img of [base, mid, top]) {
    const dir = path.join(b.root, 'vfs-images', img.id);
    for (const f of fs.readdirSync(dir)) if (f.startsWith('=')) fs.writeFileSync(path.join(dir, f), '{not json');
  }
  assert.deepEqual(await list(cacheDir), expected, 'warm listing: nothing read from the configs');
  const uncached = await list(undefined);
  assert.equal(uncached[mid.id]!.problems, 1, 'without the cache the broken config shows');
  assert.equal(uncached[mid.id]!.parent, '');
});
