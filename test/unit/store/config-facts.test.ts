import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { areParentAndChild, factsOf, isParentByFacts } from '../../../src/store/config-facts';
import type { ImageConfigJson, OciHistory } from '../../../src/store/image-details';

const config = (diffIds: string[], history: OciHistory[]): ImageConfigJson => ({ rootfs: { type: 'layers', diff_ids: diffIds }, history });
const step = (i: number, extra: OciHistory = {}): OciHistory => ({ created: '2026-01-01T00:00:00Z', created_by: `RUN step ${i}`, ...extra });

test('a child is its parent plus one history entry, with the parent diff IDs as a prefix', () => {
  const parent = config(['sha256:a', 'sha256:b'], [step(0), step(1)]);
  assert.equal(areParentAndChild(parent, config(['sha256:a', 'sha256:b', 'sha256:c'], [step(0), step(1), step(2)])), true);
  assert.equal(areParentAndChild(parent, config(['sha256:a', 'sha256:b'], [step(0), step(1), step(2, { empty_layer: true })])), true, 'an empty layer adds no diff ID');
  assert.equal(areParentAndChild(parent, config(['sha256:a', 'sha256:b', 'sha256:c', 'sha256:d'], [step(0), step(1), step(2), step(3)])), false, 'a grandchild is not a child');
  assert.equal(areParentAndChild(parent, config(['sha256:a', 'sha256:x', 'sha256:c'], [step(0), step(1), step(2)])), false, 'diff IDs differ');
  assert.equal(areParentAndChild(parent, config(['sha256:a'], [step(0), step(1), step(2)])), false, 'fewer diff IDs');
  assert.equal(areParentAndChild(config([], []), config(['sha256:a'], [step(0)])), true, 'an empty image is the parent of a one-step image');
  assert.equal(areParentAndChild({}, config([], [step(0)])), true, 'absent rootfs and history count as empty');
});

test('a child two or more diff IDs ahead is left to the configs, which still decide', () => {
  const parent = config(['sha256:a'], [step(0)]);
  const far = config(['sha256:a', 'sha256:b', 'sha256:c'], [step(0), step(1)]);
  assert.equal(isParentByFacts(factsOf(parent), factsOf(far)), undefined);
  assert.equal(areParentAndChild(parent, far), true, 'libimage only asks for a prefix');
  assert.equal(areParentAndChild(parent, config(['sha256:x', 'sha256:b', 'sha256:c'], [step(0), step(1)])), false);
});

test('history entries compare as libimage compares them', () => {
  const parent = config(['sha256:a'], [step(0)]);
  const child = (first: OciHistory) => config(['sha256:a', 'sha256:b'], [first, step(1)]);
  assert.equal(areParentAndChild(parent, child(step(0, { created: '2026-01-01T01:00:00+01:00' }))), true, 'the same instant written differently');
  assert.equal(areParentAndChild(parent, child(step(0, { created: '2026-01-01T00:00:00.000Z' }))), true, 'trailing zeros');
  assert.equal(areParentAndChild(parent, child(step(0, { created: '2026-01-01T00:00:00.000000001Z' }))), false, 'one nanosecond later');
  assert.equal(areParentAndChild(parent, child({ created_by: 'RUN step 0' })), false, 'an absent time equals only an absent time');
  assert.equal(areParentAndChild(config([], [{ created: 'garbage' }]), config(['sha256:a'], [{ created: 'garbage' }, step(1)])), true, 'unparsable times compare as text');
  assert.equal(areParentAndChild(parent, child(step(0, { author: '', comment: undefined, empty_layer: false }))), true, 'absent equals empty and false');
  assert.equal(areParentAndChild(parent, child(step(0, { author: 'me' }))), false, 'author differs');
  assert.equal(areParentAndChild(parent, child(step(0, { comment: 'c' }))), false, 'comment differs');
  assert.equal(areParentAndChild(parent, child(step(0, { empty_layer: true }))), false, 'empty_layer differs');
  // Fields are kept apart: moving text from one field to the next is a different entry.
  const a = config([], [{ created_by: 'x"', author: 'y' }]);
  const b = config(['sha256:a'], [{ created_by: 'x', author: '"y' }, step(1)]);
  assert.equal(areParentAndChild(a, b), false);
});

test('facts survive a JSON round trip (what the cache file stores) and keep labels', () => {
  const c: ImageConfigJson = { ...config(['sha256:a'], [step(0)]), config: { Labels: { b: '2', a: '<1>' } } };
  const f = factsOf(c);
  assert.deepEqual(JSON.parse(JSON.stringify(f)), f);
  assert.deepEqual(f.labels, { b: '2', a: '<1>' });
  assert.equal(factsOf(config([], [])).labels, null);
});

test('diff IDs of different lengths and types compare as lists, never as joined text', () => {
  // The child's last ID is longer than the others: the parent's "all" still meets its "all but the last".
  const parent = config(['sha256:aa', 'sha256:bb'], [step(0), step(1)]);
  const child = config(['sha256:aa', 'sha256:bb', 'sha256:cccc'], [step(0), step(1), step(2)]);
  assert.equal(isParentByFacts(factsOf(parent), factsOf(child)), true);
  const sameLength = config(['sha256:aa', 'sha256:bb', 'sha256:cc'], [step(0), step(1), step(2)]);
  assert.equal(factsOf(sameLength).layersButLastId, factsOf(child).layersButLastId);
  assert.notEqual(factsOf(sameLength).layersId, factsOf(child).layersId);
  // A non-string ID equals only its twin, never its text.
  const odd = config(['sha256:aa', 'sha256:bb', 7 as unknown as string], [step(0), step(1), step(2)]);
  assert.equal(isParentByFacts(factsOf(parent), factsOf(odd)), true);
  assert.equal(factsOf(odd).layersId, factsOf(config(['sha256:aa', 'sha256:bb', 7 as unknown as string], [])).layersId);
  assert.notEqual(factsOf(odd).layersId, factsOf(config(['sha256:aa', 'sha256:bb', '7'], [])).layersId);
  // Splitting the text differently never joins two lists: ["ab"] is not ["a", "b"].
  assert.notEqual(factsOf(config(['ab'], [])).layersId, factsOf(config(['a', 'b'], [])).layersId);
});
