/*
 * A minimal in-host test runner (node:assert style): suites register tests with `test()`, index.ts
 * runs them in order and rejects if any failed. Output goes through console.log, which the
 * workbench forwards to the harness (window.codeAutomationLog). Same contract as under
 * @vscode/test-electron: the module exports run(): Promise<void>.
 */

export interface TestCase {
  name: string;
  fn: () => Promise<void> | void;
  /** Evaluated when the test is reached (capabilities are known only once the server runs). */
  skip?: () => string | undefined;
}

const cases: TestCase[] = [];
const TEST_TIMEOUT_MS = 90_000;

export function test(name: string, fn: () => Promise<void> | void, opts: { skip?: () => string | undefined } = {}): void {
  cases.push({ name, fn, ...opts });
}

/** Bounded wait on a real condition (an event already fired, or a state reached): rejects after `ms`. */
export async function waitFor<T>(what: string, f: () => Promise<T | undefined> | T | undefined, wake: (cb: () => void) => { dispose(): void }, ms = 15_000): Promise<T> {
  const first = await f();
  if (first !== undefined) return first;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const sub = wake(() => {
      void Promise.resolve(f()).then((v) => {
        if (done || v === undefined) return;
        done = true;
        clearTimeout(timer);
        sub.dispose();
        resolve(v);
      });
    });
  });
}

export async function runAll(): Promise<void> {
  let failed = 0;
  let passed = 0;
  let skipped = 0;
  for (const c of cases) {
    const why = c.skip?.();
    if (why) {
      skipped++;
      console.log(`[suite] - skip: ${c.name} (${why})`);
      continue;
    }
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      // One hung test must not hang the suite: each gets a bound, after which it fails.
      await Promise.race([
        Promise.resolve().then(c.fn),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`test did not finish within ${TEST_TIMEOUT_MS / 1000} s`)), TEST_TIMEOUT_MS);
        }),
      ]);
      passed++;
      console.log(`[suite] ✓ ${c.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`[suite] ✗ ${c.name}\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } finally {
      clearTimeout(timer);
    }
  }
  console.log(`[suite] ${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (failed > 0) throw new Error(`${failed} in-host test(s) failed`);
}
