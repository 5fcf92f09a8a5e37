import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { areParentAndChild, labelsOf } from '../../../src/store/config-facts';
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

test('a child two or more diff IDs ahead is still a child: libimage only asks for a prefix', () => {
  const parent = config(['sha256:a'], [step(0)]);
  assert.equal(areParentAndChild(parent, config(['sha256:a', 'sha256:b', 'sha256:c'], [step(0), step(1)])), true);
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

test('labels are the config\'s Config.Labels, null when absent or not an object', () => {
  const c: ImageConfigJson = { ...config(['sha256:a'], [step(0)]), config: { Labels: { b: '2', a: '<1>' } } };
  assert.deepEqual(labelsOf(c), { b: '2', a: '<1>' });
  assert.equal(labelsOf(config([], [])), null);
  assert.equal(labelsOf({ config: { Labels: 'x' as unknown as Record<string, string> } }), null);
});

test('diff IDs compare as lists, element by element, whatever their lengths and types', () => {
  // The child's last ID is longer than the others.
  const parent = config(['sha256:aa', 'sha256:bb'], [step(0), step(1)]);
  assert.equal(areParentAndChild(parent, config(['sha256:aa', 'sha256:bb', 'sha256:cccc'], [step(0), step(1), step(2)])), true);
  // A non-string ID equals only its twin, never its text; absent and null equal empty, as in Go.
  const odd = (ids: unknown[]) => config(ids as string[], [step(0)]);
  assert.equal(areParentAndChild(odd([7]), config([7 as unknown as string, 'sha256:b'], [step(0), step(1)])), true);
  assert.equal(areParentAndChild(odd([7]), config(['7', 'sha256:b'], [step(0), step(1)])), false);
  assert.equal(areParentAndChild(odd([null]), config(['', 'sha256:b'], [step(0), step(1)])), true);
  // Splitting the text differently never joins two lists: ["ab"] is not ["a", "b"].
  assert.equal(areParentAndChild(odd(['a', 'b']), config(['ab', 'c'], [step(0), step(1)])), false);
  assert.equal(areParentAndChild(odd(['ab']), config(['a', 'b'], [step(0), step(1)])), false);
  // A history or diff ID list that is not a list counts as empty.
  assert.equal(areParentAndChild({ history: 'x' as unknown as [], rootfs: { diff_ids: {} as unknown as [] } }, config([], [step(0)])), true);
});
