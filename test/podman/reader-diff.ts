/*
 * The differential suite shared by reader-diff-vfs.test.ts and reader-diff-overlay.test.ts (one
 * file per driver so the two fixture stores are built and compared in parallel): for every image
 * of the fixture store, Strata's CLI output must equal podman's, field by field and byte by byte
 * wherever podman's output is deterministic.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { podmanTest, type Driver } from '../helpers/podman';
import { fixtureStore, podmanAt, strataAt, strataOk, type FixtureStore } from '../fixtures/podman-fixtures';
import { Store } from '../../src/store/store';
import { realEnvironment } from '../../src/store/config';
import type { ImageEntry, StoreSnapshot } from '../../src/store/snapshot';
import { imageHistory, formatHistoryJson, formatHistoryTable } from '../../src/store/history';
import { formatImageTree } from '../../src/store/image-tree';
import { tempDir } from '../helpers/temp-dir';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Row = Record<string, Json>;

/** Go encoding/json's default HTML-safe escaping, applied to JSON.stringify's output. */
export function goEscape(text: string): string {
  return text.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * Checks that `raw` is exactly the canonical rendering of its own parse (so comparing parsed
 * values loses nothing: indentation, key order and escaping are checked here).
 */
function assertCanonical(raw: string, indent: number, htmlEscape: boolean, what: string): Json {
  const parsed = JSON.parse(raw) as Json;
  const again = JSON.stringify(parsed, null, indent);
  // Go prints an empty array as [] and an empty object as {} at any indent, like JSON.stringify.
  assert.equal(raw, (htmlEscape ? goEscape(again) : again) + '\n', `${what}: not in podman's JSON layout`);
  return parsed;
}

/**
 * podman sorts `images` by created (whole seconds, newest first) with Go's unstable sort.slice: the
 * order of rows with the same key is not defined. Equal means: the same sequence of keys, and in
 * each run of equal keys the same multiset of rows (each row compared as text, key order included).
 */
function assertSameImageRows(ours: Row[], theirs: Row[], what: string): void {
  assert.deepEqual(
    ours.map((r) => r.Created),
    theirs.map((r) => r.Created),
    `${what}: row count or created order differs`,
  );
  const groups = (rows: Row[]): string[][] => {
    const out: string[][] = [];
    let last: Json | undefined;
    for (const r of rows) {
      if (out.length === 0 || r.Created !== last) out.push([]);
      out[out.length - 1]!.push(JSON.stringify(r));
      last = r.Created;
    }
    return out.map((g) => g.sort());
  };
  const a = groups(ours);
  const b = groups(theirs);
  for (let i = 0; i < b.length; i++) {
    if (JSON.stringify(a[i]) === JSON.stringify(b[i])) continue;
    // Name the first differing field of the first differing row, for a readable failure.
    const ra = a[i]!.map((t) => JSON.parse(t) as Row);
    const rb = b[i]!.map((t) => JSON.parse(t) as Row);
    for (let j = 0; j < rb.length; j++) {
      const x = ra[j]!;
      const y = rb[j]!;
      assert.deepEqual(Object.keys(x), Object.keys(y), `${what}: keys of row for ${String(y.Id)}`);
      for (const k of Object.keys(y)) assert.deepEqual(x[k], y[k], `${what}: ${String(y.Id).slice(0, 12)} field ${k}`);
    }
    assert.fail(`${what}: rows differ`);
  }
}

/** Replaces relative CREATED cells ("3 minutes ago") so tables taken moments apart compare equal. */
function normaliseRelative(line: string): string {
  return line.replace(/(Less than a second|About an? \w+|\d+ \w+) ago/g, '<T> ago').replace(/ {2,}/g, '  ').trimEnd();
}

/** True when the image's manifest is a manifest list or OCI index. */
export function isManifestList(store: Store, image: ImageEntry): boolean {
  try {
    const m = JSON.parse(store.readImageBigDataUnlocked(image, 'manifest').toString('utf8')) as { mediaType?: string; manifests?: unknown };
    return Array.isArray(m.manifests);
  } catch {
    return false;
  }
}

export function readerDiffSuite(driver: Driver): void {
  let fx: FixtureStore;
  let ids: string[] = [];
  let listIds: string[] = [];

  before(async () => {
    if (podmanTest().skip) return;
    fx = await fixtureStore(driver);
    ids = (JSON.parse(podmanAt(fx, ['images', '-a', '--format', 'json'])) as Row[]).map((r) => String(r.Id));
    ids = [...new Set(ids)];
    // podman resolves a manifest list's ID to the instance for this platform (tested in
    // lookup-diff.test.ts); everything else about images is compared per ID.
    const store = Store.open({ environment: { ...realEnvironment(), env: fx.env } });
    const snap = await store.snapshot();
    listIds = ids.filter((id) => isManifestList(store, snap.imageById.get(id)!));
    ids = ids.filter((id) => !listIds.includes(id));
  });

  const opts = podmanTest();

  test(`${driver}: the fixture has every case issue 2 asks for`, opts, () => {
    const rows = JSON.parse(podmanAt(fx, ['images', '-a', '--format', 'json'])) as Row[];
    const names = rows.flatMap((r) => (r.Names as string[] | null) ?? []);
    for (const n of ['myregistry:5000/ns/app:1', 'docker.io/library/busybox:1.36', 'localhost/app:1', 'localhost/list:1', 'quay.io/example/ro-app:2']) {
      assert.ok(names.includes(n), `missing ${n}`);
    }
    assert.ok(rows.some((r) => r.Dangling === true), 'a dangling image');
    assert.ok(rows.some((r) => r.ReadOnly === true), 'an image in the additional store');
    assert.ok(rows.some((r) => (r.Containers as number) > 0), 'an image used by a container');
    const shown = JSON.parse(podmanAt(fx, ['images', '--format', 'json'])) as Row[];
    assert.ok(new Set(rows.map((r) => r.Id)).size > new Set(shown.map((r) => r.Id)).size, 'intermediate images hidden without -a');
    assert.ok(ids.length >= 20, `only ${ids.length} images`);
    assert.equal(listIds.length, 1, 'one manifest list');
  });

  for (const all of [false, true]) {
    const flag = all ? ['-a'] : [];
    test(`${driver}: images ${flag.join(' ')} --format json equals podman's`, opts, (t) => {
      const theirs = assertCanonical(podmanAt(fx, ['images', ...flag, '--format', 'json']), 4, true, 'podman images') as Row[];
      // Without the listing cache, then with a cold one (it is written) and a warm one (read back).
      const cacheDir = tempDir(t, 'strata-facts-');
      const runs: Array<[string, NodeJS.ProcessEnv]> = [
        ['no cache', { ...fx.env, STRATA_NO_CACHE: '1' }],
        ['cold cache', { ...fx.env, STRATA_CACHE_DIR: cacheDir }],
        ['warm cache', { ...fx.env, STRATA_CACHE_DIR: cacheDir }],
      ];
      for (const [what, env] of runs) {
        const r = strataAt(fx, ['images', ...flag, '--format', 'json'], [], env);
        assert.equal(r.status, 0, r.stderr);
        const ours = assertCanonical(r.stdout, 4, true, `strata images (${what})`) as Row[];
        assertSameImageRows(ours, theirs, `images ${flag.join(' ')} (${what})`);
        if (what === 'cold cache') assert.equal(fs.readdirSync(cacheDir).length, 1, 'the cold run wrote the cache');
      }
    });

    test(`${driver}: images ${flag.join(' ')} table equals podman's (relative times normalised)`, opts, () => {
      const theirs = podmanAt(fx, ['images', ...flag]).split('\n');
      const ours = strataOk(fx, ['images', ...flag]).split('\n');
      assert.equal(normaliseRelative(ours[0]!), normaliseRelative(theirs[0]!), 'header');
      assert.deepEqual(ours.slice(1).map(normaliseRelative).sort(), theirs.slice(1).map(normaliseRelative).sort());
    });
  }

  test(`${driver}: images --format json with --root/--runroot/--storage-driver on the additional store's tree`, opts, () => {
    // podman drops additionalimagestores when --root is given; use the read-only store as a primary.
    const ro = fx.additionalRoot;
    const flags = ['--root', ro, '--runroot', path.join(path.dirname(ro), 'run'), '--storage-driver', driver];
    const theirs = assertCanonical(podmanAt(fx, ['images', '-a', '--format', 'json'], flags), 4, true, 'podman images') as Row[];
    const ours = assertCanonical(strataOk(fx, ['images', '-a', '--format', 'json'], flags), 4, true, 'strata images') as Row[];
    assert.ok(theirs.length >= 2);
    assertSameImageRows(ours, theirs, 'images -a --root');
  });

  test(`${driver}: inspect of every image equals podman image inspect, field by field and as text`, opts, () => {
    const theirsRaw = podmanAt(fx, ['image', 'inspect', ...ids]);
    const oursRaw = strataOk(fx, ['inspect', ...ids]);
    const theirs = JSON.parse(theirsRaw) as Row[];
    const ours = JSON.parse(oursRaw) as Row[];
    assert.equal(ours.length, theirs.length);
    theirs.forEach((t, i) => {
      const o = ours[i]!;
      const id = String(t.Id).slice(0, 12);
      for (const k of Object.keys(t)) assert.deepEqual(o[k], t[k], `inspect ${id}: ${k}`);
      assert.deepEqual(Object.keys(o), Object.keys(t), `inspect ${id}: keys and their order`);
    });
    assert.equal(oursRaw, theirsRaw, 'inspect text (indentation, escaping)');
  });

  // Per-image outputs go through the library in-process (the very functions the CLI commands call),
  // which keeps the suite to one podman call per image and output; the CLI is checked on a sample.
  const lib = async (): Promise<{ store: Store; snap: StoreSnapshot }> => {
    const store = Store.open({ environment: { ...realEnvironment(), env: fx.env } });
    return { store, snap: await store.snapshot() };
  };
  const entry = (snap: StoreSnapshot, id: string): ImageEntry => {
    const e = snap.imageById.get(id);
    assert.ok(e, `image ${id} not in Strata's snapshot`);
    return e;
  };
  const SAMPLE = ['localhost/app:1', 'localhost/base:1', 'localhost/on-ro:1', 'localhost/scratch:1', 'quay.io/example/ro-app:2'];

  test(`${driver}: history --format json of every image equals podman's`, opts, async () => {
    const { store, snap } = await lib();
    for (const id of ids) {
      const ours = formatHistoryJson(imageHistory(store, snap, entry(snap, id)));
      assert.equal(ours, podmanAt(fx, ['history', '--format', 'json', id]), `history ${id.slice(0, 12)}`);
    }
    for (const n of SAMPLE) assert.equal(strataOk(fx, ['history', '--format', 'json', n]), podmanAt(fx, ['history', '--format', 'json', n]), `strata history ${n}`);
  });

  test(`${driver}: history tables equal podman's (--human=false exactly, human with times normalised)`, opts, async () => {
    const { store, snap } = await lib();
    for (const id of ids) {
      const ours = formatHistoryTable(imageHistory(store, snap, entry(snap, id)), { noTrunc: false, human: false });
      assert.equal(ours, podmanAt(fx, ['history', '--human=false', id]), `history -H=false ${id.slice(0, 12)}`);
    }
    for (const n of SAMPLE) {
      assert.equal(strataOk(fx, ['history', '--human=false', n]), podmanAt(fx, ['history', '--human=false', n]), `strata history -H=false ${n}`);
      for (const extra of [['--no-trunc'], []]) {
        const ours = strataOk(fx, ['history', ...extra, n]).split('\n').map(normaliseRelative);
        const theirs = podmanAt(fx, ['history', ...extra, n]).split('\n').map(normaliseRelative);
        assert.deepEqual(ours, theirs, `history ${extra.join(' ')} ${n}`);
      }
    }
  });

  test(`${driver}: tree and tree --whatrequires of every image equal podman image tree`, opts, async () => {
    const { snap } = await lib();
    for (const id of ids) {
      const e = entry(snap, id);
      assert.equal(formatImageTree(snap, e, false), podmanAt(fx, ['image', 'tree', id]), `tree ${id.slice(0, 12)}`);
      assert.equal(formatImageTree(snap, e, true), podmanAt(fx, ['image', 'tree', '--whatrequires', id]), `tree --whatrequires ${id.slice(0, 12)}`);
    }
    for (const n of SAMPLE) {
      assert.equal(strataOk(fx, ['tree', n]), podmanAt(fx, ['image', 'tree', n]), `strata tree ${n}`);
      assert.equal(strataOk(fx, ['tree', '--whatrequires', n]), podmanAt(fx, ['image', 'tree', '--whatrequires', n]), `strata tree --whatrequires ${n}`);
    }
  });
}
