import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildTree, childSummary, copyText, displayString, jqPath, valueHint } from '../../../../src/webview-ui/inspect/json-tree';

const inspect = {
  Id: 'c13df9476c57',
  RepoTags: ['localhost/app:v1', 'localhost/app:latest'],
  Created: '2026-11-28T06:49:51.000186968Z',
  Config: { Labels: { 'org.example/a~b': 'x', simple_key: 'y' }, Env: [] },
  Size: 10240,
  GraphDriver: { Name: 'vfs', Data: null },
  Healthcheck: undefined,
};

test('buildTree gives document order, JSON-pointer ids and depths', () => {
  const model = buildTree(inspect);
  assert.deepEqual(
    model.nodes.map((n) => n.id),
    [
      '/Id',
      '/RepoTags',
      '/RepoTags/0',
      '/RepoTags/1',
      '/Created',
      '/Config',
      '/Config/Labels',
      '/Config/Labels/org.example~1a~0b',
      '/Config/Labels/simple_key',
      '/Config/Env',
      '/Size',
      '/GraphDriver',
      '/GraphDriver/Name',
      '/GraphDriver/Data',
    ],
  );
  const label = model.byId.get('/Config/Labels/org.example~1a~0b');
  assert.equal(label?.depth, 2);
  assert.equal(label?.keyText, 'org.example/a~b');
  assert.equal(label?.parent?.id, '/Config/Labels');
  assert.equal(model.byId.get('/GraphDriver/Data')?.kind, 'null');
  assert.equal(model.byId.get('/Config/Env')?.kind, 'array');
  assert.equal(childSummary(model.byId.get('/Config/Labels')!), '2 keys');
  assert.equal(childSummary(model.byId.get('/Config/Env')!), '0 items');
  assert.equal(childSummary(model.byId.get('/RepoTags')!), '2 items');
});

test('jqPath quotes keys jq cannot take bare', () => {
  assert.equal(jqPath([]), '.');
  assert.equal(jqPath(['Config', 'Labels', 'org.example/a~b']), '.Config.Labels["org.example/a~b"]');
  assert.equal(jqPath(['RootFS', 'Layers', 0]), '.RootFS.Layers[0]');
  assert.equal(jqPath([0, 'Id']), '.[0].Id');
  assert.equal(jqPath(['a "quoted" key']), '.["a \\"quoted\\" key"]');
  assert.equal(jqPath(['_ok9']), '._ok9');
});

test('copyText: strings bare, everything else as JSON', () => {
  const model = buildTree(inspect);
  assert.equal(copyText(model.byId.get('/Id')!), 'c13df9476c57');
  assert.equal(copyText(model.byId.get('/Size')!), '10240');
  assert.equal(copyText(model.byId.get('/GraphDriver/Data')!), 'null');
  assert.equal(copyText(model.byId.get('/RepoTags')!), '[\n  "localhost/app:v1",\n  "localhost/app:latest"\n]');
});

test('hostile strings are shown escaped, never interpreted', () => {
  assert.equal(displayString('<script>alert(1)</script>'), '<script>alert(1)</script>');
  assert.equal(displayString('line1\nline2\t"q"'), 'line1\\nline2\\t\\"q\\"');
  // U+202E would make "exe.txt" render as "txt.exe"-like text; it is shown as an escape.
  assert.equal(displayString('abc\u202Etxt.exe'), 'abc\\u202etxt.exe');
  assert.equal(displayString('zero\u200bwidth'), 'zero\\u200bwidth');
  const model = buildTree({ Labels: { '<img src=x onerror=alert(1)>': '<b>x</b>' } });
  const node = model.nodes[1]!;
  assert.equal(node.keyText, '<img src=x onerror=alert(1)>');
  assert.equal(node.valueText, '<b>x</b>');
});

test('valueHint shows human sizes and ages', () => {
  const model = buildTree(inspect);
  assert.equal(valueHint(model.byId.get('/Size')!, 0), '10.2 kB');
  assert.equal(valueHint(model.byId.get('/Created')!, Date.parse('2026-11-30T07:00:00Z')), '2 days ago');
  assert.equal(valueHint(model.byId.get('/Id')!, 0), null);
});

test('a bare scalar or empty document still builds', () => {
  assert.equal(buildTree({}).nodes.length, 0);
  assert.equal(buildTree('x').nodes.length, 0);
  assert.equal(buildTree([1, 2]).nodes.length, 2);
});
