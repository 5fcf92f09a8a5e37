import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { filterImagesByReference, pathMatch, referenceFilterCandidates } from '../../../src/store/reference-filter';
import type { ImageRecord } from '../../../src/store/records';
import { StoreSnapshot, type ImageEntry } from '../../../src/store/snapshot';
import type { Store, StoreTree } from '../../../src/store/store';

const TREE: StoreTree = { root: '/r', readOnly: false, imagesDir: '/r/i', layersDir: '/r/l', imagesLock: '', layersLock: '' };
const D = `sha256:${'ab'.repeat(32)}`;

function snap(records: Partial<ImageRecord>[]): StoreSnapshot {
  const entries: ImageEntry[] = records.map((r, i) => ({ record: { id: String(i).padEnd(64, '0'), ...r } as ImageRecord, readOnly: false, tree: TREE }));
  return new StoreSnapshot(null as unknown as Store, entries, [], [], []);
}

test('path.Match semantics', () => {
  const yes: [string, string][] = [
    ['abc', 'abc'], ['*', 'abc'], ['*c', 'abc'], ['a*', 'a'], ['a*/b', 'abc/b'], ['a*b*c*d*e*/f', 'axbxcxdxe/f'],
    ['a*b?c*x', 'abxbbxdbxebxczzx'], ['ab[c]', 'abc'], ['ab[b-d]', 'abc'], ['ab[^c]', 'abd'], ['ab[^b-d]', 'abe'],
    ['a\\*b', 'a*b'], ['a?b', 'a☺b'], ['a[^a]b', 'a☺b'], ['[\\-]', '-'], ['[x\\-]', 'x'], ['*x', 'xxx'], ['', ''],
  ];
  const no: [string, string][] = [
    ['*c', 'abc/d'], ['a*', 'ab/c'], ['a*/b', 'a/c/b'], ['a*b?c*x', 'abxbbxdbxebxczzy'], ['ab[^c]', 'abc'],
    ['ab[b-d]', 'abe'], ['a?b', 'a/b'], ['a*b', 'a/b'], ['a\\*b', 'ab'], ['[', 'a'], ['[^', 'a'], ['[^bc', 'a'],
    ['a[', 'a'], ['a[', 'ab'], ['*x', 'xxy'], ['[]a]', ']'], ['[-]', '-'], ['[x-]', 'x'], ['a\\', 'a'], ['', 'a'],
    // malformed after a point of failure is still malformed (false either way)
    ['a*[', 'bxy'],
  ];
  for (const [p, s] of yes) assert.equal(pathMatch(p, s), true, `${p} ~ ${s}`);
  for (const [p, s] of no) assert.equal(pathMatch(p, s), false, `${p} !~ ${s}`);
});

test('the six candidate forms of a stored name', () => {
  assert.deepEqual(referenceFilterCandidates('quay.io/example/app:1.0'), [
    'quay.io/example/app:1.0', 'example/app', 'app:1.0', 'quay.io/example/app', 'example/app:1.0', 'app',
  ]);
  assert.deepEqual(referenceFilterCandidates('localhost/x'), ['localhost/x', 'x', 'x']);
  assert.deepEqual(referenceFilterCandidates(`r.io:5000/a/b@${D}`), [
    `r.io:5000/a/b@${D}`, 'a/b', `b@${D}`, 'r.io:5000/a/b', `a/b@${D}`, 'b',
  ]);
});

test('filterImagesByReference selects whole images', () => {
  const s = snap([
    { names: ['localhost/app:latest', 'quay.io/example/app:1.0', 'localhost/myrepo/app2:latest'] },
    { names: ['docker.io/library/alpine:3'] },
    { names: [] },
    { names: ['localhost/application:latest'] },
  ]);
  const ids = (p: string | string[]): number[] => filterImagesByReference(s, p).map((e) => s.images.indexOf(e));
  assert.deepEqual(ids('app'), [0]);
  assert.deepEqual(ids('app*'), [0, 3]);
  assert.deepEqual(ids('app2'), [0]);
  assert.deepEqual(ids('alpine:3'), [1]);
  assert.deepEqual(ids('library/alpine'), [1]);
  assert.deepEqual(ids('docker.io/library/alpine'), [1]);
  assert.deepEqual(ids('alpine:latest'), []);
  assert.deepEqual(ids('*/example/*'), [0]);
  assert.deepEqual(ids(['alpine', 'application']), [1, 3]);
  assert.deepEqual(ids('['), []);
});
