// Creates a small demo store with Strata itself (no podman needed): a few images sharing layers,
// written as OCI layouts by this script and stored with `strata load`. Idempotent: an existing
// demo store is reused. Used by `npm run start` when the machine has no images of its own.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(repo, 'dist', 'cli.js');
const sha = (b) => createHash('sha256').update(b).digest('hex');
const CREATED = '2026-01-15T09:00:00Z';

/** Uncompressed tar of `files` (name → content), built with tar(1) for a faithful format. */
function layerTar(work, name, files) {
  const src = path.join(work, `src-${name}`);
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, p)), { recursive: true });
    fs.writeFileSync(path.join(src, p), content);
  }
  const out = path.join(work, `${name}.tar`);
  execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=2026-01-15', '-cf', out, '-C', src, '.']);
  return fs.readFileSync(out);
}

function writeBlob(layout, data) {
  const digest = sha(data);
  fs.mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  fs.writeFileSync(path.join(layout, 'blobs', 'sha256', digest), data);
  return { digest: `sha256:${digest}`, size: data.length };
}

/** One OCI image layout directory holding one image named `ref`. */
function ociLayout(dir, ref, layers, { labels = {}, cmd = ['/bin/sh'], steps }) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const layerDescs = layers.map((tar) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...writeBlob(dir, tar) }));
  const config = {
    created: CREATED,
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: cmd, Labels: labels },
    rootfs: { type: 'layers', diff_ids: layerDescs.map((d) => d.digest) },
    history: steps.map((s) => ({ created: CREATED, created_by: s, comment: 'strata demo' })),
  };
  const cfg = writeBlob(dir, Buffer.from(JSON.stringify(config)));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg }, layers: layerDescs }));
  const m = writeBlob(dir, manifest);
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': ref } }] }),
  );
}

export function demoStorePaths(base = path.join(repo, '.cache', 'demo-store')) {
  return { base, root: path.join(base, 'root'), runRoot: path.join(base, 'run'), driver: 'vfs' };
}

/** Creates the demo store unless it exists; returns its location. */
export function ensureDemoStore(paths = demoStorePaths(), log = (s) => process.stderr.write(s + '\n')) {
  const marker = path.join(paths.base, '.complete');
  if (fs.existsSync(marker)) return paths;
  fs.rmSync(paths.base, { recursive: true, force: true });
  fs.mkdirSync(paths.base, { recursive: true });
  log(`[demo] creating a demo store in ${paths.root} with strata load`);
  // Lower case only: a layout's path can end up in the image name when its ref.name is unusable.
  const work = path.join(os.tmpdir(), `strata-demo-${process.pid}-${Date.now()}`);
  fs.mkdirSync(work, { recursive: true });
  const base = layerTar(work, 'base', { 'etc/os-release': 'ID=strata-demo\nNAME="Strata demo"\n', 'bin/hello': '#!/bin/sh\necho hello\n' });
  const app = layerTar(work, 'app', { 'srv/app/index.html': '<h1>demo</h1>\n', 'srv/app/app.conf': 'port=8080\n' });
  const patch = layerTar(work, 'patch', { 'srv/app/app.conf': 'port=8081\n' });
  const tools = layerTar(work, 'tools', { 'usr/local/bin/tool': '#!/bin/sh\necho tool\n' });
  const images = [
    ['localhost/demo/base:1.0', [base], { steps: ['ADD rootfs /'] }],
    ['localhost/demo/app:1.0', [base, app], { steps: ['ADD rootfs /', 'COPY app /srv/app'], labels: { 'org.opencontainers.image.title': 'Demo app', 'org.opencontainers.image.version': '1.0' }, cmd: ['/bin/hello'] }],
    ['localhost/demo/app:1.1', [base, app, patch], { steps: ['ADD rootfs /', 'COPY app /srv/app', 'COPY app.conf /srv/app/'], labels: { 'org.opencontainers.image.title': 'Demo app', 'org.opencontainers.image.version': '1.1' } }],
    ['localhost/demo/tools:latest', [base, tools], { steps: ['ADD rootfs /', 'COPY tool /usr/local/bin/'] }],
  ];
  const g = ['--root', paths.root, '--runroot', paths.runRoot, '--storage-driver', paths.driver];
  images.forEach(([ref, layers, opts], i) => {
    const dir = path.join(work, `layout-${i}`);
    ociLayout(dir, ref, layers, opts);
    execFileSync(process.execPath, [CLI, ...g, 'load', '-q', '-i', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    // Like podman, loading an OCI directory names the image after the directory: rename it.
    const loadedAs = `localhost${dir}:latest`;
    execFileSync(process.execPath, [CLI, ...g, 'tag', loadedAs, ref], { stdio: 'inherit' });
    execFileSync(process.execPath, [CLI, ...g, 'untag', ref, loadedAs], { stdio: 'inherit' });
  });
  execFileSync(process.execPath, [CLI, ...g, 'tag', 'localhost/demo/app:1.1', 'localhost/demo/app:latest'], { stdio: 'inherit' });
  fs.rmSync(work, { recursive: true, force: true });
  fs.writeFileSync(marker, new Date().toISOString() + '\n');
  return paths;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const p = ensureDemoStore();
  process.stdout.write(`${JSON.stringify(p)}\n`);
}
