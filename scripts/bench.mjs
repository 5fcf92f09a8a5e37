// `npm run bench`: Strata's reader against podman on a large store, side by side in one run.
//
// The store (>= 1,000 images, >= 3,000 layers, overlay) is built once by podman itself and kept in
// bench/.stores/ (git-ignored): a docker-archive made here in code holds CHAINS chains of DEPTH
// layers each; every chain carries IMAGES_PER_CHAIN images on its last layers, as a multi-step
// build leaves them: the top one tagged (some with several tags), a few tagged mid-way, the rest
// untagged intermediate images whose history prefixes make them parents of the next one. One
// `podman load` of that archive writes every record, layer and big-data file the real way.
//
// Then each command runs RUNS times (podman fewer, it is slow), and the medians are printed with
// ratios, beside the floor: a node process that only reads and JSON-parses images.json,
// layers.json and every image's config, which is the least any reader of the store must do
// without a cache. Listing is timed twice: with Strata's listing cache warm, and as a first run
// that starts from an empty cache.
//
// Strata runs as users run it, through its launcher (bin/strata.js, what `npx strata` runs). The
// launcher starts node without NODE_EXTRA_CA_CERTS (node would read those certificates before
// anything else, 40 ms with a system bundle); the floor and `node -e 0` run without it too, so
// the three compare. When the variable is set, `node -e 0` is also timed with it.
//
// Usage: node scripts/bench.mjs [--runs N] [--podman-runs N] [--podman-list-runs N] [--podman-timeout S] [--rebuild] [--build-only]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import tarStream from 'tar-stream';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHAINS = 100; // chains of layers, each a "base image + build steps"
const DEPTH = 30; // layers per chain: 3,000 layers in all
const IMAGES_PER_CHAIN = 10; // images on the last layers of each chain: 1,000 images
const MIDWAY_TAGS = [3, 6]; // also tag the images this many steps below the top
const EXTRA_TAG_EVERY = 4; // every 4th chain's top image gets two more names
const CHAINS_PER_ARCHIVE = 20; // keeps each manifest.json well under c/image's 1 MiB limit
const DRIVER = 'overlay';
const LAYOUT_VERSION = 1; // bump when the generated store changes

const args = process.argv.slice(2);
const argValue = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const RUNS = argValue('--runs', 15);
const PODMAN_RUNS = argValue('--podman-runs', 5);
// podman's listing of a large store takes minutes (the very problem Strata solves): by default one
// run each, cut off after --podman-timeout seconds (the ratio is then a lower bound, shown as ">").
const PODMAN_LIST_RUNS = argValue('--podman-list-runs', 1);
const PODMAN_TIMEOUT_S = argValue('--podman-timeout', 900);
const REBUILD = args.includes('--rebuild');
const BUILD_ONLY = args.includes('--build-only');

const key = createHash('sha256').update(JSON.stringify({ CHAINS, DEPTH, IMAGES_PER_CHAIN, MIDWAY_TAGS, EXTRA_TAG_EVERY, DRIVER, LAYOUT_VERSION })).digest('hex').slice(0, 10);
const storeDir = path.join(REPO, 'bench', '.stores', key);
const root = path.join(storeDir, 'root');
// podman refuses a runroot longer than 50 characters; the runroot is volatile anyway.
const runroot = path.join(os.tmpdir(), `strata-bench-${key}`);
const flags = ['--root', root, '--runroot', runroot, '--storage-driver', DRIVER];
// Neither tool may pick up the machine's storage.conf (additional stores, other options).
const confFile = path.join(storeDir, 'storage.conf');
const env = { ...process.env, CONTAINERS_STORAGE_CONF: confFile };
// What node processes get from Strata's launcher: no extra CA certificates to read at start-up.
const launchedEnv = { ...env };
delete launchedEnv.NODE_EXTRA_CA_CERTS;

function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

