import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildTree } from '../../../../src/webview-ui/inspect/json-tree';
import { CHILD_PAGE, TreeExpansion, rowId, visibleRows } from '../../../../src/webview-ui/inspect/tree-state';
import { treeKeyIntent, type TreeKey } from '../../../../src/webview-ui/inspect/tree-keys';

const model = buildTree({ Id: 'abc', Config: { Cmd: ['/bin/sh'] }, Many: Array.from({ length: CHILD_PAGE + 3 }, (_, i) => i) });
const key = (k: string, more: Partial<TreeKey> = {}): TreeKey => ({ key: k, code: '', shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, ...more });

test('arrows, Home/End and paging move the selection within the visible rows', () => {
  const rows = visibleRows(model, new TreeExpansion([]), null, false);
  assert.deepEqual(rows.map(rowId), ['/Id', '/Config', '/Many']);
  assert.deepEqual(treeKeyIntent(key('ArrowDown'), rows, 0), { kind: 'select', index: 1 });
  assert.deepEqual(treeKeyIntent(key('ArrowDown'), rows, 2), { kind: 'select', index: 2 }, 'stays on the last row');
  assert.deepEqual(treeKeyIntent(key('ArrowUp'), rows, -1), { kind: 'select', index: 0 }, 'nothing selected: the first row');
  assert.deepEqual(treeKeyIntent(key('End'), rows, 0), { kind: 'select', index: 2 });
  assert.deepEqual(treeKeyIntent(key('Home'), rows, 2), { kind: 'select', index: 0 });
  assert.deepEqual(treeKeyIntent(key('PageDown'), rows, 0), { kind: 'select', index: 2 });
  assert.deepEqual(treeKeyIntent(key('PageUp'), rows, 2), { kind: 'select', index: 0 });
  assert.equal(treeKeyIntent(key('x'), rows, 0), undefined, 'not a tree key');
});

test('Right opens, then enters; Left closes, then goes to the parent', () => {
  const expansion = new TreeExpansion([]);
  let rows = visibleRows(model, expansion, null, false);
  const config = model.byId.get('/Config')!;
  assert.deepEqual(treeKeyIntent(key('ArrowRight'), rows, 1), { kind: 'toggle', node: config, open: true });
  assert.deepEqual(treeKeyIntent(key('ArrowRight'), rows, 0), { kind: 'none' }, 'a leaf');
  assert.deepEqual(treeKeyIntent(key('Enter'), rows, 1), { kind: 'toggle', node: config });
  expansion.setExpanded('/Config', true);
  rows = visibleRows(model, expansion, null, false);
  assert.deepEqual(treeKeyIntent(key('ArrowRight'), rows, 1), { kind: 'select', index: 2 });
  assert.deepEqual(treeKeyIntent(key('ArrowLeft'), rows, 1), { kind: 'toggle', node: config, open: false });
  assert.deepEqual(treeKeyIntent(key('ArrowLeft'), rows, 2), { kind: 'selectNode', node: config });
  assert.deepEqual(treeKeyIntent(key('ArrowLeft'), rows, 0), { kind: 'none' }, 'a top-level leaf');
});

test('a "more" row shows more on Enter; F3 steps through matches; Shift+Alt+C copies a jq path', () => {
  const expansion = new TreeExpansion([]);
  expansion.setExpanded('/Many', true);
  const rows = visibleRows(model, expansion, null, false);
  const more = rows.findIndex((r) => r.kind === 'more');
  assert.ok(more > 0);
  assert.deepEqual(treeKeyIntent(key('Enter'), rows, more), { kind: 'showMore', parent: model.byId.get('/Many')! });
  assert.deepEqual(treeKeyIntent(key('ArrowRight'), rows, more), { kind: 'none' });
  assert.deepEqual(treeKeyIntent(key('ArrowLeft'), rows, more), { kind: 'selectNode', node: model.byId.get('/Many')! }, 'to the container it belongs to');
  assert.deepEqual(treeKeyIntent(key('F3', { shiftKey: true }), rows, 0), { kind: 'step', dir: -1 });
  assert.deepEqual(treeKeyIntent(key('C', { code: 'KeyC', shiftKey: true, altKey: true }), rows, 0), { kind: 'copyPath', node: model.byId.get('/Id')! });
  assert.equal(treeKeyIntent(key('C', { code: 'KeyC', shiftKey: true, altKey: true, ctrlKey: true }), rows, 0), undefined);
});
