import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildTree } from '../../../../src/webview-ui/inspect/json-tree';
import { CHILD_PAGE, TreeExpansion, limitToShow, rowId, searchTree, visibleRows, type Row } from '../../../../src/webview-ui/inspect/tree-state';

const model = buildTree({
  Id: 'abc',
  Config: { Labels: { maintainer: 'me', 'org.opencontainers.image.title': 'demo' }, Cmd: ['/bin/sh'] },
  History: [{ created_by: '/bin/sh -c #(nop) LABEL maintainer=me' }],
  Size: 5,
});
const ids = (rows: Row[]): string[] => rows.map(rowId);

test('only top-level rows show until something is expanded', () => {
  const e = new TreeExpansion([]);
  assert.deepEqual(ids(visibleRows(model, e, null, true)), ['/Id', '/Config', '/History', '/Size']);
  e.toggle('/Config');
  assert.deepEqual(ids(visibleRows(model, e, null, true)), ['/Id', '/Config', '/Config/Labels', '/Config/Cmd', '/History', '/Size']);
});

test('search matches keys and values, in document order', () => {
  const r = searchTree(model, 'MAINTAINER')!;
  assert.deepEqual(r.matches.map((n) => n.id), ['/Config/Labels/maintainer', '/History/0/created_by']);
  assert.deepEqual(r.keyRanges.get('/Config/Labels/maintainer'), [{ start: 0, end: 10 }]);
  assert.deepEqual(r.valueRanges.get('/History/0/created_by'), [{ start: 24, end: 34 }]);
  assert.equal(searchTree(model, ''), null);
});

test('filtering keeps matches, their ancestors (opened) and their subtrees', () => {
  const e = new TreeExpansion([]);
  const r = searchTree(model, 'labels')!;
  e.setSearch(r);
  // /Config/Labels matches by key: Config is opened for it; Labels' children stay reachable but closed.
  assert.deepEqual(ids(visibleRows(model, e, r, true)), ['/Config', '/Config/Labels']);
  e.toggle('/Config/Labels');
  assert.deepEqual(ids(visibleRows(model, e, r, true)), [
    '/Config',
    '/Config/Labels',
    '/Config/Labels/maintainer',
    '/Config/Labels/org.opencontainers.image.title',
  ]);
  // Highlight-only mode shows everything, with the same rows opened.
  assert.deepEqual(ids(visibleRows(model, e, r, false)).slice(0, 3), ['/Id', '/Config', '/Config/Labels']);
});

test('closing a search-opened row works, and clearing the search restores the user expansion', () => {
  const e = new TreeExpansion(['/History']);
  const r = searchTree(model, 'demo')!;
  e.setSearch(r);
  assert.ok(e.isExpanded('/Config') && e.isExpanded('/Config/Labels'));
  e.toggle('/Config');
  assert.ok(!e.isExpanded('/Config'));
  e.setSearch(null);
  assert.ok(!e.isExpanded('/Config/Labels'));
  assert.ok(e.isExpanded('/History'));
  assert.deepEqual(e.userExpanded(), ['/History']);
});

test('expandAll / collapseAll cover every container', () => {
  const e = new TreeExpansion([]);
  e.expandAll(model);
  assert.equal(visibleRows(model, e, null, true).length, model.nodes.length);
  e.collapseAll(model);
  assert.equal(visibleRows(model, e, null, true).length, 4);
});

test('no match filters everything out', () => {
  const e = new TreeExpansion([]);
  const r = searchTree(model, 'zzz')!;
  e.setSearch(r);
  assert.deepEqual(visibleRows(model, e, r, true), []);
  assert.equal(visibleRows(model, e, r, false).length, 4);
});

test('large containers show a page of children and a "more" row', () => {
  const labels: Record<string, string> = {};
  for (let i = 0; i < CHILD_PAGE * 2 + 5; i++) labels[`l${i}`] = String(i);
  const big = buildTree({ Labels: labels });
  const e = new TreeExpansion(['/Labels']);
  const rows = visibleRows(big, e, null, true);
  assert.equal(rows.length, 1 + CHILD_PAGE + 1);
  const more = rows.at(-1)!;
  assert.equal(more.kind, 'more');
  assert.equal(rowId(more), 'more:/Labels');
  assert.ok(more.kind === 'more' && more.remaining === CHILD_PAGE + 5);
  const limits = new Map([['/Labels', CHILD_PAGE * 2]]);
  assert.equal(visibleRows(big, e, null, true, limits).at(-1)?.kind, 'more');
  limits.set('/Labels', CHILD_PAGE * 3);
  assert.equal(visibleRows(big, e, null, true, limits).length, 1 + CHILD_PAGE * 2 + 5);
  // A match past the first page needs the limit raised to its page.
  const labelsNode = big.byId.get('/Labels')!;
  assert.equal(limitToShow(labelsNode, big.byId.get(`/Labels/l${CHILD_PAGE + 3}`)!), CHILD_PAGE * 2);
  assert.equal(limitToShow(labelsNode, big.byId.get('/Labels/l0')!), CHILD_PAGE);
  // Filtering applies before paging: a few matches need no "more" row.
  const r = searchTree(big, `l${CHILD_PAGE + 4}`)!;
  e.setSearch(r);
  assert.deepEqual(ids(visibleRows(big, e, r, true)), ['/Labels', `/Labels/l${CHILD_PAGE + 4}`]);
});
