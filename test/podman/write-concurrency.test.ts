/*
 * Strata's writes beside a busy podman: several Strata processes tagging and untagging one image
 * while podman reads in a loop (zero lost or stale names, no failed command, images.json
 * parseable at every instant), and a long-running podman API service that must see every
 * change through the last-writer token.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { podman, podmanEnv, podmanTest, havePodman, tempStore, type TempStore } from '../helpers/podman';
import { CLI, privateEvents, removeStore, strata } from '../helpers/writes';

let store: TempStore;
let imagesJson = '';

before(() => {
  if (!havePodman()) return;
  store = tempStore('vfs', 'strata-conc-');
  privateEvents(store.dir);
  const ctx = path.join(store.dir, 'ctx');
  fs.mkdirSync(path.join(ctx, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(ctx, 'etc', 'hello.txt'), 'hello\n');
  const tar = path.join(store.dir, 'base.tar');
  execFileSync('tar', ['-C', ctx, '-cf', tar, 'etc']);
  podman(store, ['import', '-q', tar, 'localhost/base:v1']);
  imagesJson = path.join(store.root, 'vfs-images', 'images.json');
});

after(() => {
  if (store) removeStore(store);
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: podmanEnv(store), encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function namesOf(id: string): string[] {
  const list = JSON.parse(fs.readFileSync(imagesJson, 'utf8')) as Array<{ id: string; names?: string[] }>;
  return list.find((i) => i.id === id)?.names ?? [];
}

test('4 Strata processes × 30 tag/untag on one image while podman reads: nothing lost, nothing stale, nothing failed', podmanTest(), async () => {
  const id = (JSON.parse(fs.readFileSync(imagesJson, 'utf8')) as Array<{ id: string }>)[0]!.id;
  const WORKERS = 4;
  const ROUNDS = 10; // each round: tag keep-k, tag tmp-k, untag tmp-k → 30 operations per worker
  const failures: string[] = [];
  let done = false;

  // Each worker is its own Strata process running the library in a loop.
  const WORKER = path.resolve(__dirname, '../helpers/tag-worker.js');
  const worker = async (w: number): Promise<void> => {
    const r = await run(process.execPath, [WORKER, store.root, store.runroot, store.driver, id, `w${w}`, String(ROUNDS)]);
    if (r.code !== 0) failures.push(`worker ${w} exited ${r.code}: ${r.stderr}`);
    else failures.push(...(JSON.parse(r.stdout) as { failures: string[] }).failures);
  };

  let podmanReads = 0;
  const reader = async (): Promise<void> => {
    while (!done) {
      for (const args of [['images', '-a', '--format', 'json'], ['image', 'inspect', id]]) {
        const r = await run('podman', [...store.flags, ...args]);
        podmanReads++;
        if (r.code !== 0) failures.push(`podman ${args.join(' ')}: ${r.stderr}`);
        else JSON.parse(r.stdout);
      }
    }
  };

  // images.json must parse at every instant: read it as fast as the event loop allows.
  let fileReads = 0;
  const watcher = async (): Promise<void> => {
    while (!done) {
      const text = fs.readFileSync(imagesJson, 'utf8');
      try {
        JSON.parse(text);
      } catch (e) {
        failures.push(`images.json unparseable: ${(e as Error).message}`);
      }
      fileReads++;
      await new Promise((r) => setImmediate(r));
    }
  };

  const workers = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  const readers = Promise.all([reader(), watcher()]);
  await workers;
  done = true;
  await readers;

  assert.deepEqual(failures, []);
  assert.ok(podmanReads > 0 && fileReads > 0, 'the readers ran');
  const names = namesOf(id);
  const expected = ['localhost/base:v1'];
  for (let w = 0; w < WORKERS; w++) for (let k = 0; k < ROUNDS; k++) expected.push(`localhost/w${w}-keep-${k}:latest`);
  assert.deepEqual([...names].sort(), expected.sort(), 'no lost and no stale names');
  const shown = await run('podman', [...store.flags, 'image', 'inspect', '--format', '{{len .RepoTags}}', id]);
  assert.equal(shown.stdout.trim(), String(expected.length));
});

function apiGet(sock: string, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: sock, path: urlPath, headers: { Host: 'd' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

async function repoTags(sock: string): Promise<string[]> {
  const r = await apiGet(sock, '/v4.0.0/libpod/images/json');
  assert.equal(r.status, 200, r.body);
  return (JSON.parse(r.body) as Array<{ RepoTags?: string[] }>).flatMap((i) => i.RepoTags ?? []);
}

test('a long-running podman API service sees every Strata change (last-writer token)', podmanTest(), async () => {
  const sock = path.join(store.dir, 'api.sock');
  const svc: ChildProcess = spawn('podman', [...store.flags, 'system', 'service', '--time', '0', `unix://${sock}`], {
    env: podmanEnv(store),
    stdio: 'ignore',
  });
  const exited = new Promise((r) => svc.once('exit', r));
  try {
    // Wait for the service to answer (bounded).
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ok = await apiGet(sock, '/_ping').then((r) => r.status === 200, () => false);
      if (ok) break;
      assert.ok(Date.now() < deadline, 'podman system service did not come up');
      await new Promise((r) => setTimeout(r, 50));
    }
    const id = (JSON.parse(fs.readFileSync(imagesJson, 'utf8')) as Array<{ id: string }>)[0]!.id;
    const initial = namesOf(id);
    assert.deepEqual((await repoTags(sock)).sort(), [...initial].sort());

    // Control: a writer that replaces images.json without a new token goes unnoticed by the
    // service, which is why the token matters (this is podman's behaviour, not ours).
    const before = fs.readFileSync(imagesJson, 'utf8');
    const naive = JSON.parse(before) as Array<{ id: string; names?: string[] }>;
    naive.find((i) => i.id === id)!.names!.push('localhost/naive:1');
    const tmp = imagesJson + '.naive';
    fs.writeFileSync(tmp, JSON.stringify(naive), { mode: 0o600 });
    fs.renameSync(tmp, imagesJson);
    assert.ok(!(await repoTags(sock)).includes('localhost/naive:1'), 'without a token the service keeps its cached view');

    for (const args of [
      ['tag', id, 'svc:1', 'svc:2'],
      ['untag', id, 'svc:1'],
      ['rmi', 'localhost/naive:1'],
    ]) {
      const r = strata(store, args);
      assert.equal(r.status, 0, r.stderr);
      const tags = await repoTags(sock);
      const onDisk = namesOf(id);
      assert.deepEqual([...tags].sort(), [...onDisk].sort(), `service view after strata ${args.join(' ')}`);
    }
    assert.deepEqual((await repoTags(sock)).sort(), [...initial, 'localhost/svc:2'].sort());
  } finally {
    svc.kill('SIGTERM');
    await exited;
  }
});
