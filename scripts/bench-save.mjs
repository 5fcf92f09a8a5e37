// Benchmark: `strata save` vs `podman save` of a >= 1 GiB image, same format, side by side, plus
// the floor `tar cf - <layer dir> | sha256sum` (read every layer file once and hash it).
// Reports wall time, throughput (uncompressed layer bytes / s), the Strata/podman ratio and
// peak RSS of each. The image is built once with podman from pseudo-random data and cached under
// bench/.stores/ (git-ignored). Usage: npm run bench:save -- [--driver overlay|vfs]
//   [--formats docker-archive,oci-dir] [--runs 3] [--size-mib 1100] [--nice]
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const driver = opt('driver', 'overlay');
const formats = opt('formats', 'docker-archive').split(',');
const runs = Number(opt('runs', '3'));
const sizeMiB = Number(opt('size-mib', '1100'));
const NICE = args.includes('--nice');
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const base = path.join(repo, 'bench', '.stores', `save-${driver}-${sizeMiB}`);
const root = path.join(base, 'root');
const runroot = path.join(base, 'run');
const flags = ['--root', root, '--runroot', runroot, '--storage-driver', driver];
const env = { ...process.env, CONTAINERS_STORAGE_CONF: path.join(base, 'storage.conf') };
const IMAGE = 'localhost/bench:big';
const cli = path.join(repo, 'dist', 'cli.js');

function podman(a, opts = {}) {
  return execFileSync('podman', [...flags, ...a], { env, encoding: 'utf8', maxBuffer: 1 << 26, ...opts });
}

/** Files of pseudo-random (incompressible) and repetitive (compressible) data, plus many small files. */
function writeTree(dir, mib, seed) {
  fs.mkdirSync(dir, { recursive: true });
  let left = mib * 1024 * 1024;
  let i = 0;
  const block = randomBytes(1024 * 1024);
  while (left > 0) {
    const size = Math.min(left, (4 + (i % 13)) * 1024 * 1024);
    const fd = fs.openSync(path.join(dir, `blob-${seed}-${i}.bin`), 'w');
    for (let off = 0; off < size; off += block.length) {
      const n = Math.min(block.length, size - off);
      // Vary each MiB so the layer is not trivially deduplicable.
      block.writeUInt32LE(i * 100003 + off, 0);
      fs.writeSync(fd, i % 4 === 3 ? Buffer.alloc(n, i & 0xff) : block.subarray(0, n));
    }
    fs.closeSync(fd);
    left -= size;
    i++;
  }
  const small = path.join(dir, 'small');
  fs.mkdirSync(small);
  for (let k = 0; k < 5000; k++) {
    const sub = path.join(small, `d${k % 50}`);
    if (k < 50) fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, `f${k}.txt`), randomBytes(1 + (k % 4096)));
  }
}

function ensureImage() {
  fs.mkdirSync(base, { recursive: true });
  fs.writeFileSync(env.CONTAINERS_STORAGE_CONF, `[storage]\ndriver = "${driver}"\ngraphroot = "${root}"\nrunroot = "${runroot}"\n`);
  try {
    podman(['image', 'exists', IMAGE], { stdio: 'ignore' });
    return;
  } catch {
    // build it below
  }
  console.error(`building ${IMAGE} (${sizeMiB} MiB) in ${base} …`);
  const work = path.join(base, 'work');
  fs.rmSync(work, { recursive: true, force: true });
  const first = Math.round(sizeMiB * 0.6);
  writeTree(path.join(work, 'l1', 'data1'), first, 1);
  execFileSync('tar', ['-C', path.join(work, 'l1'), '-cf', path.join(work, 'l1.tar'), '.']);
  podman(['import', '-q', path.join(work, 'l1.tar'), 'localhost/bench:base']);
  fs.rmSync(path.join(work, 'l1'), { recursive: true, force: true });
  fs.rmSync(path.join(work, 'l1.tar'));
  writeTree(path.join(work, 'ctx', 'data2'), sizeMiB - first, 2);
  fs.writeFileSync(path.join(work, 'ctx', 'Containerfile'), 'FROM localhost/bench:base\nCOPY data2 /data2\n');
  podman(['build', '-q', '--pull=never', '-t', IMAGE, path.join(work, 'ctx')]);
  fs.rmSync(work, { recursive: true, force: true });
}

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Runs a command; returns wall seconds, CPU seconds (user+sys, from /usr/bin/time when present)
 * and the peak RSS of it and its descendants, sampled from /proc every 10 ms. CPU time matters
 * on a shared machine, where wall time depends on what else runs.
 */
function measure(cmd, argv) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let [c, a] = TIME ? [TIME, ['-f', 'CPU %U %S', cmd, ...argv]] : [cmd, argv];
    // --nice: run every contender at the highest priority, so that other load on a shared machine
    // does not decide the comparison (needs root).
    if (NICE) [c, a] = ['nice', ['-n', '-20', c, ...a]];
    const child = spawn(c, a, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let peak = 0;
    const tree = () => {
      const pids = [child.pid];
      for (let i = 0; i < pids.length; i++) {
        try {
          const kids = fs.readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8').trim();
          if (kids) pids.push(...kids.split(/\s+/).map(Number));
        } catch {
          // exited
        }
      }
      let rss = 0;
      for (const p of pids) {
        try {
          const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
          if (m) rss += Number(m[1]) * 1024;
        } catch {
          // exited
        }
      }
      peak = Math.max(peak, rss);
    };
    const timer = setInterval(tree, 10);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      if (code !== 0) reject(new Error(`${cmd} ${argv.join(' ')} failed (${code}): ${stderr}`));
      else resolve({ wall, peak, cpu: m ? Number(m[1]) + Number(m[2]) : NaN });
    });
  });
}

