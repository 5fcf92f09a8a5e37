/*
 * Sizes, ages and names formatted the way podman prints them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanAge, humanSize, parseName, shortId } from '../../../src/shared/format';

test('humanSize: decimal units, three significant digits, like podman images', () => {
  assert.equal(humanSize(0), '0 B');
  assert.equal(humanSize(999), '999 B');
  assert.equal(humanSize(2048), '2.05 kB');
  assert.equal(humanSize(10240), '10.2 kB');
  assert.equal(humanSize(17530), '17.5 kB');
  assert.equal(humanSize(1_000_000), '1 MB');
  assert.equal(humanSize(-1), '?');
  assert.equal(humanSize(999_500), '1e+03 kB', 'go-units rounds into exponent form, and so do we');
});

test('humanAge: go-units HumanDuration', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  assert.equal(humanAge('2026-11-28T11:59:59.5Z', now), 'Less than a second ago');
  assert.equal(humanAge('2026-11-28T11:59:58Z', now), '2 seconds ago');
  assert.equal(humanAge('2026-11-28T11:59:00Z', now), 'About a minute ago');
  assert.equal(humanAge('2026-11-28T11:00:00Z', now), 'About an hour ago');
  assert.equal(humanAge('2026-11-26T12:00:00Z', now), '2 days ago');
  assert.equal(humanAge('', now), '');
  assert.equal(humanAge('not a date', now), '');
});

test('parseName and shortId', () => {
  assert.deepEqual(parseName('localhost/app:v1'), { repository: 'localhost/app', tag: 'v1', digest: '' });
  assert.deepEqual(parseName('localhost:5000/app'), { repository: 'localhost:5000/app', tag: '', digest: '' });
  assert.deepEqual(parseName('quay.io/a/b@sha256:abc'), { repository: 'quay.io/a/b', tag: '', digest: 'sha256:abc' });
  assert.equal(shortId('sha256:0123456789abcdef'), '0123456789ab');
});
