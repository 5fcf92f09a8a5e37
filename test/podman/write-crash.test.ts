/*
 * Crash safety: Strata writers are killed with SIGKILL at random moments, again and again. After
 * each kill the store must still be valid for podman (which finishes layer deletions flagged
 * incomplete), and finishing the job must end where an uninterrupted removal ends.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { podmanEnv, podmanTest, havePodman, type Driver, type TempStore } from '../helpers/podman';
import { CLI, buildFixture, copyStore, podmanRun, privateEvents, removeStore, strata } from '../helpers/writes';

/** Rounds per case; overlay rounds cost more podman time, so it gets fewer. */
const ROUNDS = 8;
const OVERLAY_ROUNDS = 4;
const fixtures = new Map<Driver, TempStore>();
const stores: TempStore[] = [];

before(() => {
  if (!havePodman()) return;
  privateEvents(fs.mkdtempSync('/tmp/strata-crash-events-'));
  for (const d of ['vfs', 'overlay'] as Driver[]) fixtures.set(d, buildFixture(d));
});

after(() => {
  for (const s of [...fixtures.values(), ...stores]) removeStore(s);
});

function fresh(driver: Driver): TempStore {
  const s = copyStore(fixtures.get(driver)!);
  stores.push(s);
  return s;
}

interface Img {
  id: string;
  names?: string[];
  layer?: string;
}
interface Lyr {
  id: string;
  parent?: string;
  flags?: Record<string, unknown>;
}

function readJson<T>(file: string): T[] {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  return text.trim() === '' ? [] : (JSON.parse(text) as T[]);
}

function state(s: TempStore): { images: Img[]; layers: Lyr[] } {
  return {
    images: readJson<Img>(path.join(s.root, `${s.driver}-images`, 'images.json')),
    layers: readJson<Lyr>(path.join(s.root, `${s.driver}-layers`, 'layers.json')),
  };
}

/** Runs strata and SIGKILLs it after `delayMs` (or lets it finish first). */
function killAfter(s: TempStore, args: string[], delayMs: number): Promise<{ killed: boolean; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...s.flags, ...args], { env: podmanEnv(s), stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.once('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', ms: Date.now() - started });
    });
  });
}

/**
 * When round `round` of `rounds` kills: a random moment in the round's own slice of the reference
 * run's duration, so the rounds spread over the whole run and the first ones kill early. Drawn
 * over the whole duration alike, every kill could land after a run that went faster than the
 * reference (which runs first, on cold caches), and then no run would have been killed at all.
 */
function killPoint(round: number, rounds: number, referenceMs: number): number {
  return ((round + Math.random()) / rounds) * referenceMs;
}

