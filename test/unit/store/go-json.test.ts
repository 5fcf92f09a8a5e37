import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareBytes, goMarshal, goMarshalByHand, goQuote } from '../../../src/store/go-json';

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

/** A deterministic generator (xorshift) so a failure can be replayed from its seed. */
function randomValues(seed: number): () => unknown {
  let x = seed >>> 0 || 1;
  const next = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  // The characters where JSON.stringify and Go differ, their look-alikes, and escaped backslashes.
  const pieces = ['a', '<', '>', '&', '\\', '\\b', '\\u', 'ud800', '\b', '\f', '\n', '\u0001', '\u001f', '\u007f', '"', '\u2028', '\u2029', '\ud800', '\udfff', '\ud83d\ude00', 'é', '\ue000', '/'];
  const str = (): string => Array.from({ length: next(6) }, () => pieces[next(pieces.length)]).join('');
  const value = (depth: number): unknown => {
    switch (next(depth > 3 ? 5 : 8)) {
      case 0:
        return str();
      case 1:
        return [0, -0, 1.5, -7, 1e21, 1e-7, 2 ** 53, 123456789][next(8)];
      case 2:
        return next(2) === 0;
      case 3:
        return null;
      case 4:
        return str();
      case 5:
        return Array.from({ length: next(4) }, () => value(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = next(4); i > 0; i--) o[str() || String(next(3))] = next(5) === 0 ? undefined : value(depth + 1);
        return o;
      }
    }
  };
  return () => value(0);
}

test('the JSON.stringify fast path writes what the encoder written out in full writes', () => {
  for (let seed = 1; seed <= 3000; seed++) {
    const v = randomValues(seed)();
    for (const opts of [{}, { escapeHTML: false }, { indent: '    ' }, { indent: '     ', escapeHTML: false }]) {
      assert.equal(goMarshal(v, opts), goMarshalByHand(v, opts), `seed ${seed} ${JSON.stringify(opts)}`);
    }
  }
});

test('strings sort by their UTF-8 bytes', () => {
  const words = ['b', 'a', 'ab', '', 'é', '\ue000', '\ud83d\ude00', 'Z', 'a\ud83d\ude00', 'a\uffff'];
  const byBytes = [...words].sort((p, q) => Buffer.compare(Buffer.from(p), Buffer.from(q)));
  assert.deepEqual([...words].sort(compareBytes), byBytes);
});
