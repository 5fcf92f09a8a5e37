/*
 * removeImages/tagImage on synthesised stores: c/storage's private-chain walk (shared layers,
 * layers of other images' branches, containers), the rmi policy, and the clean-up of what crashed
 * runs left behind (incomplete layers, stale staging areas).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreBuilder, diffId } from '../../../fixtures/store-builder';
import { Store } from '../../../../src/store/store';
import { removeImages, tagImage, untagImage } from '../../../../src/store/write';
import { EMPTY_REGISTRIES_CONFIG } from '../../../../src/store/registries';
import type { ImageRecord, LayerRecord } from '../../../../src/store/records';

const OPTS = { events: false as const, registries: EMPTY_REGISTRIES_CONFIG };

/** base ← mid ← app (history-linked), plus `other` branching off base; every layer has a dir. */
function world(): { b: StoreBuilder; store: Store; base: ImageRecord; mid: ImageRecord; app: ImageRecord; other: ImageRecord } {
  const b = new StoreBuilder('vfs');
  const h = (n: number): Array<{ created: string; created_by: string }> =>
    Array.from({ length: n }, (_, i) => ({ created: '2026-01-01T00:00:00Z', created_by: `step ${i}` }));
  const L = (s: string): { diffId: string; size: number } => ({ diffId: diffId(s), size: 100 });
  const base = b.addImage({ names: ['localhost/base:1'], layers: [L('base')], history: h(1) });
  const mid = b.addImage({ layers: [L('base'), L('mid')], history: h(2) });
  const app = b.addImage({ names: ['localhost/app:1'], layers: [L('base'), L('mid'), L('app')], history: h(3) });
  const other = b.addImage({ names: ['localhost/other:1', 'localhost/other:2'], layers: [L('base'), L('other')], history: [...h(1), { created: '2026-01-02T00:00:00Z', created_by: 'other' }] });
  b.write();
  for (const l of b.layers) {
    fs.mkdirSync(path.join(b.root, 'vfs', 'dir', l.id, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(b.root, 'vfs', 'dir', l.id, 'etc', 'f'), Buffer.alloc(5000, 1));
    fs.writeFileSync(path.join(b.root, 'vfs-layers', `${l.id}.tar-split.gz`), 'x');
  }
  const store = Store.open({ root: b.root, runRoot: b.runroot, driver: 'vfs' });
  return { b, store, base, mid, app, other };
}

function onDisk(b: StoreBuilder): { images: ImageRecord[]; layers: LayerRecord[]; dirs: string[] } {
  return {
    images: JSON.parse(fs.readFileSync(path.join(b.root, 'vfs-images', 'images.json'), 'utf8')) as ImageRecord[],
    layers: JSON.parse(fs.readFileSync(path.join(b.root, 'vfs-layers', 'layers.json'), 'utf8')) as LayerRecord[],
    dirs: fs.readdirSync(path.join(b.root, 'vfs', 'dir')).sort(),
  };
}

test('rmi of the last image of a chain deletes its private layers and prunes the dangling parent, stopping at shared layers', async () => {
  const { b, store, base, mid, app, other } = world();
  try {
    const report = await removeImages(store, ['localhost/app:1'], OPTS);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.images.map((i) => [i.id, i.removed, i.untagged]), [
      [app.id, true, ['localhost/app:1']],
      [mid.id, true, []],
    ]);
    const after = onDisk(b);
    assert.deepEqual(after.images.map((i) => i.id).sort(), [base.id, other.id].sort());
    // base's layer stays (base's top, and other's parent); mid's and app's go.
    assert.deepEqual(after.layers.map((l) => l.id).sort(), [base.layer!, other.layer!].sort());
    assert.deepEqual(after.dirs, [base.layer!, other.layer!].sort());
    assert.ok(!fs.existsSync(path.join(b.root, 'vfs-images', app.id)), 'big data gone');
    assert.ok(!fs.existsSync(path.join(b.root, 'vfs-layers', `${app.layer}.tar-split.gz`)), 'tar-split gone');
    assert.ok(!fs.existsSync(path.join(b.root, 'vfs-layers', 'tmp')), 'no staging area left');
    assert.ok(report.freedBytes >= 2 * 5000, `freed ${report.freedBytes}`);
    assert.ok(after.layers.every((l) => !l.flags), 'no incomplete markers left');
  } finally {
    b.remove();
  }
});

