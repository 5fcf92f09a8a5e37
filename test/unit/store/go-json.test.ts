import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goMarshal, goQuote } from '../../../src/store/go-json';

test('strings are escaped like Go encoding/json with HTML escaping', () => {
  assert.equal(goQuote('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(goQuote('q"\\'), '"q\\"\\\\"');
  assert.equal(goQuote('\n\r\t\b\f\u0001\u001f'), '"\\n\\r\\t\\u0008\\u000c\\u0001\\u001f"');
  assert.equal(goQuote('\u2028\u2029'), '"\\u2028\\u2029"');
  assert.equal(goQuote('é😀/'), '"é😀/"');
  assert.equal(goQuote('\ud800x'), '"\\ufffdx"');
});

test('a record podman wrote re-encodes byte for byte', () => {
  const written =
    '[{"id":"3cd25fe4","digest":"sha256:a268","names":["localhost/base:v1"],"names-history":["localhost/base:v1"],' +
    '"layer":"dfe0e883","metadata":"{\\"signatures-sizes\\":{\\"sha256:a268\\":[]}}","big-data-names":["manifest"],' +
    '"big-data-sizes":{"manifest":341},"big-data-digests":{"manifest":"sha256:a268"},"created":"2026-11-28T07:36:22.754409501Z",' +
    '"flags":{"a\\u0026b":1.5,"x":[true,false,null]}}]';
  assert.equal(goMarshal(JSON.parse(written)), written);
});

test('numbers use Go float formatting thresholds', () => {
  assert.equal(goMarshal([0, -1, 10240, 1.5, 1e21, 1e-7, 123456789012]), '[0,-1,10240,1.5,1e+21,1e-7,123456789012]');
});

test('undefined object fields are omitted, like omitempty on absent keys', () => {
  assert.equal(goMarshal({ ID: undefined, Name: 'n', Attributes: null }), '{"Name":"n","Attributes":null}');
});
