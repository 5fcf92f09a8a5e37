/*
 * Name resolution against the oracle: for a table of inputs (names, short names, path suffixes,
 * ID prefixes of several lengths, sha256: forms, name@digest, transports, bogus input), lookupImage
 * must find exactly the image `podman image inspect --format {{.Id}} INPUT` finds, or fail where
 * podman fails, with podman's message. Also normalizeName against `podman tag` and the reference
 * filter against `podman images PATTERN`.
 *
 * Both sides read the same registries.conf (CONTAINERS_REGISTRIES_CONF points at a file written
 * here) so the machine's own file does not matter. c/image still reads the registries.conf.d
 * drop-ins with that variable set; so does Strata, which the test thereby also checks.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTar, rootfsEntries, fixtureStore, type FixtureStore } from '../fixtures/podman-fixtures';
import { podmanEnv, podmanTest, tempStore, type TempStore } from '../helpers/podman';
import { realEnvironment } from '../../src/store/config';
import { isStoreError } from '../../src/store/errors';
import { lookupImage } from '../../src/store/lookup';
import { normalizeName } from '../../src/store/reference';
import { filterImagesByReference } from '../../src/store/reference-filter';
import { loadRegistriesConfig, realRegistriesEnvironment, type RegistriesConfig } from '../../src/store/registries';
import type { StoreSnapshot } from '../../src/store/snapshot';
import { Store } from '../../src/store/store';

const opts = podmanTest();

/** What a lookup gave: the image ID, a lookup error, or (podman only) an image found but not inspectable. */
interface Outcome {
  id?: string;
  error?: string;
  inspectFailed?: string;
}

let st: TempStore;
let regFile: string;
let env: NodeJS.ProcessEnv;
let registries: RegistriesConfig;
const imageIds: Record<string, string> = {};

