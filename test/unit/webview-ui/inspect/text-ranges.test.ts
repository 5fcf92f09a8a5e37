import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { findRanges, segment } from '../../../../src/webview-ui/inspect/text-ranges';

test('findRanges is case-insensitive and non-overlapping', () => {
  assert.deepEqual(findRanges('Labels: label LABEL', 'label'), [
    { start: 0, end: 5 },
    { start: 8, end: 13 },
    { start: 14, end: 19 },
  ]);
  assert.deepEqual(findRanges('aaaa', 'aa'), [
    { start: 0, end: 2 },
    { start: 2, end: 4 },
  ]);
  assert.deepEqual(findRanges('abc', ''), []);
  assert.deepEqual(findRanges('', 'a'), []);
});

// 'İ' lower-cases to two code units: offsets in the folded text must map back to the original.
test('regress: ranges stay aligned when lower-casing changes length', () => {
  const text = 'İstanbul label';
  const r = findRanges(text, 'label');
  assert.deepEqual(r, [{ start: 9, end: 14 }]);
  assert.equal(text.slice(r[0]!.start, r[0]!.end), 'label');
  const r2 = findRanges(text, 'stan');
  assert.equal(text.slice(r2[0]!.start, r2[0]!.end), 'stan');
});

test('findRanges handles astral characters', () => {
  const text = '😀 x 😀';
  const r = findRanges(text, '😀');
  assert.deepEqual(r.map((x) => text.slice(x.start, x.end)), ['😀', '😀']);
});

test('segment cuts a token by ranges given in whole-text offsets', () => {
  const ranges = [
    { start: 2, end: 6 },
    { start: 8, end: 9 },
  ];
  // token "cdefghij" at offset 2 of "abcdefghijkl"
  assert.deepEqual(segment('cdefghij', 2, ranges), [
    { text: 'cdef', mark: 0 },
    { text: 'gh', mark: -1 },
    { text: 'i', mark: 1 },
    { text: 'j', mark: -1 },
  ]);
  // a range straddling the token start
  assert.deepEqual(segment('efg', 4, ranges), [
    { text: 'ef', mark: 0 },
    { text: 'g', mark: -1 },
  ]);
  assert.deepEqual(segment('xyz', 20, ranges), [{ text: 'xyz', mark: -1 }]);
  assert.deepEqual(segment('abc', 0, []), [{ text: 'abc', mark: -1 }]);
});