async function tarOf(entries) {
  const p = tarStream.pack();
  const chunks = [];
  const done = new Promise((resolve, reject) => {
    p.on('data', (c) => chunks.push(c));
    p.on('end', () => resolve(Buffer.concat(chunks)));
    p.on('error', reject);
  });
  for (const e of entries) {
    await new Promise((resolve, reject) => p.entry({ name: e.name, mode: 0o644, mtime: new Date(0) }, e.content, (err) => (err ? reject(err) : resolve())));
  }
  p.finalize();
  return done;
}

/**
 * Writes a docker-archive of chains [from, to): one entry per layer and config, and a manifest.json
 * listing its images (c/image refuses a manifest.json over 1 MiB, hence several archives).
 */
async function writeArchive(file, from, to) {
  const out = tarStream.pack();
  const stream = fs.createWriteStream(file);
  out.pipe(stream);
  const add = (name, content) =>
    new Promise((resolve, reject) => out.entry({ name, mode: 0o644, mtime: new Date(0) }, content, (err) => (err ? reject(err) : resolve())));
  const manifest = [];
  const base = Date.UTC(2025, 0, 1);
  for (let c = from; c < to; c++) {
    const diffIds = [];
    const history = [];
    for (let d = 0; d < DEPTH; d++) {
      const layer = await tarOf([{ name: `chain${c}/step${d}.txt`, content: `chain ${c} step ${d}\n`.repeat(8 + ((c * 7 + d) % 40)) }]);
      const hex = sha256(layer);
      diffIds.push(`sha256:${hex}`);
      await add(`${hex}.tar`, layer);
      // One history entry per step; created times spread over many seconds, some shared.
      const created = new Date(base + (c * DEPTH + d) * 7_000).toISOString();
      history.push({ created, created_by: `/bin/sh -c #(nop) COPY file:${hex} in /chain${c}/step${d}.txt ` });
      const fromTop = DEPTH - 1 - d;
      if (fromTop >= IMAGES_PER_CHAIN) continue;
      const config = {
        architecture: 'amd64',
        os: 'linux',
        created,
        config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh'], Labels: { chain: String(c), step: String(d) } },
        rootfs: { type: 'layers', diff_ids: [...diffIds] },
        history: [...history],
      };
      const configBytes = Buffer.from(JSON.stringify(config));
      const configHex = sha256(configBytes);
      await add(`${configHex}.json`, configBytes);
      const tags = [];
      if (fromTop === 0) {
        tags.push(`localhost/bench/chain${c}:latest`);
        if (c % EXTRA_TAG_EVERY === 0) tags.push(`quay.io/bench/chain${c}:v1`, `docker.io/library/bench${c}:1.0`);
      } else if (MIDWAY_TAGS.includes(fromTop)) {
        tags.push(`localhost/bench/chain${c}:minus${fromTop}`);
      }
      manifest.push({ Config: `${configHex}.json`, RepoTags: tags, Layers: diffIds.map((id) => `${id.slice(7)}.tar`) });
    }
  }
  await add('manifest.json', Buffer.from(JSON.stringify(manifest)));
  out.finalize();
  await new Promise((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  return manifest.length;
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { env, encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

async function ensureStore() {
  const ready = path.join(storeDir, 'READY');
  if (fs.existsSync(ready) && !REBUILD) return;
  if (fs.existsSync(storeDir)) {
    spawnSync('podman', [...flags, 'system', 'reset', '--force'], { env, stdio: 'ignore' });
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
  fs.mkdirSync(storeDir, { recursive: true });
  fs.writeFileSync(confFile, `[storage]\ndriver = "${DRIVER}"\ngraphroot = "${root}"\nrunroot = "${runroot}"\n`);
  const archive = path.join(storeDir, 'bench-archive.tar');
  for (let from = 0; from < CHAINS; from += CHAINS_PER_ARCHIVE) {
    const to = Math.min(CHAINS, from + CHAINS_PER_ARCHIVE);
    const images = await writeArchive(archive, from, to);
    const t = Date.now();
    run('podman', [...flags, 'load', '-q', '-i', archive]);
    console.log(`podman load of chains ${from}-${to - 1} (${images} images) took ${((Date.now() - t) / 1000).toFixed(1)} s`);
    fs.rmSync(archive);
  }
  fs.writeFileSync(ready, new Date().toISOString());
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// GNU time gives each run's CPU time (user + sys, all threads) beside the wall time: on a busy
// machine wall times swing with the load while CPU times stay comparable.
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const timeFile = path.join(os.tmpdir(), `strata-bench-time-${process.pid}`);

/** One timed run: wall ms, CPU ms, output; timedOut when cut off. */
function timeOne(cmd, argv, runEnv, timeoutS) {
  const t = process.hrtime.bigint();
  const timeout = timeoutS ? timeoutS * 1000 : undefined;
  const r = spawnSync(GNU_TIME ?? cmd, GNU_TIME ? ['-f', '%U %S', '-o', timeFile, cmd, ...argv] : argv, { env: runEnv, encoding: 'utf8', maxBuffer: 1 << 30, timeout, killSignal: 'SIGKILL' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.error?.code === 'ETIMEDOUT' || r.signal) return { ms, cpu: NaN, out: undefined, timedOut: true };
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  let cpu = NaN;
  if (GNU_TIME) {
    const [u, sys] = fs.readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
    cpu = (u + sys) * 1000;
  }
  return { ms, cpu, out: r.stdout };
}

function summary(runs) {
  if (runs.some((r) => r.timedOut)) return { ms: Math.max(...runs.map((r) => r.ms)), cpu: NaN, out: undefined, timedOut: true };
  const cpus = runs.map((r) => r.cpu).filter((c) => !Number.isNaN(c));
  return { ms: median(runs.map((r) => r.ms)), cpu: cpus.length ? median(cpus) : NaN, out: runs[runs.length - 1].out };
}

function timeRuns(n, cmd, argv, timeoutS) {
  const runs = [];
  for (let i = 0; i < n; i++) {
    const r = timeOne(cmd, argv, env, timeoutS);
    runs.push(r);
    if (r.timedOut) break;
  }
  return summary(runs);
}

/**
 * Runs of several commands taken in turns, round after round: a spell of noise on the machine
 * (a VM's host busy elsewhere) then falls on every command alike instead of on whichever ran
 * during it, so their medians compare.
 */
function timeInTurns(n, specs) {
  const runs = specs.map(() => []);
  for (let i = 0; i < n; i++) specs.forEach((sp, k) => runs[k].push(timeOne(sp.cmd, sp.argv, (sp.envOfRun ?? (() => env))(i))));
  return runs.map(summary);
}

/** The floor: a node process that reads and parses the JSON every listing needs, nothing more. */
const FLOOR_SCRIPT = `
const fs = require('fs'), path = require('path');
const root = process.argv[1], d = process.argv[2];
const images = JSON.parse(fs.readFileSync(path.join(root, d + '-images', 'images.json'), 'utf8'));
const layers = JSON.parse(fs.readFileSync(path.join(root, d + '-layers', 'layers.json'), 'utf8'));
let n = 0;
for (const img of images) {
  const key = Object.keys(img['big-data-digests'] || {}).find((k) => k.startsWith('sha256:'));
  if (!key) continue;
  const file = path.join(root, d + '-images', img.id, '=' + Buffer.from(key).toString('base64'));
  n += JSON.parse(fs.readFileSync(file, 'utf8')).history.length;
}
process.stdout.write(String(images.length + layers.length + n));
`;

function fmt(ms) {
  if (Number.isNaN(ms)) return "n/a";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

async function main() {
  await ensureStore();
  if (BUILD_ONLY) return;
  const cli = path.join(REPO, 'bin', 'strata.js');
  const images = JSON.parse(fs.readFileSync(path.join(root, `${DRIVER}-images`, 'images.json'), 'utf8'));
  const layers = JSON.parse(fs.readFileSync(path.join(root, `${DRIVER}-layers`, 'layers.json'), 'utf8'));
  const tagged = images.filter((i) => i.names?.length).length;
  console.log(`store: ${root}\n  ${images.length} images (${tagged} tagged), ${layers.length} layers, driver ${DRIVER}`);
  if (process.env.NODE_EXTRA_CA_CERTS) console.log(`  NODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}): Strata's launcher, the floor and node -e 0 run without it`);
  console.log(`  medians of ${RUNS} runs (strata, floor), ${PODMAN_RUNS} runs (podman inspect/history), ${PODMAN_LIST_RUNS} (podman images, cut off at ${PODMAN_TIMEOUT_S} s); node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}\n`);
  if (images.length < 1000 || layers.length < 3000) throw new Error('the bench store is smaller than 1,000 images / 3,000 layers');

  // A tagged image deep in a chain: inspect/history of it walk 30 layers and 30 history entries.
  const one = images.find((i) => i.names?.includes('localhost/bench/chain42:latest'))?.names[0] ?? images.find((i) => i.names?.length)?.names[0];
  // Strata keeps a listing cache (config facts by digest, src/store/facts-cache.ts). "warm": the
  // cache holds this store (after one untimed run); "first run": every run starts with an empty
  // cache directory, so it reads every config and writes the cache, as the very first listing does.
  const cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-cache-'));
  const warmEnv = { ...env, STRATA_CACHE_DIR: path.join(cacheRoot, 'warm') };
  const firstRunEnv = (i) => ({ ...env, STRATA_CACHE_DIR: path.join(cacheRoot, `first-${i}-${Math.random()}`) });
  const strata = (a) => ({ cmd: cli, argv: [...flags, ...a], envOfRun: () => warmEnv });
  const strataFirst = (a) => ({ cmd: cli, argv: [...flags, ...a], envOfRun: firstRunEnv });
  // podman's runs of one command serve every row that compares with it (warm and first run alike).
  const podmanTimes = new Map();
  const podmanOf = (a, list) => {
    const key = a.join(' ');
    if (!podmanTimes.has(key)) podmanTimes.set(key, list ? timeRuns(PODMAN_LIST_RUNS, 'podman', [...flags, ...a], PODMAN_TIMEOUT_S) : timeRuns(PODMAN_RUNS, 'podman', [...flags, ...a]));
    return podmanTimes.get(key);
  };

  // Strata, the floor and node's start-up are timed in turns; podman after them all: a minute
  // of podman listing leaves the machine busy reclaiming its memory, and whatever runs next pays.
  // Each row: name, Strata's command, podman's arguments, whether podman's is a (slow) listing, target.
  const listing = ['images', '--format', 'json'];
  const listingAll = ['images', '--all', '--format', 'json'];
  const commands = [
    ['images --format json', strata(listing), listing, true, 20],
    ['images --format json (first run)', strataFirst(listing), listing, true, 20],
    ['images --all --format json', strata(listingAll), listingAll, true, 100],
    ['images --all --format json (first run)', strataFirst(listingAll), listingAll, true, 100],
    [`inspect ${one}`, strata(['inspect', one]), ['image', 'inspect', one], false, undefined],
    [`history --format json ${one}`, strata(['history', '--format', 'json', one]), ['history', '--format', 'json', one], false, undefined],
  ];
  // The warm rows start from a cache one untimed run has filled.
  for (const [, sp] of commands) if (sp.envOfRun !== firstRunEnv) spawnSync(sp.cmd, sp.argv, { env: warmEnv, stdio: 'ignore' });
  const extraCerts = process.env.NODE_EXTRA_CA_CERTS;
  const [floor, nodeStart, ...strataResults] = timeInTurns(RUNS, [
    { cmd: process.execPath, argv: ['-e', FLOOR_SCRIPT, root, DRIVER], envOfRun: () => launchedEnv },
    { cmd: process.execPath, argv: ['-e', '0'], envOfRun: () => launchedEnv },
    ...commands.map(([, sp]) => sp),
    ...(extraCerts ? [{ cmd: process.execPath, argv: ['-e', '0'] }] : []),
  ]);
  const nodeStartWithCerts = extraCerts ? strataResults.pop() : undefined;
  const rows = commands.map(([name, , podmanArgs, list, target], i) => [name, strataResults[i], podmanOf(podmanArgs, list), target]);

  // The outputs must agree, or the timings mean nothing (rows compared as multisets: podman's
  // sort of equal created times is unstable).
  const canon = (text) => JSON.parse(text).map((r) => JSON.stringify(r)).sort().join('\n');
  for (const [name, s, p] of rows) {
    if (p.timedOut) continue;
    const same = name.startsWith('images') ? canon(s.out) === canon(p.out) : s.out === p.out;
    if (!same) console.log(`WARNING: strata and podman outputs differ for ${name}`);
  }

  const w = 56;
  const head = (a, b, c, d, e, f) => `${a.padEnd(w)}${b.padStart(10)}${c.padStart(11)}${d.padStart(9)}${e.padStart(8)}${f.padStart(9)}`;
  console.log('wall time (medians)');
  console.log(head('command', 'strata', 'podman', 'ratio', 'target', '/floor'));
  for (const [name, s, p, target] of rows) {
    const gt = p.timedOut ? '>' : '';
    console.log(head(name, fmt(s.ms), gt + fmt(p.ms), gt + (p.ms / s.ms).toFixed(1) + '×', target ? `≥${target}×` : '', (s.ms / floor.ms).toFixed(2) + '×'));
  }
  console.log(head('floor: read + JSON.parse images/layers/configs', fmt(floor.ms), '', '', '', ''));
  console.log(head('node -e 0 (process start alone)', fmt(nodeStart.ms), '', '', '', ''));
  if (extraCerts) console.log(head('node -e 0 with NODE_EXTRA_CA_CERTS (as set here)', fmt(nodeStartWithCerts.ms), '', '', '', ''));
  if (GNU_TIME) {
    console.log('\nCPU time, user + sys (medians)');
    console.log(head('command', 'strata', 'podman', 'ratio', 'target', '/floor'));
    for (const [name, s, p, target] of rows) {
      console.log(head(name, fmt(s.cpu), fmt(p.cpu), (p.cpu / s.cpu).toFixed(1) + '×', target ? `≥${target}×` : '', (s.cpu / floor.cpu).toFixed(2) + '×'));
    }
    console.log(head('floor: read + JSON.parse images/layers/configs', fmt(floor.cpu), '', '', '', ''));
    console.log(head('node -e 0 (process start alone)', fmt(nodeStart.cpu), '', '', '', ''));
    if (extraCerts) console.log(head('node -e 0 with NODE_EXTRA_CA_CERTS (as set here)', fmt(nodeStartWithCerts.cpu), '', '', '', ''));
  }
  const misses = rows.filter(([, s, p, target]) => target && p.ms / s.ms < target).map(([n]) => n);
  const slow = rows.filter(([name, s]) => name.startsWith('images') && s.ms > 2 * floor.ms).map(([n]) => n);
  console.log(misses.length ? `\nBELOW TARGET: ${misses.join('; ')}` : '\nlisting targets met (≥20×, ≥100× with --all)');
  console.log(slow.length ? `MORE THAN 2× THE FLOOR: ${slow.join('; ')}` : 'listing within 2× of the floor');
  fs.rmSync(cacheRoot, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e?.stack ?? String(e));
  process.exit(1);
});
