import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { GoMap, RawJson, goCompact, goMarshal, goQuote, rawMembers } from '../../../src/store/go-json';
import { goTimeRoundTrip } from '../../../src/store/go-format';

test('goQuote escapes like Go encoding/json with HTML escaping', () => {
  assert.equal(goQuote('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(goQuote('"\\\n\r\t\b\f\u0001'), '"\\"\\\\\\n\\r\\t\\u0008\\u000c\\u0001"');
  assert.equal(goQuote('\u2028\u2029é日本'), '"\\u2028\\u2029é日本"');
  assert.equal(goQuote('x\ud800y'), '"x\\ufffdy"', 'invalid UTF-8 becomes the escape \\ufffd, as Go writes it');
  assert.equal(goQuote('😀'), '"😀"');
});

test('goCompact strips whitespace outside strings and HTML-escapes inside, keeping numbers verbatim', () => {
  assert.equal(goCompact('{ "a" : [1.0, 1e3 ,\n -0 ],\t"b":"x <y> & \\" z" }'), '{"a":[1.0,1e3,-0],"b":"x \\u003cy\\u003e \\u0026 \\" z"}');
});

test('goMarshal keeps struct order, sorts maps by bytes, omits undefined', () => {
  assert.equal(goMarshal({ z: 1, a: undefined, m: new GoMap({ b: 1, B: 2, a: null }), r: new RawJson('{ "k" : 1 }'), l: [] }), '{"z":1,"m":{"B":2,"a":null,"b":1},"r":{"k":1},"l":[]}');
});

test('rawMembers returns each member raw, later duplicates winning', () => {
  const m = rawMembers('{"a": {"x" : 1.50}, "b":"s", "a": [ 1 ,2 ]}');
  assert.equal(m.get('a'), '[ 1 ,2 ]');
  assert.equal(m.get('b'), '"s"');
  assert.throws(() => rawMembers('[1]'));
  assert.throws(() => rawMembers('{"a":1'));
  assert.throws(() => rawMembers('{"a":1} x'));
});

test('goTimeRoundTrip trims fractions and keeps offsets like Go time.Time JSON', () => {
  assert.equal(goTimeRoundTrip('2021-06-01T10:00:00.000+02:00'), '2021-06-01T10:00:00+02:00');
  assert.equal(goTimeRoundTrip('2024-05-06T07:08:09.120000000Z'), '2024-05-06T07:08:09.12Z');
  assert.equal(goTimeRoundTrip('2024-05-06T07:08:09+00:00'), '2024-05-06T07:08:09Z');
  assert.equal(goTimeRoundTrip('yesterday'), undefined);
});
