import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Store } from '../../../src/store/store';
import { formatImageTree, printTree } from '../../../src/store/image-tree';
import { StoreBuilder, diffId } from '../../fixtures/store-builder';

function open(b: StoreBuilder): Store {
  return Store.open({ config: { graphRoot: b.root, runRoot: b.runroot, driver: 'vfs', driverOptions: [], additionalImageStores: [], transientStore: false, rootless: false } });
}

test('printTree draws like gotree, multi-line texts included', () => {
  const out = printTree({ text: 'root\nline2', children: [{ text: 'a', children: [{ text: 'a1\na2', children: [] }] }, { text: 'b', children: [{ text: 'b1', children: [] }] }] });
  assert.equal(out, 'root\nline2\n├── a\n│   └── a1\n│       a2\n└── b\n    └── b1\n');
});

test('tree lists layers base first; --whatrequires branches where a layer has several children', async (t) => {
  const b = new StoreBuilder();
  t.after(() => b.remove());
  const base = b.addImage({ names: ['localhost/base:1'], layers: [{ diffId: diffId('a'), size: 10240 }] });
  b.addImage({ names: ['localhost/app:1'], layers: [{ diffId: diffId('a'), size: 10240 }, { diffId: diffId('b'), size: 2048 }, { diffId: diffId('c'), size: 2048 }] });
  b.addImage({ names: ['localhost/dup:1'], layers: [{ diffId: diffId('a'), size: 10240 }, { diffId: diffId('d'), size: 2048 }, { diffId: diffId('e'), size: 2048 }] });
  b.write();
  const store = open(b);
  const snap = await store.snapshot();
  const img = snap.imageById.get(base.id)!;
  const ids = b.layers.map((l) => l.id.slice(0, 12));
  const size = snap.imageSize(img)!;
  assert.equal(
    formatImageTree(snap, img),
    `Image ID: ${base.id.slice(0, 12)}\nTags:     [localhost/base:1]\nSize:     ${(size / 1000).toPrecision(4)}kB\nImage Layers\n└── ID: ${ids[0]} Size: 10.24kB Top Layer of: [localhost/base:1]\n\n`,
  );
  assert.equal(
    formatImageTree(snap, img, true),
    [
      `Image ID: ${base.id.slice(0, 12)}`,
      'Tags:     [localhost/base:1]',
      `Size:     ${(size / 1000).toPrecision(4)}kB`,
      'Image Layers',
      `├── ID: ${ids[0]} Size: 10.24kB Top Layer of: [localhost/base:1]`,
      `├── ID: ${ids[1]} Size: 2.048kB`,
      `│   └── ID: ${ids[2]} Size: 2.048kB Top Layer of: [localhost/app:1]`,
      `└── ID: ${ids[3]} Size: 2.048kB`,
      `    └── ID: ${ids[4]} Size: 2.048kB Top Layer of: [localhost/dup:1]`,
      '',
      '',
    ].join('\n'),
  );
});
