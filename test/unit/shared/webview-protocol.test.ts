import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  MAX_COPY_CHARS,
  initialViewState,
  isHostMessage,
  isPanelImage,
  isWebviewMessage,
  parseViewState,
} from '../../../src/shared/webview-protocol';

const ID = 'c13df9476c5796d74fae44fe27b9dfc349be7a95de405a0bbd23f94411defa79';
const ref = { storeId: 'rootful:/var/lib/containers/storage', imageId: ID };

test('isPanelImage wants a store key and a full lowercase image ID', () => {
  assert.ok(isPanelImage(ref));
  assert.ok(!isPanelImage({ storeId: '', imageId: ID }));
  assert.ok(!isPanelImage({ storeId: 's', imageId: ID.slice(0, 12) }));
  assert.ok(!isPanelImage({ storeId: 's', imageId: ID.toUpperCase() }));
  assert.ok(!isPanelImage({ storeId: 'x'.repeat(5000), imageId: ID }));
  assert.ok(!isPanelImage({ storeId: 1, imageId: ID }));
  assert.ok(!isPanelImage({ store: 's', image: ID }));
  assert.ok(!isPanelImage(null));
});

test('isWebviewMessage accepts the three webview messages and nothing else', () => {
  assert.ok(isWebviewMessage({ type: 'webview/ready' }));
  assert.ok(isWebviewMessage({ type: 'inspect/refresh' }));
  assert.ok(isWebviewMessage({ type: 'inspect/copy', kind: 'path', text: '.Config' }));
  assert.ok(!isWebviewMessage({ type: 'inspect/copy', kind: 'everything', text: 'x' }));
  assert.ok(!isWebviewMessage({ type: 'inspect/copy', kind: 'value', text: 42 }));
  assert.ok(!isWebviewMessage({ type: 'inspect/copy', kind: 'value', text: 'x'.repeat(MAX_COPY_CHARS + 1) }));
  assert.ok(!isWebviewMessage({ type: 'inspect/didLoad', ref }));
  assert.ok(!isWebviewMessage({ command: 'webview/ready' }));
  assert.ok(!isWebviewMessage('webview/ready'));
  assert.ok(!isWebviewMessage([{ type: 'webview/ready' }]));
});

test('isHostMessage checks payloads deeply', () => {
  const history = [{ id: '<missing>', created: '2026-11-28T06:49:51Z', createdBy: '/bin/sh', size: 0, comment: '', emptyLayer: true }];
  assert.ok(isHostMessage({ type: 'inspect/didLoad', ref, inspect: { Id: ID }, history }));
  assert.ok(isHostMessage({ type: 'inspect/didLoad', ref, error: { message: 'gone', code: 'ImageNotKnown' } }));
  assert.ok(isHostMessage({ type: 'inspect/loading', ref }));
  assert.ok(isHostMessage({ type: 'inspect/showTab', tab: 'history' }));
  assert.ok(isHostMessage({ type: 'inspect/didCopy', kind: 'json', ok: true }));
  assert.ok(!isHostMessage({ type: 'inspect/didLoad', ref, inspect: { Id: 7 }, history }));
  assert.ok(!isHostMessage({ type: 'inspect/didLoad', ref, inspect: { Id: ID }, history: [{ id: 'x' }] }));
  assert.ok(!isHostMessage({ type: 'inspect/didLoad', ref, inspect: { Id: ID } }));
  assert.ok(!isHostMessage({ type: 'inspect/didLoad', ref, error: { message: 3 } }));
  assert.ok(!isHostMessage({ type: 'inspect/didLoad', ref: { storeId: 's', imageId: 'abc' }, error: { message: 'x' } }));
  assert.ok(!isHostMessage({ type: 'inspect/showTab', tab: 'layers' }));
  assert.ok(!isHostMessage({ type: 'webview/ready' }));
});

test('parseViewState restores valid state and repairs damaged fields', () => {
  const s = { ...initialViewState(ref, 'history'), expanded: ['/Config'], query: 'label', filter: false, scroll: { inspect: 10, raw: 20, history: 30 } };
  assert.deepEqual(parseViewState(JSON.parse(JSON.stringify(s))), s);
  const damaged = parseViewState({ version: 1, ref, tab: 'nope', expanded: ['/a', 3], query: 5, scroll: { inspect: -1, raw: 'x' } });
  assert.deepEqual(damaged, {
    ...initialViewState(ref, 'inspect'),
    expanded: ['/a'],
  });
  assert.equal(parseViewState({ version: 2, ref }), null);
  assert.equal(parseViewState({ version: 1, ref: { storeId: 's', imageId: 'nope' } }), null);
  assert.equal(parseViewState(undefined), null);
});
