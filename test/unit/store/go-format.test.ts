import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  formatGoG,
  humanSizeWithPrecision,
  podmanTableSize,
  humanDuration,
  parseGoTime,
  formatRFC3339Nano,
  formatRFC3339,
  formatGoUTCString,
} from '../../../src/store/go-format';
import { goMarshal as goJson, goMap } from '../../../src/store/go-json';

test('formatGoG matches Go %g, including exponent form and half-to-even ties', () => {
  const cases: Array<[number, number, string]> = [
    [17.53, 4, '17.53'],
    [17.53, 3, '17.5'],
    [11.338, 4, '11.34'],
    [2.048, 4, '2.048'],
    [10.24, 3, '10.2'],
    [0, 3, '0'],
    [999.5, 3, '1e+03'],
    [1.0625, 3, '1.06'], // exact binary tie: Go rounds half to even
    [1.0675, 3, '1.07'],
    [2.5, 1, '2'],
    [3.5, 1, '4'],
    [123456, 3, '1.23e+05'],
    [0.0001, 3, '0.0001'],
    [0.00001, 3, '1e-05'],
    [100, 3, '100'],
    [1, 4, '1'],
  ];
  for (const [v, p, want] of cases) assert.equal(formatGoG(v, p), want, `${v} %.${p}g`);
});

test('humanSizeWithPrecision and the podman table size', () => {
  assert.equal(humanSizeWithPrecision(17530, 4), '17.53kB');
  assert.equal(humanSizeWithPrecision(11338, 4), '11.34kB');
  assert.equal(humanSizeWithPrecision(999, 4), '999B');
  assert.equal(humanSizeWithPrecision(999_999, 3), '1e+03kB');
  assert.equal(podmanTableSize(17530), '17.5 kB');
  assert.equal(podmanTableSize(0), '0 B');
  assert.equal(podmanTableSize(999_999), '1e+03 kB');
  assert.equal(podmanTableSize(1_070), '1.07 kB');
});

test('humanDuration follows go-units', () => {
  assert.equal(humanDuration(0.5), 'Less than a second');
  assert.equal(humanDuration(-10), 'Less than a second');
  assert.equal(humanDuration(1), '1 second');
  assert.equal(humanDuration(59.9), '59 seconds');
  assert.equal(humanDuration(60), 'About a minute');
  assert.equal(humanDuration(119.9), 'About a minute');
  assert.equal(humanDuration(120), '2 minutes');
  assert.equal(humanDuration(3600 * 1.4), 'About an hour');
  assert.equal(humanDuration(3600 * 1.5), '2 hours');
  assert.equal(humanDuration(3600 * 47), '47 hours');
  assert.equal(humanDuration(3600 * 48), '2 days');
  assert.equal(humanDuration(86400 * 20), '2 weeks');
  assert.equal(humanDuration(86400 * 90), '3 months');
  assert.equal(humanDuration(86400 * 365 * 3), '3 years');
});

test('goJson escapes like encoding/json and orders maps', () => {
  assert.equal(goJson({ b: '<a&b>', a: 1 }, { escapeHTML: true }), '{"b":"\\u003ca\\u0026b\\u003e","a":1}');
  assert.equal(goJson({ b: '<a&b>' }, { escapeHTML: false }), '{"b":"<a&b>"}');
  assert.equal(goJson('\u2028\n\t\u0001"\\', { escapeHTML: false }), '"\\u2028\\n\\t\\u0001\\"\\\\"');
  assert.equal(goJson('\b\f', { escapeHTML: false }), '"\\u0008\\u000c"', 'Go 1.19 has no short \\b \\f escapes');
  assert.equal(goJson({ x: undefined, y: null, z: [] }, { escapeHTML: true }), '{"y":null,"z":[]}');
  assert.equal(goJson({ a: [1, { b: {} }] }, { indent: '  ', escapeHTML: true }), '{\n  "a": [\n    1,\n    {\n      "b": {}\n    }\n  ]\n}');
  assert.deepEqual(Object.keys(goMap({ b: '1', B: '2', a: '3' })!), ['B', 'a', 'b']);
});

test('Go time formatting keeps offsets and trims fractions', () => {
  const t = parseGoTime('2021-06-01T10:00:00.000+02:00')!;
  assert.equal(formatRFC3339Nano(t), '2021-06-01T10:00:00+02:00');
  assert.equal(formatRFC3339Nano(parseGoTime('2026-11-28T06:52:49.77446052Z')!), '2026-11-28T06:52:49.77446052Z');
  assert.equal(formatRFC3339(parseGoTime('2026-11-28T06:52:49.77446052Z')!), '2026-11-28T06:52:49Z');
  assert.equal(formatRFC3339Nano(parseGoTime('2026-11-28T06:52:49.1+00:00')!), '2026-11-28T06:52:49.1Z');
  assert.equal(parseGoTime('2020-01-01T00:00:00-05:30')!.unix, Date.UTC(2020, 0, 1, 5, 30) / 1000);
  assert.equal(parseGoTime('yesterday'), undefined);
  assert.equal(formatGoUTCString(0), '1970-01-01 00:00:00 +0000 UTC');
});

test('formatRFC3339Nano in UTC writes what the field-by-field form writes, at the year limits too', () => {
  const byFields = (unix: number, nanos: number): string => {
    const d = new Date(unix * 1000);
    const p = (n: number, w: number) => String(n).padStart(w, '0');
    const frac = nanos ? '.' + p(nanos, 9).replace(/0+$/, '') : '';
    return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1, 2)}-${p(d.getUTCDate(), 2)}T${p(d.getUTCHours(), 2)}:${p(d.getUTCMinutes(), 2)}:${p(d.getUTCSeconds(), 2)}${frac}Z`;
  };
  const samples = [-62167219200, -62167219199, -1, 0, 1, 951782400, 1735689600, 253402300799];
  for (let i = 0; i < 500; i++) samples.push(Math.floor(-62167219200 + ((i * 2654435761) % 1000) * 315537897.6));
  for (const unix of samples) {
    for (const nanos of [0, 1, 500_000_000, 123_456_780]) {
      assert.equal(formatRFC3339Nano({ unix, nanos, offsetSeconds: null }), byFields(unix, nanos), `${unix}.${nanos}`);
    }
  }
});
