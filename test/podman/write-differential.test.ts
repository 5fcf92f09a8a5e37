/*
 * Differential tests of Strata's tag/untag/rmi: the same command is run by podman on one copy of
 * a fixture store and by Strata on another; stdout, exit code, images.json, layers.json and the
 * files on disk must come out the same. Afterwards podman must keep working on Strata's copy.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { podmanTest, havePodman, type Driver, type TempStore } from '../helpers/podman';
import { buildFixture, copyStore, diskTree, metadata, podmanRun, privateEvents, removeStore, strata } from '../helpers/writes';

const fixtures = new Map<Driver, TempStore>();
const copies: TempStore[] = [];
let eventsLog = '';

before(() => {
  if (!havePodman()) return;
  const dir = fs.mkdtempSync('/tmp/strata-writes-events-');
  eventsLog = privateEvents(dir);
  for (const d of ['vfs', 'overlay'] as Driver[]) fixtures.set(d, buildFixture(d));
});

after(() => {
  for (const s of [...fixtures.values(), ...copies]) removeStore(s);
});

function pair(driver: Driver): { a: TempStore; b: TempStore } {
  const src = fixtures.get(driver)!;
  const a = copyStore(src);
  const b = copyStore(src);
  copies.push(a, b);
  return { a, b };
}

/** Runs each command with podman on `a` and Strata on `b`, comparing as it goes. */
function same(a: TempStore, b: TempStore, commands: string[][]): void {
  for (const args of commands) {
    const p = podmanRun(a, args);
    const s = strata(b, args);
    const what = `${args.join(' ')}\npodman stderr: ${p.stderr}\nstrata stderr: ${s.stderr}`;
    assert.equal(s.stdout, p.stdout, `stdout of ${what}`);
    assert.equal(s.status, p.status, `exit code of ${what}`);
    const pm = metadata(a);
    const sm = metadata(b);
    assert.equal(sm.images, pm.images, `images.json after ${args.join(' ')}`);
    assert.equal(sm.layers, pm.layers, `layers.json after ${args.join(' ')}`);
    assert.deepEqual(diskTree(b), diskTree(a), `files on disk after ${args.join(' ')}`);
  }
}

/** podman keeps working on a store Strata changed. */
function podmanStillWorks(store: TempStore): void {
  const list = podmanRun(store, ['images', '-a', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}']);
  assert.equal(list.status, 0, list.stderr);
  const ids = [...new Set(list.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' ')[0]!))];
  if (ids.length === 0) return;
  const inspect = podmanRun(store, ['image', 'inspect', ...ids]);
  assert.equal(inspect.status, 0, `podman image inspect: ${inspect.stderr}`);
  for (const id of ids) {
    const r = podmanRun(store, ['history', id]);
    assert.equal(r.status, 0, `podman history ${id}: ${r.stderr}`);
  }
  const out = path.join(store.dir, 'save.tar');
  const saved = podmanRun(store, ['save', '-o', out, ids[0]!]);
  assert.equal(saved.status, 0, `podman save: ${saved.stderr}`);
  fs.rmSync(out);
  if (ids[0]) {
    const t = podmanRun(store, ['tag', ids[0], 'localhost/after-strata:1']);
    assert.equal(t.status, 0, t.stderr);
    const rm = podmanRun(store, ['untag', ids[0], 'localhost/after-strata:1']);
    assert.equal(rm.status, 0, rm.stderr);
  }
  assert.equal(podmanRun(store, ['images']).stderr, '', 'podman images warns about nothing');
}