function layerBytes() {
  const info = JSON.parse(podman(['image', 'inspect', IMAGE]))[0];
  const layers = JSON.parse(fs.readFileSync(path.join(root, `${driver}-layers`, 'layers.json'), 'utf8'));
  const byDiff = new Map(layers.map((l) => [l['diff-digest'], l]));
  const chain = info.RootFS.Layers.map((d) => byDiff.get(d));
  return { bytes: chain.reduce((n, l) => n + l['diff-size'], 0), chain };
}

function layerDirs(chain) {
  return chain.map((l) => (driver === 'vfs' ? path.join(root, 'vfs', 'dir', l.id) : path.join(root, 'overlay', l.id, 'diff')));
}

const fmtMiB = (b) => (b / 1024 / 1024).toFixed(0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (!fs.existsSync(cli)) throw new Error('run `npm run build` first');
  ensureImage();
  const { bytes, chain } = layerBytes();
  console.log(`image ${IMAGE}: ${chain.length} layers, ${fmtMiB(bytes)} MiB uncompressed, driver ${driver}, ${runs} runs each (median)`);
  const out = path.join(base, 'out');
  const results = [];

  // Floor: read and hash every layer's files once, the least any exporter must do.
  const floor = [];
  for (let r = 0; r < runs; r++) {
    const dirs = layerDirs(chain);
    const cmd = dirs.map((d) => `tar cf - -C '${d}' . | sha256sum >/dev/null`).join(' && ');
    floor.push(await measure('bash', ['-c', cmd]));
  }
  const floorWall = median(floor.map((m) => m.wall));
  results.push({ what: 'floor: tar cf - <layer dirs> | sha256sum', wall: floorWall, cpu: median(floor.map((m) => m.cpu)), peak: Math.max(...floor.map((m) => m.peak)) });

  for (const format of formats) {
    const strata = [];
    const pod = [];
    for (let r = 0; r < runs; r++) {
      for (const who of r % 2 === 0 ? ['podman', 'strata'] : ['strata', 'podman']) {
        fs.rmSync(out, { recursive: true, force: true });
        // Write back the previous run's output first, so that no contender pays for another's.
        execFileSync('sync');
        if (who === 'podman') pod.push(await measure('podman', [...flags, 'save', '-q', '--format', format, '-o', out, IMAGE]));
        else strata.push(await measure(process.execPath, [cli, ...flags, 'save', '-q', '--format', format, '-o', out, IMAGE]));
      }
    }
    if (format === 'docker-archive') {
      // Sanity: the outputs must be identical.
      const a = path.join(base, 'p.tar');
      const b = path.join(base, 's.tar');
      for (const f of [a, b]) fs.rmSync(f, { force: true });
      podman(['save', '-q', '-o', a, IMAGE]);
      execFileSync(process.execPath, [cli, ...flags, 'save', '-q', '-o', b, IMAGE], { env });
      const h = (f) => execFileSync('sha256sum', [f], { encoding: 'utf8' }).split(' ')[0];
      if (h(a) !== h(b)) throw new Error('strata and podman docker-archives differ');
      fs.rmSync(a);
      fs.rmSync(b);
    }
    const sw = median(strata.map((m) => m.wall));
    const pw = median(pod.map((m) => m.wall));
    const sc = median(strata.map((m) => m.cpu));
    const pc = median(pod.map((m) => m.cpu));
    results.push({ what: `podman save --format ${format}`, wall: pw, cpu: pc, peak: Math.max(...pod.map((m) => m.peak)) });
    results.push({ what: `strata save --format ${format}`, wall: sw, cpu: sc, peak: Math.max(...strata.map((m) => m.peak)), ratio: pw / sw, cpuRatio: pc / sc });
  }
  fs.rmSync(out, { recursive: true, force: true });

  console.log('');
  console.log(`load average before: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${os.cpus().length} CPUs`);
  console.log(
    'what'.padEnd(44),
    'wall s'.padStart(8),
    'MiB/s'.padStart(8),
    'CPU s'.padStart(7),
    'peak RSS MiB'.padStart(13),
    'wall vs podman'.padStart(15),
    'CPU vs podman'.padStart(14),
  );
  for (const r of results) {
    console.log(
      r.what.padEnd(44),
      r.wall.toFixed(2).padStart(8),
      (bytes / 1024 / 1024 / r.wall).toFixed(0).padStart(8),
      (Number.isNaN(r.cpu) ? '-' : r.cpu.toFixed(2)).padStart(7),
      fmtMiB(r.peak).padStart(13),
      (r.ratio ? `${r.ratio.toFixed(2)}x` : '').padStart(15),
      (r.cpuRatio ? `${r.cpuRatio.toFixed(2)}x` : '').padStart(14),
    );
  }
  console.log(JSON.stringify({ bench: 'save', driver, bytes, results }));
}

main().catch((e) => {
  console.error(e.stack ?? String(e));
  process.exit(1);
});

