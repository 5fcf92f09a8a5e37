/*
 * Bad input to Strata's writers: each case fails with a typed error and a plain message, exits
 * non-zero, and leaves the store byte for byte as it was.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { podman, podmanTest, havePodman, tempStore, type TempStore } from '../helpers/podman';
import { CLI, buildFixture, copyStore, diskTree, metadata, privateEvents, removeStore, strata } from '../helpers/writes';

let fixture: TempStore;
const stores: TempStore[] = [];

before(() => {
  if (!havePodman()) return;
  privateEvents(fs.mkdtempSync('/tmp/strata-errors-events-'));
  fixture = buildFixture('vfs');
});

after(() => {
  for (const s of [fixture, ...stores]) if (s) removeStore(s);
});

function fresh(): TempStore {
  const s = copyStore(fixture);
  stores.push(s);
  return s;
}

/** Runs strata expecting failure; the store must be unchanged. */
function refused(store: TempStore, args: string[], message: RegExp, status = 125): string {
  const before = { meta: metadata(store), tree: diskTree(store) };
  const r = strata(store, args);
  assert.equal(r.status, status, `exit code of strata ${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'a plain message, not a stack trace');
  assert.deepEqual(metadata(store), before.meta, 'metadata unchanged');
  assert.deepEqual(diskTree(store), before.tree, 'files unchanged');
  return r.stderr;
}

test('unknown image', podmanTest(), () => {
  const s = fresh();
  refused(s, ['tag', 'nosuch', 'x:1'], /^Error: nosuch: image not known\n$/);
  refused(s, ['untag', 'nosuch:2'], /nosuch:2: image not known/);
  refused(s, ['rmi', 'nosuch'], /nosuch: image not known/, 1);
  const f = strata(s, ['rmi', '-f', 'nosuch']);
  assert.equal(f.status, 0, 'rmi --force ignores unknown images, like podman');
});

test('ambiguous ID prefix', podmanTest(), () => {
  const s = fresh();
  // Add images until two IDs share their first hex digit (at most 17 images: pigeonhole).
  const ids = (): string[] => (JSON.parse(metadata(s).images) as Array<{ id: string }>).map((i) => i.id);
  for (let n = 0; ; n++) {
    const firsts = ids().map((id) => id[0]!);
    if (new Set(firsts).size < firsts.length) break;
    assert.ok(n < 17);
    const dir = path.join(s.dir, `amb${n}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'f.txt'), `content ${n}\n`);
    const tar = path.join(s.dir, `amb${n}.tar`);
    execFileSync('tar', ['-C', dir, '-cf', tar, 'f.txt']);
    podman(s, ['import', '-q', tar]);
  }
  const firsts = ids().map((id) => id[0]!);
  const shared = firsts.find((c, i) => firsts.indexOf(c) !== i)!;
  refused(s, ['tag', shared, 'x:1'], /the ID prefix matches \d+ images, give more characters/);
  refused(s, ['rmi', shared], /the ID prefix matches \d+ images, give more characters/, 1);
});

test('invalid references and digests', podmanTest(), () => {
  const s = fresh();
  refused(s, ['tag', 'localhost/base:v1', 'Bad:Name'], /repository name must be lowercase/);
  refused(s, ['tag', 'localhost/base:v1', 'sha256:abc'], /tag by digest not supported/);
  refused(s, ['tag', 'localhost/base:v1', `x@sha256:${'0'.repeat(64)}`], /tag by digest not supported/);
  refused(s, ['untag', 'localhost/base:v1', 'sha256:abc'], /untag by digest not supported/);
  // All-or-nothing: the good names before a bad one are not applied either.
  refused(s, ['tag', 'localhost/base:v1', 'good:1', 'Bad'], /must be lowercase/);
  refused(s, ['untag', 'localhost/base:v1', 'base:v2', 'nosuch'], /localhost\/nosuch:latest: tag not known/);
});