for (const driver of ['vfs', 'overlay'] as Driver[]) {
  test(`${driver}: tag moves names like c/storage SetNames, history included`, podmanTest(), () => {
    const { a, b } = pair(driver);
    same(a, b, [
      ['tag', 'localhost/base:v1', 'x:1', 'registry.example.com/team/app:2.0'],
      // child:v1 is taken from the child image, which becomes dangling.
      ['tag', 'base:v2', 'child:v1'],
      ['tag', 'localhost/base:v1', 'x:1'],
    ]);
    podmanStillWorks(b);
  });

  test(`${driver}: untag given names, then all names`, podmanTest(), () => {
    const { a, b } = pair(driver);
    same(a, b, [
      ['untag', 'localhost/base:v1', 'base:v2', 'localhost/other'],
      ['untag', 'localhost/child:v1'],
      ['untag', 'localhost/base:v1'],
    ]);
    podmanStillWorks(b);
  });

  test(`${driver}: rmi by one of several names only untags; by ID needs --force`, podmanTest(), () => {
    const { a, b } = pair(driver);
    const id = JSON.parse(metadata(a).images).find((i: { names?: string[] }) => i.names?.includes('localhost/base:v1')).id as string;
    same(a, b, [
      ['rmi', 'base:v2'],
      ['rmi', id.slice(0, 12)],
      ['rmi', 'localhost/other:latest', 'nosuch:1'],
    ]);
    podmanStillWorks(b);
  });

  test(`${driver}: rmi of a child deletes its private layers and prunes the dangling intermediate`, podmanTest(), () => {
    const { a, b } = pair(driver);
    same(a, b, [['rmi', 'localhost/child:v1']]);
    podmanStillWorks(b);
  });

  test(`${driver}: rmi of a parent with children keeps the layers; the last child then takes it along`, podmanTest(), () => {
    const { a, b } = pair(driver);
    const id = JSON.parse(metadata(a).images).find((i: { names?: string[] }) => i.names?.includes('localhost/base:v1')).id as string;
    same(a, b, [
      ['rmi', '--force', id],
      ['rmi', 'child:v1'],
    ]);
    podmanStillWorks(b);
  });

  test(`${driver}: rmi refuses an image a container uses, and carries on with the others`, podmanTest(), () => {
    const { a, b } = pair(driver);
    const p = podmanRun(a, ['rmi', 'localhost/ctr:v1', 'localhost/child:v1']);
    const s = strata(b, ['rmi', 'localhost/ctr:v1', 'localhost/child:v1']);
    assert.equal(s.status, 2);
    assert.equal(p.status, 2);
    assert.equal(s.stdout, p.stdout);
    assert.match(s.stderr, /in use by container c1 \([0-9a-f]{12}\).*podman rm c1/);
    assert.deepEqual(metadata(b), metadata(a));
    assert.deepEqual(diskTree(b), diskTree(a));
    // --force does not make Strata delete containers.
    const f = strata(b, ['rmi', '-f', 'localhost/ctr:v1']);
    assert.equal(f.status, 2);
    assert.match(f.stderr, /podman rm c1/);
    assert.deepEqual(metadata(b), metadata(a));
  });
}

test('events: Strata appends the records podman writes for tag, untag and rmi', podmanTest(), () => {
  const { a, b } = pair('vfs');
  const ops = [
    ['tag', 'localhost/base:v1', 'ev:1'],
    ['untag', 'localhost/base:v1', 'ev:1'],
    ['rmi', 'base:v2'],
    ['rmi', 'localhost/child:v1'],
  ];
  const shape = (lines: string[]): unknown[] =>
    lines.map((l) => {
      const e = JSON.parse(l) as Record<string, unknown>;
      assert.match(String(e.Time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
      return { ...e, Time: '<time>' };
    });
  const run = (fn: (args: string[]) => void): string[] => {
    const before = fs.existsSync(eventsLog) ? fs.readFileSync(eventsLog, 'utf8').length : 0;
    for (const args of ops) fn(args);
    // podman also logs a "system refresh" event when it first meets a fresh runroot: only image
    // events are the operations' own.
    return fs
      .readFileSync(eventsLog, 'utf8')
      .slice(before)
      .split('\n')
      .filter((l) => l && (JSON.parse(l) as { Type?: string }).Type === 'image');
  };
  const podmanLines = run((args) => assert.equal(podmanRun(a, args).status, 0));
  const strataLines = run((args) => assert.equal(strata(b, args).status, 0));
  assert.ok(podmanLines.length >= ops.length, `podman logged ${podmanLines.length} image events`);
  assert.deepEqual(shape(strataLines), shape(podmanLines));
  // podman itself reads them back.
  const ev = podmanRun(b, ['events', '--stream=false', '--filter', 'event=untag', '--format', '{{.Name}}']);
  assert.equal(ev.status, 0, ev.stderr);
  assert.match(ev.stdout, /localhost\/ev:1/);
});
