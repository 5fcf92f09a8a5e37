import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { podmanInspectText, tokenizeJson } from '../../../../src/webview-ui/inspect/raw-json';

test('podmanInspectText prints an array with five-space indent and escapes U+2028/9 like Go', () => {
  const text = podmanInspectText({ Id: 'x', Labels: { a: 'l\u2028s' }, RepoTags: [] });
  assert.equal(text, '[\n     {\n          "Id": "x",\n          "Labels": {\n               "a": "l\\u2028s"\n          },\n          "RepoTags": []\n     }\n]');
  assert.deepEqual(JSON.parse(text), [{ Id: 'x', Labels: { a: 'l\u2028s' }, RepoTags: [] }]);
});

test('tokenizeJson covers the text exactly and tells keys from strings', () => {
  const text = JSON.stringify({ a: 'x:"y"', n: -1.5e3, t: true, z: null, arr: ['k'] }, null, 2);
  const tokens = tokenizeJson(text);
  assert.equal(tokens.map((t) => t.text).join(''), text);
  for (const t of tokens) assert.equal(text.slice(t.offset, t.offset + t.text.length), t.text);
  const kinds = (k: string): string[] => tokens.filter((t) => t.kind === k).map((t) => t.text);
  assert.deepEqual(kinds('key'), ['"a"', '"n"', '"t"', '"z"', '"arr"']);
  assert.deepEqual(kinds('string'), ['"x:\\"y\\""', '"k"']);
  assert.deepEqual(kinds('number'), ['-1500']);
  assert.deepEqual(kinds('literal'), ['true', 'null']);
});