test('name in use: tagging takes the name from the image holding it (c/storage SetNames)', podmanTest(), () => {
  const s = fresh();
  const owner = (name: string): string | undefined =>
    (JSON.parse(metadata(s).images) as Array<{ id: string; names?: string[] }>).find((i) => i.names?.includes(name))?.id;
  const childId = owner('localhost/child:v1')!;
  const baseId = owner('localhost/base:v1')!;
  const r = strata(s, ['tag', 'localhost/base:v1', 'child:v1']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(owner('localhost/child:v1'), baseId);
  const child = (JSON.parse(metadata(s).images) as Array<{ id: string; names?: string[]; 'names-history'?: string[] }>).find((i) => i.id === childId)!;
  assert.equal(child.names, undefined, 'the former holder is left dangling');
  assert.deepEqual(child['names-history'], ['localhost/child:v1'], 'its history keeps the name');
});

test('image in use by a mount', podmanTest(), () => {
  const s = fresh();
  podman(s, ['image', 'mount', 'localhost/child:v1']);
  try {
    refused(s, ['rmi', 'localhost/child:v1'], /mounted layers.*podman image unmount/, 2);
  } finally {
    podman(s, ['image', 'unmount', 'localhost/child:v1']);
  }
  const r = strata(s, ['rmi', 'localhost/child:v1']);
  assert.equal(r.status, 0, r.stderr);
});

test('read-only stores: an additional image store, and a store on a read-only mount', podmanTest(), () => {
  const ro = fresh();
  const primary = tempStore('vfs', 'strata-primary-');
  stores.push(primary);
  fs.mkdirSync(primary.root, { recursive: true });
  const conf = path.join(primary.dir, 'ro-storage.conf');
  fs.writeFileSync(
    conf,
    `[storage]\ndriver = "vfs"\ngraphroot = "${primary.root}"\nrunroot = "${primary.runroot}"\n[storage.options]\nadditionalimagestores = ["${ro.root}"]\n`,
  );
  const env = { ...process.env, CONTAINERS_STORAGE_CONF: conf };
  const roBefore = { meta: metadata(ro), tree: diskTree(ro) };
  for (const args of [['tag', 'localhost/base:v1', 'x:1'], ['untag', 'localhost/base:v1'], ['rmi', 'localhost/child:v1']]) {
    const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
    assert.notEqual(r.status, 0, `strata ${args.join(' ')} must fail`);
    assert.match(r.stderr, /read-only/);
  }
  assert.deepEqual({ meta: metadata(ro), tree: diskTree(ro) }, roBefore, 'the additional store is untouched');

  // The primary store itself on a read-only bind mount (a private mount namespace).
  const s = fresh();
  const script = `mount --bind -o ro "$1" "$1" && exec "$2" "$3" --root "$1" --runroot "$4" --storage-driver vfs tag localhost/base:v1 x:1`;
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', s.root, process.execPath, CLI, s.runroot], { encoding: 'utf8' });
  assert.equal(r.status, 125, r.stderr);
  assert.match(r.stderr, /read-only file system; it cannot be changed/);
});

test('store busy: a lock held by another process gives StoreBusy after --lock-timeout', podmanTest(), async () => {
  const s = fresh();
  for (const [lockFile, args] of [
    [path.join(s.root, 'vfs-images', 'images.lock'), ['tag', 'localhost/base:v1', 'busy:1']],
    [path.join(s.root, 'vfs-layers', 'layers.lock'), ['rmi', 'localhost/child:v1']],
  ] as const) {
    // A classic POSIX lock, as podman takes it, held until we close the holder's stdin.
    const holder = spawn('python3', ['-c', 'import fcntl,sys\nf=open(sys.argv[1],"r+")\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint("locked",flush=True)\nsys.stdin.read()', lockFile], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise((r) => holder.once('exit', r));
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.once('data', (d: Buffer) => (d.toString().includes('locked') ? resolve() : reject(new Error(d.toString()))));
      holder.once('exit', () => reject(new Error('lock holder exited early')));
    });
    try {
      const started = Date.now();
      refused(s, ['--lock-timeout', '300ms', ...args], /store is busy.*(images|layers)\.lock/);
      assert.ok(Date.now() - started < 15_000, 'bounded wait');
    } finally {
      holder.stdin!.end();
      await exited;
    }
    const ok = strata(s, ['--lock-timeout', '5s', ...args]);
    assert.equal(ok.status, 0, ok.stderr);
  }
});
