import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { StoreSnapshot, type ImageEntry, type LayerEntry } from '../../../src/store/snapshot';
import type { ImageRecord, LayerRecord } from '../../../src/store/records';
import type { Store, StoreTree } from '../../../src/store/store';

const tree = { root: '/nowhere' } as StoreTree;
const layer = (id: string, size: number, parent?: string): LayerEntry => ({
  record: { id, parent, 'diff-size': size } as LayerRecord,
  readOnly: false,
  tree,
  file: 'layers',
});
const image = (id: string, top: string | undefined, extra: Partial<ImageRecord> = {}): ImageEntry => ({
  record: { id, layer: top, 'big-data-names': ['manifest'], 'big-data-sizes': { manifest: 7 }, ...extra } as ImageRecord,
  readOnly: false,
  tree,
});

test('image sizes add each layer of the chain once, plus the big data, whatever the order images are asked in', () => {
  const layers = [layer('base', 100), layer('mid', 20, 'base'), layer('top', 3, 'mid'), layer('side', 4000, 'base'), layer('orphan', 5, 'gone')];
  const loopA = layer('loopA', 1, 'loopB');
  const loopB = layer('loopB', 10, 'loopA');
  const images = [
    image('t', 'top'),
    image('m', 'mid'),
    image('s', 'side'),
    image('b', 'base'),
    image('o', 'orphan'),
    image('none', undefined),
    image('mapped', 'top', { 'mapped-layers': ['side'] }),
    image('loop', 'loopA'),
  ];
  const expected: Record<string, number | undefined> = { t: 130, m: 127, s: 4107, b: 107, o: undefined, none: 7, mapped: 4130, loop: 18 };
  for (const order of [images, [...images].reverse()]) {
    const snap = new StoreSnapshot(undefined as unknown as Store, order, [...layers, loopA, loopB], [], []);
    for (const img of order) assert.equal(snap.imageSize(img), expected[img.record.id], img.record.id);
  }
});
