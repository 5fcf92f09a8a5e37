import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyNameOperation, updateImageNames } from '../../../../src/store/write/names';
import { setField, IMAGE_FIELD_ORDER } from '../../../../src/store/write/record-fields';
import type { ImageRecord } from '../../../../src/store/records';

test('applyNameOperation follows c/storage: add prepends, results deduped keeping the first', () => {
  assert.deepEqual(applyNameOperation(['a', 'b'], ['c', 'a'], 'add'), ['c', 'a', 'b']);
  assert.deepEqual(applyNameOperation(['a', 'b', 'c'], ['b', 'x'], 'remove'), ['a', 'c']);
  assert.deepEqual(applyNameOperation(['a'], ['b', 'b', 'c'], 'set'), ['b', 'c']);
});

test('SetNames moves every current name to the front of names-history, in list order', () => {
  const img: ImageRecord = { id: 'i', names: ['a'], 'names-history': ['a'], layer: 'l' };
  updateImageNames([img], img, ['a', 'b', 'c'], 'set');
  assert.deepEqual(img.names, ['a', 'b', 'c']);
  assert.deepEqual(img['names-history'], ['c', 'b', 'a']);
});

test('a name given to one image is taken from the other, whose history is untouched', () => {
  const other: ImageRecord = { id: 'o', names: ['x', 'y'], 'names-history': ['y', 'x'] };
  const img: ImageRecord = { id: 'i', names: ['a'] };
  updateImageNames([other, img], img, ['a', 'x'], 'set');
  assert.deepEqual(other.names, ['y']);
  assert.deepEqual(other['names-history'], ['y', 'x']);
  updateImageNames([other, img], img, ['a', 'x', 'y'], 'set');
  assert.equal('names' in other, false, 'a record left without names has no "names" key (omitempty)');
});

test('removing the last name drops "names" but keeps the history', () => {
  const img: ImageRecord = { id: 'i', names: ['a'], 'names-history': ['a'], layer: 'l' };
  updateImageNames([img], img, [], 'set');
  assert.deepEqual(Object.keys(img), ['id', 'names-history', 'layer']);
});

test('keys added later land where Go writes them, unknown keys stay put', () => {
  const rec: Record<string, unknown> = { id: 'i', digest: 'd', layer: 'l', 'x-future': 1, created: 't' };
  setField(rec, 'names-history', ['n'], IMAGE_FIELD_ORDER);
  setField(rec, 'names', ['n'], IMAGE_FIELD_ORDER);
  assert.deepEqual(Object.keys(rec), ['id', 'digest', 'names', 'names-history', 'layer', 'x-future', 'created']);
  setField(rec, 'flags', {}, IMAGE_FIELD_ORDER);
  assert.deepEqual(Object.keys(rec).slice(-2), ['created', 'flags']);
});