function run(args: string[], e: NodeJS.ProcessEnv = env, flags: string[] = st.flags): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('podman', [...flags, ...args], { env: e, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[], e: NodeJS.ProcessEnv = env): string {
  const r = run(args, e);
  if (r.status !== 0) throw new Error(`podman ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Strata's answer, AmbiguousImage mapped to the "image not known" podman gives for it. */
function strataLookup(snapshot: StoreSnapshot, input: string, lookupRegistries: RegistriesConfig): Outcome {
  try {
    return { id: lookupImage(snapshot, input, { registries: lookupRegistries }).image.record.id };
  } catch (e) {
    if (!isStoreError(e)) throw e;
    if (e.code === 'AmbiguousImage') {
      const expected = snapshot.images.filter((i) => i.record.id.startsWith(input)).map((i) => i.record.id).sort();
      const candidates = (e.detail.candidates as { id: string }[]).map((c) => c.id).sort();
      assert.deepEqual(candidates, expected, `candidates for ${input}`);
      assert.ok(candidates.length > 1);
      return { error: `${input}: image not known` };
    }
    // podman leaves the input out of this one message; ours names it.
    if (e.code === 'ImageNotKnown' && e.detail.transport === 'containers-storage') return { error: 'image not known' };
    return { error: e.message };
  }
}

/**
 * podman image inspect of many inputs in as few runs as possible (each run costs most of a
 * second). Inputs are grouped by the outcome Strata predicts: a group of hits must all succeed
 * (IDs come out in input order), a group of misses must all fail (errors come out in input
 * order, the first one last). Any other result falls back to one run per input.
 */
function podmanLookups(inputs: string[], predicted: Outcome[], e: NodeJS.ProcessEnv, flags: string[]): Outcome[] {
  const out: Outcome[] = new Array(inputs.length);
  const hits = inputs.map((_, i) => i).filter((i) => predicted[i]!.id !== undefined);
  const misses = inputs.map((_, i) => i).filter((i) => predicted[i]!.id === undefined);
  const single = (i: number): void => {
    const r = run(['image', 'inspect', '--format', '{{.Id}}', inputs[i]!], e, flags);
    if (r.status === 0) out[i] = { id: r.stdout.trim() };
    else {
      const line = r.stderr.trim().split('\n').pop() ?? '';
      out[i] = line.startsWith('Error: inspecting object: ') ? { error: line.slice('Error: inspecting object: '.length) } : { inspectFailed: line };
    }
  };
  const batch = (group: number[], expectHits: boolean): void => {
    if (group.length === 0) return;
    if (group.length === 1) return single(group[0]!);
    const r = run(['image', 'inspect', '--format', '{{.Id}}', ...group.map((i) => inputs[i]!)], e, flags);
    const ids = r.stdout.split('\n').filter(Boolean);
    const errLines = r.stderr.split('\n').filter(Boolean);
    if (expectHits && r.status === 0 && ids.length === group.length) {
      group.forEach((i, k) => (out[i] = { id: ids[k] }));
    } else if (
      !expectHits && r.status !== 0 && ids.length === 0 && errLines.length === group.length &&
      errLines.slice(0, -1).every((l) => l.startsWith('error inspecting object: ')) && errLines.at(-1)!.startsWith('Error: inspecting object: ')
    ) {
      const errors = [errLines.at(-1)!.slice('Error: inspecting object: '.length), ...errLines.slice(0, -1).map((l) => l.slice('error inspecting object: '.length))];
      group.forEach((i, k) => (out[i] = { error: errors[k] }));
    } else {
      // Someone in the group behaves otherwise (or stops the run): halve until it is alone.
      const mid = group.length >> 1;
      batch(group.slice(0, mid), expectHits);
      batch(group.slice(mid), expectHits);
    }
  };
  batch(hits, true);
  batch(misses, false);
  return out;
}

function compareAll(snapshot: StoreSnapshot, inputList: string[], e: NodeJS.ProcessEnv, flags: string[]): void {
  const inputs = [...new Set(inputList)];
  const ours = inputs.map((input) => strataLookup(snapshot, input, registries));
  const theirs = podmanLookups(inputs, ours, e, flags);
  inputs.forEach((input, i) => {
    const want = theirs[i]!;
    // podman found the image (a manifest list) but could not inspect it: the lookup itself agreed.
    if (want.inspectFailed !== undefined) assert.ok(ours[i]!.id, `${input}: podman found an image (${want.inspectFailed}), Strata: ${ours[i]!.error}`);
    else assert.deepEqual(ours[i], want, `lookup of ${JSON.stringify(input)}`);
  });
}

before(async () => {
  if (opts.skip) return;
  st = tempStore('vfs', 'strata-lookup-');
  regFile = path.join(st.dir, 'registries.conf');
  fs.writeFileSync(regFile, 'unqualified-search-registries = ["quay.io", "docker.io"]\n\n[aliases]\n"aliased" = "quay.io/example/aliased"\n');
  env = { ...podmanEnv(st), CONTAINERS_REGISTRIES_CONF: regFile };
  registries = loadRegistriesConfig({ ...realRegistriesEnvironment(), env });

  const importTar = async (flavour: string, name?: string): Promise<string> => {
    const tar = path.join(st.dir, `${flavour}.tar`);
    fs.writeFileSync(tar, await makeTar(rootfsEntries(flavour)));
    return ok(['import', '-q', tar, ...(name ? [name] : [])]).replace(/^sha256:/, '');
  };
  imageIds.A = await importTar('lookup-a', 'localhost/app:latest');
  imageIds.B = await importTar('lookup-b', 'docker.io/library/alpine:latest');
  imageIds.C = await importTar('lookup-c', 'localhost/alpine:latest');
  imageIds.D = await importTar('lookup-d', 'quay.io/web:latest');
  imageIds.E = await importTar('lookup-e', 'docker.io/library/web:latest');
  // Unnamed images until two IDs share a first character, so a one-character prefix is ambiguous.
  for (let i = 0; ; i++) {
    const firsts = Object.values(imageIds).map((x) => x[0]);
    if (new Set(firsts).size < firsts.length) break;
    imageIds[`X${i}`] = await importTar(`lookup-x${i}`);
  }
  ok(['tag', 'localhost/app:latest', 'quay.io/example/app:1.0', 'localhost/myrepo/app2:latest', 'host:5000/ns/tool:2', 'localhost:5000/foo', 'docker.io/library/busybox:latest', 'docker.io/someuser/tool:latest']);
  ok(['tag', 'quay.io/web:latest', 'quay.io/example/aliased:latest']);
  // A name that is also a prefix of another image's ID: names win.
  ok(['tag', 'localhost/app:latest', `localhost/${imageIds.B!.slice(0, 4)}`]);
});

after(() => {
  if (!opts.skip) st.remove();
});

function snapshotOf(): Promise<StoreSnapshot> {
  const store = Store.open({ config: { graphRoot: st.root, runRoot: st.runroot, driver: 'vfs', driverOptions: [], additionalImageStores: [], transientStore: false, rootless: false } });
  return store.snapshot();
}

test('lookupImage finds what podman image inspect finds', opts, async () => {
  const snap = await snapshotOf();
  const A = imageIds.A!;
  const digestA = ok(['image', 'inspect', '--format', '{{.Digest}}', A]);
  const inputs = [
    'app', 'app:latest', 'localhost/app', 'localhost/app:latest', 'quay.io/example/app:1.0', 'app:1.0', 'example/app:1.0',
    'xample/app:1.0', 'quay.io/app:1.0', 'app:2.0', 'app2', 'myrepo/app2', 'localhost/myrepo/app2', 'host:5000/ns/tool:2', 'ns/tool:2',
    'tool:2', 'localhost:5000/foo', 'localhost:5000', 'foo', 'busybox', 'docker.io/busybox', 'library/busybox', 'index.docker.io/busybox',
    'docker.io/library/busybox:latest', 'someuser/tool', 'docker.io/someuser/tool', 'tool', 'alpine', 'docker.io/alpine', 'localhost/alpine',
    'library/alpine', 'web', 'quay.io/web', 'docker.io/web', 'aliased', 'aliased:latest', 'quay.io/example/aliased', 'nothere',
    'Foo', '', 'ab:cd:ef', 'a..b', 'docker://app', 'containers-storage:localhost/app', 'containers-storage:app',
    'containers-storage:quay.io/example/app:1.0', `containers-storage:${A.slice(0, 6)}`, `containers-storage:@${A}`,
    'containers-storage:', 'containers-storage:app@zzz', 'containers-storage:Foo', `containers-storage:quay.io/example/app@${'sha256:' + '2'.repeat(64)}`,
    'dir:/nonexistent/x', `dir:${st.dir}/x`, 'docker:app', 'sha256:abc', `sha256:${'0'.repeat(64)}`, '0'.repeat(64),
    `nothere@${digestA}`, `app@${digestA}`, `app:1.0@${digestA}`, `quay.io/example/app@${digestA}`, `quay.io/other/thing:9@${digestA}`,
    `app@sha256:${'1'.repeat(64)}`, `app@sha256:${'A'.repeat(64)}`, `app@sha512:${'1'.repeat(64)}`,
    imageIds.B!.slice(0, 4),
  ];
  for (const id of Object.values(imageIds)) {
    for (const n of [1, 2, 3, 4, 6, 12, 63]) inputs.push(id.slice(0, n));
    inputs.push(id, `sha256:${id}`, `sha256:${id.slice(0, 12)}`, id.toUpperCase(), `${id.slice(0, 12)}:latest`);
  }
  compareAll(snap, inputs, env, st.flags);
});

test('normalizeName stores what podman tag stores', opts, async () => {
  const valid = [
    'foo', 'docker.io/foo', 'index.docker.io/foo2', 'library/foo', 'foo/bar:1', 'host:5000/foo', 'localhost:5000/foo', 'localhost',
    'localhost:5000', 'a.b', 'a_b', 'a__b', 'foo--bar', 'FOO.example.com/x', 'x/y:TAG_UP', 'a.b.c/d', `foo:${'t'.repeat(128)}`,
    'docker.io', 'a---b', 'docker.io/library', 'Quay.IO:80/x/y', 'h:0/x', imageIds.A!,
  ];
  const invalid = [`foo:${'t'.repeat(129)}`, 'Foo', 'Foo/bar', 'foo___bar', 'foo-', 'a.-b', 'foo:-bad', 'ab:cd:ef', '[::1]:5000/x', '\u0130foo'];
  const expected = valid.map((v) => normalizeName(v).toString());
  const before = new Set(JSON.parse(ok(['image', 'inspect', '--format', '{{json .RepoTags}}', 'localhost/app:latest'])) as string[]);
  ok(['tag', 'localhost/app:latest', ...valid]);
  const names = (JSON.parse(ok(['image', 'inspect', '--format', '{{json .RepoTags}}', 'localhost/app:latest'])) as string[]).filter((n) => !before.has(n));
  const added = [...new Set(expected)].filter((n) => !before.has(n));
  assert.deepEqual([...names].sort(), added.sort());
  ok(['untag', 'localhost/app:latest', ...added]);
  for (const input of invalid) {
    assert.throws(() => normalizeName(input), (e: unknown) => {
      assert.ok(isStoreError(e, 'InvalidReference'));
      const r = run(['tag', 'localhost/app:latest', input]);
      // podman's tag wraps NormalizeName's error once more.
      assert.equal(r.stderr.trim(), `Error: normalizing name ${JSON.stringify(input)}: ${e.message}`, input);
      return true;
    });
  }
});

test('the reference filter selects what podman images PATTERN lists', opts, async () => {
  const snap = await snapshotOf();
  const patterns = ['app', 'app*', 'quay.io/*/*', 'library/alpine', 'alpine:latest', '[ab]*', 'tool:2', 'ns/tool', '[', `*${imageIds.B!.slice(0, 4)}*`];
  for (const p of patterns) {
    const podmanIds = new Set(ok(['images', '-a', '--no-trunc', '--noheading', '--format', '{{.ID}}', p]).split('\n').filter(Boolean).map((x) => x.replace(/^sha256:/, '')));
    const ours = new Set(filterImagesByReference(snap, p).map((e) => e.record.id));
    assert.deepEqual([...ours].sort(), [...podmanIds].sort(), `pattern ${p}`);
  }
});

test('the shared fixture store: every name, ID prefix and digest, additional store and manifest list included', opts, async () => {
  const fx: FixtureStore = await fixtureStore('vfs');
  const fxEnv = { ...fx.env, CONTAINERS_REGISTRIES_CONF: regFile };
  const store = Store.open({ environment: { ...realEnvironment(), env: fxEnv } });
  const snap = await store.snapshot();
  assert.ok(snap.images.some((i) => i.readOnly), 'the fixture has an additional store');
  const inputs = new Set<string>();
  for (const img of snap.images) {
    const id = img.record.id;
    for (const n of [1, 2, 12]) inputs.add(id.slice(0, n));
    inputs.add(`sha256:${id}`);
    for (const name of img.record.names ?? []) {
      inputs.add(name);
      const short = name.replace(/^[^/]*[.:][^/]*\//, '').replace(/^localhost\//, '');
      inputs.add(short);
    }
    if (img.record.digest) inputs.add(`some/where@${img.record.digest}`);
  }
  compareAll(snap, [...inputs], fxEnv, []);
});

test('registries.conf selection: user file, drop-ins, XDG_CONFIG_HOME (ignored), as podman reads them', opts, async () => {
  const snap = await snapshotOf();
  const inputs = ['alpine', 'web', 'aliased', 'busybox', 'app', 'tool'];
  const home = (name: string, files: Record<string, string>): string => {
    const dir = path.join(st.dir, name);
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    return dir;
  };
  const base = { ...podmanEnv(st) };
  delete base.CONTAINERS_REGISTRIES_CONF;
  delete base.REGISTRIES_CONFIG_PATH;
  const cases: Record<string, NodeJS.ProcessEnv> = {
    // The user's file replaces /etc's file and /etc's drop-ins (so the machine's alpine alias is gone).
    'user file': {
      ...base,
      HOME: home('home-user', {
        '.config/containers/registries.conf': 'unqualified-search-registries = ["docker.io", "quay.io"]\n[aliases]\n"aliased" = "docker.io/library/web"\n',
        '.config/containers/registries.conf.d/10.conf': '[aliases]\n"tool" = "docker.io/someuser/tool"\n',
      }),
    },
    // No user file: /etc's file and drop-ins, then the user's drop-ins.
    'user drop-in': {
      ...base,
      HOME: home('home-dropin', { '.config/containers/registries.conf.d/10.conf': 'unqualified-search-registries = ["quay.io"]\n[aliases]\n"alpine" = ""\n"web" = "docker.io/library/web"\n' }),
    },
    // c/image v5.23.1 looks under $HOME/.config, never $XDG_CONFIG_HOME.
    'XDG_CONFIG_HOME': {
      ...base,
      HOME: home('home-empty', {}),
      XDG_CONFIG_HOME: home('xdg', { 'containers/registries.conf': '[aliases]\n"web" = "quay.io/web"\n"alpine" = "docker.io/library/web"\n' }),
    },
  };
  for (const [name, e] of Object.entries(cases)) {
    const reg = loadRegistriesConfig({ ...realRegistriesEnvironment(), env: e, home: e.HOME! });
    const ours = inputs.map((input) => strataLookup(snap, input, reg));
    const theirs = podmanLookups(inputs, ours, e, st.flags);
    inputs.forEach((input, i) => assert.deepEqual(ours[i], theirs[i], `${name}: ${input}`));
  }
});

test('writers pick a manifest list as podman does: tag the list, untag and rmi its instance', opts, async () => {
  // A twin of the test store: podman acts on one, strata on the other, and the results must match.
  ok(['manifest', 'create', 'localhost/list:1']);
  ok(['manifest', 'add', 'localhost/list:1', 'containers-storage:localhost/app:latest']);
  const twin = path.join(st.dir, 'twin');
  fs.cpSync(st.root, path.join(twin, 'root'), { recursive: true });
  fs.cpSync(st.runroot, path.join(twin, 'run'), { recursive: true });
  // podman's database remembers the store's paths; the twin gets a fresh one.
  fs.rmSync(path.join(twin, 'root', 'libpod'), { recursive: true, force: true });
  const twinFlags = ['--root', path.join(twin, 'root'), '--runroot', path.join(twin, 'run'), '--storage-driver', 'vfs'];
  const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
  const listing = (flags: string[]): string[] =>
    run(['images', '-a', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'], env, flags).stdout.split('\n').filter(Boolean).sort();
  const steps: string[][] = [
    ['tag', 'localhost/list:1', 'localhost/tagged-list:1'],
    ['untag', 'localhost/list:1'],
  ];
  for (const args of steps) {
    const p = run(args, env, twinFlags);
    const s = spawnSync(process.execPath, [cli, ...st.flags, ...args], { env, encoding: 'utf8' });
    assert.equal(s.status, p.status, `strata ${args.join(' ')}: ${s.stderr}`);
    assert.deepEqual(listing(st.flags), listing(twinFlags), args.join(' '));
  }
  // rmi of the list's name resolves to the instance, which no longer carries that name.
  const p = run(['rmi', 'localhost/tagged-list:1'], env, twinFlags);
  const s = spawnSync(process.execPath, [cli, ...st.flags, 'rmi', 'localhost/tagged-list:1'], { env, encoding: 'utf8' });
  // (the exit code is the rmi writer's business: podman says 125 here)
  assert.equal(s.stderr, p.stderr);
  assert.notEqual(s.status, 0);
  assert.deepEqual(listing(st.flags), listing(twinFlags));
});
