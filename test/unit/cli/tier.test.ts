import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const TIER = path.resolve(__dirname, '../../../src/cli/tier.js');

// %GetOptimizationStatus's bit for "optimized" (TurboFan or Maglev code), as V8 11-12 define it.
const OPTIMIZED = 1 << 4;

/** Whether a hot function reaches optimized code after tierForListing(images). */
function optimizedAfter(images: number): boolean {
  const script = `
    require(${JSON.stringify(TIER)}).tierForListing(${images});
    function hot(a) { let s = 0; for (let i = 0; i < 100; i++) s += (a * i) % 7; return s; }
    let status = 0;
    for (let round = 0; round < 20 && !(status & ${OPTIMIZED}); round++) {
      for (let i = 0; i < 100000; i++) hot(i);
      status = %GetOptimizationStatus(hot);
    }
    process.stdout.write(String(status));`;
  // Synchronous compilation: the function is optimized, or not, before the status is read.
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'V8 knows the flag');
  return (Number(r.stdout) & OPTIMIZED) !== 0;
}

test('a listing of a small store keeps code at the baseline tier; a large store gets optimized code', () => {
  assert.equal(optimizedAfter(1_000), false);
  assert.equal(optimizedAfter(2_000), false);
  assert.equal(optimizedAfter(10_000), true);
});
