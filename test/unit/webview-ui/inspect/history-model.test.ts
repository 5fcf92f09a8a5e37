import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { barFractions, historyRows, historyTotal, rowText, splitCreatedBy } from '../../../../src/webview-ui/inspect/history-model';

test('barFractions scales linearly against the largest layer', () => {
  assert.deepEqual(barFractions([2048, 0, 10240, 5120]), [0.2, 0, 1, 0.5]);
  assert.deepEqual(barFractions([0, 0]), [0, 0]);
  assert.deepEqual(barFractions([]), []);
  assert.deepEqual(barFractions([-5, Number.NaN, Infinity, 10]), [0, 0, 0, 1]);
});

test('splitCreatedBy dims the shell prefix', () => {
  assert.deepEqual(splitCreatedBy('/bin/sh -c #(nop) ENV FOO=bar'), { prefix: '/bin/sh -c #(nop) ', rest: 'ENV FOO=bar' });
  assert.deepEqual(splitCreatedBy('/bin/sh -c apk add curl'), { prefix: '/bin/sh -c ', rest: 'apk add curl' });
  assert.deepEqual(splitCreatedBy('COPY a b'), { prefix: '', rest: 'COPY a b' });
});

test('historyRows shapes podman history JSON for the table', () => {
  const now = Date.parse('2026-11-28T08:00:00Z');
  const history = [
    { id: 'c13df9476c5796d74fae44fe27b9dfc349be7a95de405a0bbd23f94411defa79', created: '2026-11-28T07:59:50.5Z', createdBy: '/bin/sh -c #(nop) COPY file:0847 in /b.txt ', size: 2048, comment: 'FROM f6e60c6c88c4', emptyLayer: false },
    { id: '<missing>', created: '0001-01-01T00:00:00Z', createdBy: '', size: 0, comment: '', emptyLayer: true },
    { id: '<missing>', created: '2026-11-26T08:00:00Z', createdBy: '<script>alert(1)</script>\u202e', size: 10240, comment: '', emptyLayer: false },
  ];
  const rows = historyRows(history, now);
  assert.equal(rows[0]?.shortId, 'c13df9476c57');
  assert.equal(rows[0]?.age, '9 seconds ago');
  assert.equal(rows[0]?.sizeText, '2.05 kB');
  assert.equal(rows[0]?.bar, 0.2);
  assert.equal(rows[0]?.createdBy, 'COPY file:0847 in /b.txt ');
  assert.equal(rows[1]?.shortId, '<missing>');
  assert.ok(rows[1]?.missing && rows[1]?.zero);
  assert.equal(rows[1]?.age, '');
  assert.equal(rows[1]?.createdBy, '');
  assert.equal(rows[2]?.createdBy, '<script>alert(1)</script>\\u202e');
  assert.equal(rows[2]?.age, '2 days ago');
  assert.equal(historyTotal(history), 12288);
  assert.equal(rowText(history[1]!), '<missing>\t0001-01-01T00:00:00Z\t\t0\t');
});
