import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatG, humanAge, humanDuration, humanSize } from '../../../src/shared/human-format';

// Expected strings are what go-units prints (archives-and-references.md §12.1), space inserted as podman does.
test('humanSize matches podman history/images sizes', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [1, '1 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [2048, '2.05 kB'],
    [10240, '10.2 kB'],
    [999_499, '999 kB'],
    [999_500, '1e+03 kB'],
    [5_600_000, '5.6 MB'],
    [1_234_567_890, '1.23 GB'],
    [7.5e18, '7.5 EB'],
  ];
  for (const [bytes, want] of cases) assert.equal(humanSize(bytes), want, `humanSize(${bytes})`);
});

test('formatG follows Go %g: exponent form only outside [-4, precision)', () => {
  assert.equal(formatG(0.0001234, 3), '0.000123');
  assert.equal(formatG(0.00001234, 3), '1.23e-05');
  assert.equal(formatG(123, 3), '123');
  assert.equal(formatG(1234, 3), '1.23e+03');
  assert.equal(formatG(100, 3), '100');
  assert.equal(formatG(1.5, 3), '1.5');
});

test('humanDuration follows go-units boundaries', () => {
  const s = 1000;
  const h = 3600 * s;
  const cases: [number, string][] = [
    [500, 'Less than a second'],
    [-5 * s, 'Less than a second'],
    [1 * s, '1 second'],
    [59 * s, '59 seconds'],
    [60 * s, 'About a minute'],
    [119 * s, 'About a minute'],
    [120 * s, '2 minutes'],
    [59 * 60 * s, '59 minutes'],
    [60 * 60 * s, 'About an hour'],
    [90 * 60 * s, '2 hours'],
    [47 * h, '47 hours'],
    [48 * h, '2 days'],
    [13 * 24 * h, '13 days'],
    [14 * 24 * h, '2 weeks'],
    [59 * 24 * h, '8 weeks'],
    [60 * 24 * h, '2 months'],
    [729 * 24 * h, '24 months'],
    [730 * 24 * h, '2 years'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `humanDuration(${ms})`);
});

test('humanAge reads RFC 3339 with nanoseconds and offsets, and hides Go zero time', () => {
  const now = Date.parse('2026-11-28T08:00:00Z');
  assert.equal(humanAge('2026-11-28T06:49:51.000186968Z', now), 'About an hour ago');
  assert.equal(humanAge('2026-11-28T08:00:00+02:00', now), '2 hours ago');
  assert.equal(humanAge('0001-01-01T00:00:00Z', now), null);
  assert.equal(humanAge('', now), null);
  assert.equal(humanAge('yesterday', now), null);
  assert.equal(humanAge(null, now), null);
});
