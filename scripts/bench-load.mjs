// `node scripts/bench-load.mjs`: strata load / strata import against podman load / podman import,
// side by side, on an archive made here: one OCI layout with LAYERS layers of FILES files each
// (SIZE_MB in all), plain and gzip'd, loaded into fresh vfs and overlay stores. Prints the
// median wall time of RUNS runs per tool. Needs `npm run build` first and podman on PATH.
//
// Usage: node scripts/bench-load.mjs [--size-mb N] [--runs N]
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import tarStream from 'tar-stream';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const SIZE_MB = arg('size-mb', 256);
const RUNS = arg('runs', 3);
const LAYERS = 4;
const FILES = 400;

const sha = (b) => 'sha256:' + createHash('sha256').update(b).digest('hex');

async function layerTar(seed) {
  const pack = tarStream.pack();
  const chunks = [];
  pack.on('data', (c) => chunks.push(c));
  const done = new Promise((r) => pack.on('end', r));
  const per = Math.floor((SIZE_MB * 1024 * 1024) / LAYERS / FILES);
  for (let i = 0; i < FILES; i++) {
    // Half random, half repetitive: compressible like real binaries and text.
    const body = Buffer.concat([randomBytes(per / 2), Buffer.alloc(per - per / 2, seed + i)]);
    await new Promise((r, j) => pack.entry({ name: `l${seed}/d${i % 20}/f${i}`, mtime: new Date(0), mode: 0o644 }, body, (e) => (e ? j(e) : r())));
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function writeLayout(dir, gzip) {
  fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = (b) => {
    const d = sha(b);
    fs.writeFileSync(path.join(dir, 'blobs', 'sha256', d.slice(7)), b);
    return { digest: d, size: b.length };
  };
  const diffIds = [];
  const layers = [];
  for (let i = 0; i < LAYERS; i++) {
    const t = await layerTar(i);
    diffIds.push(sha(t));
    const blob = gzip ? zlib.gzipSync(t, { level: 1 }) : t;
    layers.push({ mediaType: `application/vnd.oci.image.layer.v1.tar${gzip ? '+gzip' : ''}`, ...put(blob) });
  }
  const config = put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds } })));
  const manifest = put(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers })));
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }] }));
  fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion": "1.0.0"}');
}

function timed(cmd, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Short: podman refuses a runroot longer than 50 characters.
const work = path.join(os.tmpdir(), `sbl-${randomBytes(3).toString('hex')}`);
fs.mkdirSync(work);
try {
  console.log(`Archive: ${LAYERS} layers × ${FILES} files, ${SIZE_MB} MiB uncompressed; ${RUNS} runs each; median seconds`);
  for (const gzip of [false, true]) {
    const layout = path.join(work, gzip ? 'gz' : 'plain');
    await writeLayout(layout, gzip);
    for (const driver of ['vfs', 'overlay']) {
      const results = {};
      for (const tool of ['strata', 'podman']) {
        const times = [];
        for (let i = 0; i < RUNS; i++) {
          const s = path.join(work, `${tool[0]}${driver[0]}${i}`);
          const flags = ['--root', path.join(s, 'root'), '--runroot', path.join(s, 'run'), '--storage-driver', driver];
          times.push(tool === 'strata' ? timed(process.execPath, [CLI, ...flags, 'load', '-q', '-i', layout]) : timed('podman', [...flags, 'load', '-q', '-i', layout]));
          // podman may leave its overlay home bind-mounted on itself.
          spawnSync('umount', [path.join(s, 'root', 'overlay')], { stdio: 'ignore' });
          fs.rmSync(s, { recursive: true, force: true });
        }
        results[tool] = median(times);
      }
      console.log(`load ${gzip ? 'gzip ' : 'plain'} ${driver.padEnd(7)} strata ${results.strata.toFixed(2)} s   podman ${results.podman.toFixed(2)} s   ratio ${(results.strata / results.podman).toFixed(2)}`);
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