for (const driver of ['vfs', 'overlay'] as Driver[]) {
  test(`${driver}: rmi killed at random points leaves a store podman reads and finishes`, podmanTest(), async (t) => {
    // Where an uninterrupted removal ends, and how long it takes.
    const reference = fresh(driver);
    const full = await killAfter(reference, ['rmi', 'localhost/child:v1'], 600_000);
    assert.equal(full.killed, false);
    assert.equal(podmanRun(reference, ['image', 'prune', '-f']).status, 0);
    const want = state(reference);

    let killedInside = 0;
    let midway = 0;
    const start = state(fixtures.get(driver)!);
    const rounds = driver === 'vfs' ? ROUNDS : OVERLAY_ROUNDS;
    for (let round = 0; round < rounds; round++) {
      const s = fresh(driver);
      const r = await killAfter(s, ['rmi', 'localhost/child:v1'], killPoint(round, rounds, full.ms));
      if (r.killed) killedInside++;

      // Whatever the moment, the metadata parses and podman can read the store.
      const mid = state(s);
      assert.ok(mid.images.length > 0);
      const same = (a: { images: Img[]; layers: Lyr[] }, b: { images: Img[]; layers: Lyr[] }): boolean => JSON.stringify(a) === JSON.stringify(b);
      if (!same(mid, start) && !same(mid, want)) midway++;
      const list = podmanRun(s, ['images', '-a', '--format', '{{.ID}}']);
      assert.equal(list.status, 0, `round ${round}: podman images after the kill: ${list.stderr}`);
      // podman's load removed every layer Strata had flagged incomplete.
      assert.deepEqual(state(s).layers.filter((l) => l.flags?.incomplete), [], `round ${round}: incomplete layers left`);

      // Finishing the job: the removal again (if the image is still there), then a prune of what
      // was left dangling between two steps.
      const again = strata(s, ['rmi', '-i', 'localhost/child:v1']);
      assert.equal(again.status, 0, `round ${round}: ${again.stderr}`);
      assert.equal(podmanRun(s, ['image', 'prune', '-f']).status, 0);
      const got = state(s);
      assert.deepEqual(
        got.images.map((i) => [i.id, i.names]),
        want.images.map((i) => [i.id, i.names]),
        `round ${round}: images after recovery`,
      );
      // A kill between the image record and the layer markers leaves the chain as orphan layers,
      // exactly as with c/storage; anything else must be gone.
      const wanted = new Set(want.layers.map((l) => l.id));
      const used = new Set(got.images.map((i) => i.layer));
      for (const l of got.layers) {
        if (wanted.has(l.id)) continue;
        assert.ok(!used.has(l.id) && !l.flags, `round ${round}: unexpected layer ${l.id}`);
      }
      for (const l of want.layers) assert.ok(got.layers.some((g) => g.id === l.id), `round ${round}: layer ${l.id} lost`);
      // Layer files exist exactly for recorded layers; no staging area is left behind.
      const home = path.join(s.root, driver === 'vfs' ? 'vfs/dir' : 'overlay');
      const dirs = fs.readdirSync(home).filter((n) => /^[0-9a-f]{64}$/.test(n)).sort();
      assert.deepEqual(dirs, got.layers.map((l) => l.id).sort(), `round ${round}: layer directories`);
      assert.ok(!fs.existsSync(path.join(s.root, `${driver}-layers`, 'tmp')), `round ${round}: staging area left`);
      assert.equal(podmanRun(s, ['images']).status, 0);
    }
    t.diagnostic(`${killedInside} runs killed, ${midway} of them left a half-done removal`);
    // Not a timing assertion: the rounds must have exercised kills, or the test proved nothing.
    assert.ok(killedInside > 0, 'at least one run was killed before it finished');
  });
}

test('tag/untag killed at random points: names are all old or all new', podmanTest(), async () => {
  const s = fresh('vfs');
  const baseId = state(s).images.find((i) => i.names?.includes('localhost/base:v1'))!.id;
  const timing = await killAfter(s, ['tag', baseId, 'k:0'], 600_000);
  let killed = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    if (round % 2 && !(state(s).images.find((i) => i.id === baseId)!.names ?? []).includes(`localhost/k:${round - 1}`)) {
      // The previous round was killed before its write: give the untag something to remove.
      assert.equal(strata(s, ['tag', baseId, `k:${round - 1}`]).status, 0);
    }
    const before = state(s).images.find((i) => i.id === baseId)!.names ?? [];
    const args = round % 2 ? ['untag', baseId, `k:${round - 1}`] : ['tag', baseId, `k:${round}`, `k2:${round}`];
    const r = await killAfter(s, args, killPoint(round - 1, ROUNDS, timing.ms));
    if (r.killed) killed++;
    const after = state(s).images.find((i) => i.id === baseId)!.names ?? [];
    const changed =
      round % 2
        ? before.filter((n) => n !== `localhost/k:${round - 1}`)
        : [...before, `localhost/k:${round}`, `localhost/k2:${round}`];
    assert.ok(
      JSON.stringify(after) === JSON.stringify(before) || JSON.stringify(after) === JSON.stringify(changed),
      `round ${round}: names ${JSON.stringify(after)} are neither ${JSON.stringify(before)} nor ${JSON.stringify(changed)}`,
    );
    assert.equal(podmanRun(s, ['images']).status, 0);
  }
  assert.ok(killed > 0, 'at least one run was killed before it finished');
});