test('rmi by one of two names untags; by ID refuses without force', async () => {
  const { b, store, other } = world();
  try {
    let r = await removeImages(store, ['localhost/other:2'], OPTS);
    assert.deepEqual(r.images.map((i) => [i.removed, i.untagged]), [[false, ['localhost/other:2']]]);
    await tagImage(store, other.id, ['localhost/other:3'], OPTS);
    r = await removeImages(store, [other.id.slice(0, 10)], OPTS);
    assert.equal(r.errors[0]?.code, 'InvalidArgument');
    assert.match(r.errors[0]!.message, /more than one tag.*please force removal/);
    r = await removeImages(store, [other.id.slice(0, 10)], { ...OPTS, force: true });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.images[0]!.untagged, ['localhost/other:1', 'localhost/other:3']);
    assert.ok(!onDisk(b).images.some((i) => i.id === other.id));
  } finally {
    b.remove();
  }
});

test('an image used by a container is refused with its name, even with force; other inputs go on', async () => {
  const { b, store, app, other } = world();
  try {
    b.addContainer('web', app);
    b.write();
    const before = onDisk(b);
    const r = await removeImages(store, ['localhost/app:1', other.id, 'nosuch'], { ...OPTS, force: true });
    assert.deepEqual(r.errors.map((e) => e.code), ['ImageNotKnown', 'ImageInUse']);
    assert.match(r.errors[1]!.message, /container web .*podman rm web/);
    assert.equal(onDisk(b).images.some((i) => i.id === app.id), true);
    assert.equal(onDisk(b).images.some((i) => i.id === other.id), false);
    assert.deepEqual(onDisk(b).dirs.filter((d) => before.dirs.includes(d)).length, before.dirs.length - 1);
  } finally {
    b.remove();
  }
});

test('layers a crashed run flagged incomplete and stale staging areas are cleaned on the next removal', async () => {
  const { b, store, other } = world();
  try {
    const flagged = b.layers.find((l) => l.id === other.layer)!;
    // A crashed removal: image record gone, its layer flagged, files half moved to a stage.
    b.images.splice(b.images.findIndex((i) => i.id === other.id), 1);
    flagged.flags = { incomplete: true };
    b.write();
    const stale = path.join(b.root, 'vfs-layers', 'tmp');
    fs.mkdirSync(path.join(stale, 'temp-dir-dead', '0-x'), { recursive: true });
    fs.writeFileSync(path.join(stale, 'temp-dir-dead', '0-x', 'f'), Buffer.alloc(4096, 1));
    fs.writeFileSync(path.join(stale, 'lock-dead'), '');
    const r = await removeImages(store, ['localhost/app:1'], OPTS);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.recoveredLayers, [flagged.id]);
    assert.ok(!onDisk(b).layers.some((l) => l.id === flagged.id));
    assert.ok(!onDisk(b).dirs.includes(flagged.id));
    assert.ok(!fs.existsSync(stale), 'stale stage removed');
  } finally {
    b.remove();
  }
});

test('tag and untag rewrite only names, keeping unknown keys and their place', async () => {
  const { b, store, base } = world();
  try {
    const rec = b.images.find((i) => i.id === base.id)! as Record<string, unknown>;
    rec['x-future'] = { keep: ['me'] };
    b.write();
    await tagImage(store, 'localhost/base:1', ['two', 'registry.example.com/x/y:3'], OPTS);
    let img = onDisk(b).images.find((i) => i.id === base.id)!;
    assert.deepEqual(img.names, ['localhost/base:1', 'localhost/two:latest', 'registry.example.com/x/y:3']);
    assert.deepEqual(img['x-future'], { keep: ['me'] });
    assert.deepEqual(Object.keys(img).slice(0, 5), ['id', 'digest', 'names', 'names-history', 'layer']);
    await untagImage(store, base.id, [], OPTS);
    img = onDisk(b).images.find((i) => i.id === base.id)!;
    assert.equal(img.names, undefined);
    assert.deepEqual(img['names-history'], ['registry.example.com/x/y:3', 'localhost/two:latest', 'localhost/base:1']);
    await assert.rejects(untagImage(store, base.id, ['nosuch'], OPTS), { code: 'ImageNotKnown', message: /tag not known/ });
  } finally {
    b.remove();
  }
});
