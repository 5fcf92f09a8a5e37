/*
 * Bad input on real stores: each test damages its own copy of the podman-built vfs fixture (the
 * primary store only, opened with --root/--runroot/--storage-driver, so the images podman built on
 * the additional store's layers have their base layers absent). Every case must end in a typed
 * StoreError with a stable code and a plain one-line message (CLI: exit 125, one `Error:` line),
 * or in a flagged entry; never a crash, a stack trace or a hang.
 */
import { test, before, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { podmanTest } from '../helpers/podman';
import { fixtureStore, strataAt, CLI, type FixtureStore } from '../fixtures/podman-fixtures';
import { Store } from '../../src/store/store';
import { StoreError } from '../../src/store/errors';
import { imageHistory } from '../../src/store/history';
import { inspectImage } from '../../src/store/inspect';
import { lookupImage } from '../../src/store/lookup';
import type { StoreErrorCode } from '../../src/shared/errors';

const NOBODY = 65534;
const opts = podmanTest();
let fx: FixtureStore;
const copies: string[] = [];

before(async () => {
  if (opts.skip) return;
  fx = await fixtureStore('vfs');
});

after(() => {
  for (const d of copies) fs.rmSync(d, { recursive: true, force: true });
});

interface Copy {
  root: string;
  runroot: string;
  flags: string[];
  images: string;
  store(): Store;
  /** ID of the image with this name in the copy. */
  id(name: string): string;
  bigData(id: string, file: string): string;
}

/** A private, writable copy of the fixture's primary store, traversable by an unprivileged user. */
function copyStore(driver = 'vfs'): Copy {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bad-'));
  fs.chmodSync(dir, 0o755);
  const root = path.join(dir, 'root');
  const runroot = path.join(dir, 'run');
  // podman's own database (libpod/) is not part of the store, and other test files' podman runs
  // may be rewriting it while we copy.
  fs.cpSync(fx.root, root, { recursive: true, verbatimSymlinks: true, filter: (src) => src !== path.join(fx.root, 'libpod') });
  fs.mkdirSync(runroot);
  if (driver !== 'vfs') {
    for (const part of ['images', 'layers', 'containers']) fs.renameSync(path.join(root, `vfs-${part}`), path.join(root, `${driver}-${part}`));
    fs.renameSync(path.join(root, 'vfs'), path.join(root, driver));
  }
  spawnSync('chmod', ['-R', 'a+rX', dir]);
  const images = path.join(root, `${driver}-images`);
  const records = (): Array<{ id: string; names?: string[] }> => JSON.parse(fs.readFileSync(path.join(images, 'images.json'), 'utf8'));
  const copy: Copy = {
    root,
    runroot,
    flags: ['--root', root, '--runroot', runroot, '--storage-driver', driver],
    images,
    store: () => Store.open({ root, runRoot: runroot, driver, lockTimeoutMs: 5_000 }),
    id: (name) => {
      const hit = records().find((r) => r.names?.includes(name));
      assert.ok(hit, `no ${name} in the copy`);
      return hit.id;
    },
    bigData: (id, file) => path.join(images, id, file),
  };
  copies.push(dir);
  return copy;
}

/** The environment minus any storage.conf override: the copies are named by flags alone. */
function envWithoutConf(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.CONTAINERS_STORAGE_CONF;
  return env;
}

/** Runs the CLI and checks podman's failure shape: exit 125, nothing on stdout but `[]` for inspect, one line on stderr. */
function cliFails(c: Copy | undefined, args: string[], pattern: RegExp, asUser?: number): void {
  const flags = c?.flags ?? [];
  const r =
    asUser === undefined
      ? strataAt(undefined, [...flags, ...args], [], envWithoutConf())
      : (() => {
          const p = spawnSync('setpriv', [`--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', process.execPath, CLI, ...flags, ...args], {
            encoding: 'utf8',
            timeout: 60_000,
          });
          return { status: p.status, stdout: p.stdout, stderr: p.stderr };
        })();
  assert.equal(r.status, 125, `exit status of strata ${args.join(' ')} (stderr: ${r.stderr})`);
  const lines = r.stderr.split('\n');
  assert.equal(lines.length, 2, `one line on stderr, got: ${JSON.stringify(r.stderr)}`);
  assert.equal(lines[1], '');
  assert.match(lines[0]!, /^Error: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.match(lines[0]!, pattern);
  assert.ok(r.stdout === '' || r.stdout === '[]\n', `stdout: ${r.stdout}`);
}

async function rejectsWith(p: Promise<unknown> | (() => unknown), code: StoreErrorCode, pattern?: RegExp): Promise<void> {
  const run = typeof p === 'function' ? async () => p() : () => p;
  await assert.rejects(run, (e: unknown) => {
    assert.ok(e instanceof StoreError, `a StoreError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.doesNotMatch(e.message, /\n/, 'one-line message');
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

test('a missing store: NotFound naming the path', opts, async () => {
  const gone = path.join(os.tmpdir(), 'strata-no-such-store', 'root');
  await rejectsWith(Store.open({ root: gone, runRoot: path.join(os.tmpdir(), 'strata-no-such-run'), driver: 'vfs' }).snapshot(), 'NotFound', /strata-no-such-store/);
  cliFails({ flags: ['--root', gone, '--runroot', '/tmp/strata-no-such-run', '--storage-driver', 'vfs'] } as Copy, ['images'], /No container store at .*strata-no-such-store/);
  assert.ok(!fs.existsSync(gone), 'reading never creates a store');
});

test('a truncated images.json: CorruptMetadata, never an empty list', opts, async () => {
  const c = copyStore();
  const file = path.join(c.images, 'images.json');
  fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 700));
  await rejectsWith(c.store().snapshot(), 'CorruptMetadata', /images\.json/);
  for (const cmd of [['images'], ['images', '--format', 'json'], ['inspect', 'localhost/app:1'], ['history', 'localhost/app:1'], ['tree', 'localhost/app:1']]) {
    cliFails(c, cmd, /image list is not valid JSON.*images\.json/);
  }
});

test('layers.json and containers.json that are not what they should be: CorruptMetadata, one line', opts, async () => {
  const c = copyStore();
  const layers = path.join(c.root, 'vfs-layers', 'layers.json');
  for (const [text, pattern] of [
    ['{"id": "x"}', /should hold a JSON array/],
    ['[{"id": 5}]', /record without an id/],
    ['[\n{"id"\n', /not valid JSON/],
  ] as const) {
    fs.writeFileSync(layers, text);
    await rejectsWith(c.store().snapshot(), 'CorruptMetadata', pattern);
    cliFails(c, ['images'], pattern);
  }
  const c2 = copyStore();
  // A JSON.parse message quotes the input, newlines included: the CLI line must stay one line.
  fs.writeFileSync(path.join(c2.root, 'vfs-containers', 'containers.json'), 'nul\nl\n');
  await rejectsWith(c2.store().snapshot(), 'CorruptMetadata', /container list/);
  cliFails(c2, ['images'], /container list is not valid JSON/);
});

test('a missing config big-data file: listed, but inspect/history fail with MissingBigData', opts, async () => {
  const c = copyStore();
  const app = c.id('localhost/app:1');
  const base = c.id('localhost/base:1');
  const configFile = c.bigData(app, '=' + Buffer.from(`sha256:${app}`).toString('base64'));
  assert.ok(fs.existsSync(configFile));
  fs.rmSync(configFile);
  const store = c.store();
  const snap = await store.snapshot();
  const entry = snap.imageById.get(app)!;
  assert.throws(() => inspectImage(store, snap, entry), (e: unknown) => e instanceof StoreError && e.code === 'MissingBigData' && e.message.includes(app.slice(0, 12)));
  const listed = strataAt(undefined, [...c.flags, 'images', '--format', 'json'], [], envWithoutConf());
  assert.equal(listed.status, 0, listed.stderr);
  assert.ok((JSON.parse(listed.stdout) as Array<{ Id: string }>).some((r) => r.Id === app), 'the image is still listed');
  cliFails(c, ['history', 'localhost/app:1'], /missing its "sha256:[0-9a-f]{64}" data/);
  // Like podman, inspect prints the images it could read and reports the others.
  const r = strataAt(undefined, [...c.flags, 'inspect', 'localhost/base:1', 'localhost/app:1'], [], envWithoutConf());
  assert.equal(r.status, 125);
  assert.deepEqual((JSON.parse(r.stdout) as Array<{ Id: string }>).map((i) => i.Id), [base]);
  assert.match(r.stderr, /^Error: Image [0-9a-f]{12} is missing its "sha256:[0-9a-f]{64}" data \(.*\)\n$/);
});

test('a config that is not JSON: CorruptMetadata from inspect and history', opts, async () => {
  const c = copyStore();
  const app = c.id('localhost/app:1');
  fs.writeFileSync(c.bigData(app, '=' + Buffer.from(`sha256:${app}`).toString('base64')), '{"architecture": "amd64",\n');
  const store = c.store();
  const snap = await store.snapshot();
  assert.throws(() => inspectImage(store, snap, snap.imageById.get(app)!), (e: unknown) => e instanceof StoreError && e.code === 'CorruptMetadata' && !e.message.includes('\n'));
  cliFails(c, ['inspect', 'localhost/app:1'], /app|[0-9a-f]{12}/);
  cliFails(c, ['history', 'localhost/app:1'], /[0-9a-f]{12}/);
});

test('layers referenced but absent: the image is listed and flagged, history says MissingLayer', opts, async () => {
  // Opened without its additional store, localhost/on-ro:1's base layers are nowhere.
  const c = copyStore();
  const onRo = c.id('localhost/on-ro:1');
  const store = c.store();
  const snap = await store.snapshot();
  const entry = lookupImage(snap, 'localhost/on-ro:1').image;
  assert.equal(entry.record.id, onRo);
  assert.ok(snap.hasMissingLayer(entry), 'flagged: its layer chain reaches a layer the store does not record');
  assert.ok(!snap.hasMissingLayer(lookupImage(snap, 'localhost/app:1').image), 'a whole image is not flagged');
  assert.throws(() => imageHistory(store, snap, entry), (e: unknown) => e instanceof StoreError && e.code === 'MissingLayer');
  const listed = strataAt(undefined, [...c.flags, 'images', '-a', '--format', 'json'], [], envWithoutConf());
  assert.equal(listed.status, 0, listed.stderr);
  assert.ok((JSON.parse(listed.stdout) as Array<{ Id: string }>).some((r) => r.Id === onRo));
  cliFails(c, ['history', 'localhost/on-ro:1'], /is not in the store/);
  // A top layer removed from layers.json outright.
  const app = c.id('localhost/app:1');
  const layersFile = path.join(c.root, 'vfs-layers', 'layers.json');
  const top = (JSON.parse(fs.readFileSync(path.join(c.images, 'images.json'), 'utf8')) as Array<{ id: string; layer: string }>).find((i) => i.id === app)!.layer;
  const layers = (JSON.parse(fs.readFileSync(layersFile, 'utf8')) as Array<{ id: string }>).filter((l) => l.id !== top);
  fs.writeFileSync(layersFile, JSON.stringify(layers));
  const snap2 = await c.store().snapshot();
  assert.ok(snap2.problems.some((p) => p.kind === 'MissingLayer' && p.imageId === app));
  cliFails(c, ['history', 'localhost/app:1'], /Layer [0-9a-f]{12} of image [0-9a-f]{12} is not in the store/);
});

test('unreadable files, as an unprivileged user: PermissionDenied naming the file', opts, () => {
  const c = copyStore();
  const app = c.id('localhost/app:1');
  const imagesJson = path.join(c.images, 'images.json');
  fs.chmodSync(imagesJson, 0o000);
  cliFails(c, ['images'], /No permission to read the image list: .*images\.json/, NOBODY);
  fs.chmodSync(imagesJson, 0o644);
  const manifest = c.bigData(app, 'manifest');
  fs.chmodSync(manifest, 0o000);
  cliFails(c, ['inspect', app], /No permission to read the "manifest" data of image [0-9a-f]{12}/, NOBODY);
  fs.chmodSync(manifest, 0o644);
  fs.chmodSync(c.root, 0o700);
  cliFails(c, ['images'], /No permission to read the container store: /, NOBODY);
});

test('unreadable files: the library maps EACCES to PermissionDenied (injected, since tests run as root)', opts, async () => {
  const c = copyStore();
  const store = c.store();
  const snap = await store.snapshot();
  const entry = snap.imageById.get(c.id('localhost/app:1'))!;
  // The real module object (the store's `fs` namespace reads through to it at call time).
  const realFs = require('node:fs') as typeof fs;
  const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  const original = realFs.readFileSync;
  const m = mock.method(realFs, 'readFileSync', ((p: fs.PathOrFileDescriptor, o?: unknown) => {
    if (String(p).endsWith('/manifest')) throw denied;
    return (original as (p: fs.PathOrFileDescriptor, o?: unknown) => unknown)(p, o);
  }) as typeof fs.readFileSync);
  try {
    assert.throws(
      () => store.readImageBigDataUnlocked(entry, 'manifest'),
      (e: unknown) => e instanceof StoreError && e.code === 'PermissionDenied' && /No permission to read the "manifest" data/.test(e.message),
    );
    assert.ok(m.mock.callCount() > 0, 'the injected failure was hit');
  } finally {
    m.mock.restore();
  }
});

test('an unknown driver name is UnsupportedDriver; a known non-content driver lists metadata but refuses content', opts, async () => {
  const c = copyStore();
  assert.throws(() => Store.open({ root: c.root, runRoot: c.runroot, driver: 'bogus' }), (e: unknown) => e instanceof StoreError && e.code === 'UnsupportedDriver');
  cliFails({ flags: ['--root', c.root, '--runroot', c.runroot, '--storage-driver', 'bogus'] } as Copy, ['images'], /unknown storage driver "bogus"/);
});

test('a store of another known driver (zfs): listed, inspected, but save is UnsupportedDriver', opts, async () => {
  const c = copyStore('zfs');
  const r = strataAt(undefined, [...c.flags, 'images', '--format', 'json'], [], envWithoutConf());
  assert.equal(r.status, 0, r.stderr);
  assert.ok((JSON.parse(r.stdout) as unknown[]).length > 5);
  const out = path.join(path.dirname(c.root), 'out.tar');
  cliFails(c, ['save', '-q', '-o', out, 'localhost/base:1'], /not supported for the "zfs" storage driver/);
  assert.ok(!fs.existsSync(out), 'no partial output');
});

test('a store locked by a writer that never lets go: StoreBusy after the bounded wait, no hang', opts, async () => {
  const c = copyStore();
  const lockFile = path.join(c.images, 'images.lock');
  // A POSIX record lock, as podman's writers take it, held by another process until stdin closes.
  const holder = spawn('python3', ['-c', 'import fcntl,sys\nf=open(sys.argv[1],"r+")\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint("locked",flush=True)\nsys.stdin.read()', lockFile], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
    });
    const started = Date.now();
    await rejectsWith(Store.open({ root: c.root, runRoot: c.runroot, driver: 'vfs', lockTimeoutMs: 300 }).snapshot(), 'StoreBusy');
    assert.ok(Date.now() - started < 10_000, 'gave up within the bound');
  } finally {
    holder.stdin.end();
    holder.kill();
  }
  // Once the writer is gone, the same store reads normally.
  const snap = await Store.open({ root: c.root, runRoot: c.runroot, driver: 'vfs', lockTimeoutMs: 5_000 }).snapshot();
  assert.ok(snap.images.length > 5);
});
