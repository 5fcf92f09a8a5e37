// The "better than podman" experiment: W processes each run R rounds of
// (tag keep-k, tag tmp-k, untag tmp-k) on ONE image at the same time, once with podman 4.3 and
// once with Strata's CLI (one process per operation for both). Afterwards every keep name must be
// there (else "lost"), no tmp name may be left (else "stale"), and no command may fail.
// Usage: npm run build && node scripts/bench-concurrent-tags.mjs [--workers 4] [--rounds 10] [--runs 3]
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const WORKERS = arg('workers', 4);
const ROUNDS = arg('rounds', 10);
const RUNS = arg('runs', 3);
const CLI = path.resolve('dist/cli.js');
if (!fs.existsSync(CLI)) throw new Error('run `npm run build` first');

function makeStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-tags-'));
  const root = path.join(dir, 'root');
  const runroot = path.join(dir, 'run');
  const flags = ['--root', root, '--runroot', runroot, '--storage-driver', 'vfs'];
  const conf = path.join(dir, 'containers.conf');
  fs.writeFileSync(conf, `[engine]\nevents_logger = "file"\nevents_logfile_path = "${path.join(dir, 'events.log')}"\n`);
  const env = { ...process.env, CONTAINERS_CONF: conf };
  fs.mkdirSync(path.join(dir, 'ctx', 'etc'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'ctx', 'etc', 'hello.txt'), 'hello\n');
  execFileSync('tar', ['-C', path.join(dir, 'ctx'), '-cf', path.join(dir, 'base.tar'), 'etc']);
  const id = execFileSync('podman', [...flags, 'import', '-q', path.join(dir, 'base.tar'), 'localhost/base:v1'], { env, encoding: 'utf8' })
    .trim()
    .replace(/^sha256:/, '');
  return { dir, root, flags, env, id };
}

function run(cmd, args, env) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    execFile(cmd, args, { env, encoding: 'utf8' }, (err, _stdout, stderr) => {
      resolve({ ok: !err, stderr: stderr.trim().split('\n').pop() ?? '', ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    });
  });
}

async function experiment(tool) {
  const s = makeStore();
  const cmd = tool === 'podman' ? 'podman' : process.execPath;
  const pre = tool === 'podman' ? s.flags : [CLI, ...s.flags];
  const failures = [];
  const times = [];
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      for (let k = 0; k < ROUNDS; k++) {
        for (const op of [
          ['tag', s.id, `localhost/w${w}-keep-${k}`],
          ['tag', s.id, `localhost/w${w}-tmp-${k}`],
          ['untag', s.id, `localhost/w${w}-tmp-${k}`],
        ]) {
          const r = await run(cmd, [...pre, ...op], s.env);
          times.push(r.ms);
          if (!r.ok) failures.push(r.stderr.replace(/w\d+-\w+-\d+/g, 'NAME'));
        }
      }
    }),
  );
  const wall = Date.now() - t0;
  const images = JSON.parse(fs.readFileSync(path.join(s.root, 'vfs-images', 'images.json'), 'utf8'));
  const names = new Set(images.find((i) => i.id === s.id)?.names ?? []);
  let lost = 0;
  let stale = 0;
  for (let w = 0; w < WORKERS; w++) {
    for (let k = 0; k < ROUNDS; k++) {
      if (!names.has(`localhost/w${w}-keep-${k}:latest`)) lost++;
      if (names.has(`localhost/w${w}-tmp-${k}:latest`)) stale++;
    }
  }
  execFileSync('rm', ['-rf', s.dir]);
  times.sort((a, b) => a - b);
  const reasons = {};
  for (const f of failures) reasons[f] = (reasons[f] ?? 0) + 1;
  return {
    tool,
    ops: WORKERS * ROUNDS * 3,
    lost,
    stale,
    failed: failures.length,
    reasons,
    wallMs: wall,
    medianOpMs: Math.round(times[Math.floor(times.length / 2)]),
  };
}

const results = [];
for (let i = 0; i < RUNS; i++) {
  for (const tool of ['podman', 'strata']) {
    const r = await experiment(tool);
    results.push(r);
    console.log(
      `${tool.padEnd(7)} run ${i + 1}: ${WORKERS}×${ROUNDS * 3} ops  lost ${String(r.lost).padStart(2)}  stale ${String(r.stale).padStart(2)}  ` +
        `failed ${String(r.failed).padStart(2)}  wall ${(r.wallMs / 1000).toFixed(1)}s  median op ${r.medianOpMs}ms` +
        (r.failed ? `  ${JSON.stringify(r.reasons)}` : ''),
    );
  }
}
console.log(JSON.stringify({ workers: WORKERS, opsPerWorker: ROUNDS * 3, load: os.loadavg()[0], cpus: os.cpus().length, results }, null, 1));
