import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildTree } from '../../../../src/webview-ui/inspect/json-tree';
import { TreeExpansion, searchTree, visibleRows } from '../../../../src/webview-ui/inspect/tree-state';

const model = buildTree({
  Id: 'abc',
  Config: { Labels: { maintainer: 'me', 'org.opencontainers.image.title': 'demo' }, Cmd: ['/bin/sh'] },
  History: [{ created_by: '/bin/sh -c #(nop) LABEL maintainer=me' }],
  Size: 5,
});
const ids = (rows: { node: { id: string } }[]): string[] => rows.map((r) => r.node.id);

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
