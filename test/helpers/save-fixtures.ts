/*
 * Fixture stores for the save tests, built with the real tools (podman import/build/load, skopeo
 * copy from OCI layouts made here) so that layers, tar-split data and manifests are exactly what
 * podman writes. The layer tars hold the awkward cases: symlinks, hard links, names longer than
 * 100 bytes, unicode names, setuid/setgid/sticky bits, empty dirs, a deep tree, other owners,
 * whiteouts and opaque dirs, a gzip-compressed layer, a layer used twice in one image.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { BLOCK, END_OF_ARCHIVE, goTarHeader, padding } from '../../src/store/go-tar';
import { podman, podmanEnv, tempStore, type Driver, type TempStore } from './podman';

export interface TarSpec {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode?: number;
  data?: Buffer | string;
  link?: string;
  uid?: number;
  gid?: number;
}

/** A tar built in memory (fixtures are small). */
export function makeTar(entries: TarSpec[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? 'file';
    const data = type === 'file' ? Buffer.from(e.data ?? '') : Buffer.alloc(0);
    const typeflag = { file: '0', dir: '5', symlink: '2', hardlink: '1' }[type];
    const mode = e.mode ?? (type === 'dir' ? 0o755 : type === 'symlink' ? 0o777 : 0o644);
    parts.push(
      goTarHeader({
        name: type === 'dir' && !e.name.endsWith('/') ? `${e.name}/` : e.name,
        typeflag,
        mode,
        size: data.length,
        linkname: e.link,
        uid: e.uid ?? 0,
        gid: e.gid ?? 0,
        mtime: 1_700_000_000,
      }),
    );
    parts.push(data, padding(data.length));
  }
  parts.push(END_OF_ARCHIVE, Buffer.alloc(8 * BLOCK)); // GNU-style record padding, kept by tar-split
  return Buffer.concat(parts);
}

/** Deterministic pseudo-random bytes. */
export function noise(n: number, seed = 1): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const sha = (b: Buffer | string): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

export function baseLayer(): Buffer {
  const deep = Array.from({ length: 24 }, (_, i) => String.fromCharCode(97 + i)).join('/');
  const longDir = 'long/' + 'd'.repeat(120);
  return makeTar([
    { name: 'etc', type: 'dir' },
    { name: 'etc/hello.txt', data: 'hello world\n' },
    { name: 'etc/big.bin', data: noise(300_000, 7) },
    { name: 'etc/empty' },
    { name: 'etc/link', type: 'symlink', link: 'hello.txt' },
    { name: 'etc/hard', type: 'hardlink', link: 'etc/hello.txt' },
    { name: 'etc/owned', data: 'not root\n', uid: 1000, gid: 1000, mode: 0o600 },
    { name: 'usr', type: 'dir' },
    { name: 'usr/bin', type: 'dir' },
    { name: 'usr/bin/su', data: noise(1234, 3), mode: 0o4755 },
    { name: 'usr/bin/wall', data: 'sgid\n', mode: 0o2755 },
    { name: 'tmp', type: 'dir', mode: 0o1777 },
    { name: 'var', type: 'dir' },
    { name: 'var/empty', type: 'dir' },
    { name: 'long', type: 'dir' },
    { name: longDir, type: 'dir' },
    { name: `${longDir}/${'f'.repeat(110)}`, data: 'a long name\n' },
    { name: 'unicode', type: 'dir' },
    { name: 'unicode/héllo-wörld-日本語.txt', data: 'ünïcödé\n' },
    { name: 'deep', type: 'dir' },
    ...deep.split('/').map((_, i, all) => ({ name: `deep/${all.slice(0, i + 1).join('/')}`, type: 'dir' as const })),
    { name: `deep/${deep}/bottom.txt`, data: 'deep\n' },
  ]);
}

export function whiteoutLayer(): Buffer {
  return makeTar([
    { name: 'etc', type: 'dir' },
    { name: 'etc/.wh.hello.txt' },
    { name: 'etc/new.txt', data: 'added in layer 2\n' },
    { name: 'var', type: 'dir' },
    { name: 'var/empty', type: 'dir' },
    { name: 'var/empty/.wh..wh..opq' },
    { name: 'var/empty/fresh', data: noise(5000, 11) },
  ]);
}

export function smallLayer(tag: string): Buffer {
  return makeTar([
    { name: 'small', type: 'dir' },
    { name: `small/${tag}.txt`, data: `${tag}\n` },
  ]);
}

interface OciLayer {
  tar: Buffer;
  gzip?: boolean;
}

/** Writes an OCI layout with one image and returns its directory. */
export function makeOciLayout(dir: string, ref: string, layers: OciLayer[], configExtra: Record<string, unknown>): string {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer): string => {
    const d = sha(b);
    fs.writeFileSync(path.join(blobs, d.slice(7)), b);
    return d;
  };
  const descs = layers.map((l) => {
    const blob = l.gzip ? zlib.gzipSync(l.tar) : l.tar;
    return { mediaType: `application/vnd.oci.image.layer.v1.tar${l.gzip ? '+gzip' : ''}`, digest: put(blob), size: blob.length };
  });
  const config = {
    created: '2024-05-06T07:08:09.120000000Z',
    architecture: 'amd64',
    os: 'linux',
    ...configExtra,
    rootfs: { type: 'layers', diff_ids: layers.map((l) => sha(l.tar)) },
    history: layers.map((_, i) => ({ created: '2024-05-06T07:08:09Z', created_by: `layer ${i} <&>`, comment: 'fixture' })),
  };
  // Indented, so that the raw config bytes differ from any re-serialisation.
  const configBytes = Buffer.from(JSON.stringify(config, null, 2));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: put(configBytes), size: configBytes.length },
      layers: descs,
      annotations: { 'org.example.fixture': 'yes' },
    }),
  );
  const md = put(manifest);
  fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: md, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': ref } }],
    }),
  );
  return dir;
}

export function storageRef(store: TempStore, name: string): string {
  return `containers-storage:[${store.driver}@${store.root}+${store.runroot}]${name}`;
}

export function skopeo(store: TempStore, args: string[]): string {
  return execFileSync('skopeo', ['--insecure-policy', ...args], { env: podmanEnv(store), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A docker-archive with a Docker-style config (container_config, docker_version, an offset time). */
export function dockerStyleArchive(file: string): void {
  const layer = smallLayer('docker');
  const config = Buffer.from(
    '{"architecture":"amd64","config":{"Hostname":"","Env":["PATH=/bin"],"Cmd":["/bin/sh"],"Labels":{"a<b":"x&y"},"ExposedPorts":{"80/tcp":{}}},' +
      '"container":"abc","container_config":{"Hostname":"abc","Cmd":["/bin/sh","-c","#(nop) LABEL"]},' +
      '"created":"2021-06-01T10:00:00.000+02:00","docker_version":"20.10.7","os":"linux",' +
      `"rootfs":{"type":"layers","diff_ids":["${sha(layer)}"]},"history":[{"created":"2021-06-01T10:00:00.000+02:00","created_by":"/bin/sh -c #(nop) ADD file"}]}`,
  );
  const cfgName = `${sha(config).slice(7)}.json`;
  const layerName = `${sha(layer).slice(7)}.tar`;
  const manifest = Buffer.from(JSON.stringify([{ Config: cfgName, RepoTags: ['dock:1'], Layers: [layerName] }]));
  const entries: TarSpec[] = [
    { name: layerName, data: layer },
    { name: cfgName, data: config },
    { name: 'manifest.json', data: manifest },
  ];
  fs.writeFileSync(file, makeTar(entries));
}

export interface SaveFixture {
  store: TempStore;
  /** name → image ID */
  ids: Record<string, string>;
}

/** Builds the fixture store for one driver (about 10 s with vfs). */
export function buildSaveFixture(driver: Driver): SaveFixture {
  const store = tempStore(driver, 'strata-save-');
  const work = path.join(store.dir, 'work');
  fs.mkdirSync(work);
  const base = baseLayer();
  fs.writeFileSync(path.join(work, 'base.tar'), base);
  podman(store, ['import', '--change', 'CMD ["/bin/true"]', '--message', 'base import', path.join(work, 'base.tar'), 'localhost/base:v1']);

  const multi = makeOciLayout(path.join(work, 'multi'), 'multi', [{ tar: base }, { tar: whiteoutLayer(), gzip: true }], {
    config: { Env: ['PATH=/usr/bin'], Cmd: ['/bin/sh'], Labels: { 'a<b': 'x&y' } },
  });
  skopeo(store, ['copy', '-q', `oci:${multi}:multi`, storageRef(store, 'localhost/multi:v1')]);

  const dup = makeOciLayout(path.join(work, 'dup'), 'dup', [{ tar: smallLayer('dup') }, { tar: smallLayer('dup') }], {});
  skopeo(store, ['copy', '-q', `oci:${dup}:dup`, storageRef(store, 'localhost/dup:1')]);

  const ctx = path.join(work, 'ctx');
  fs.mkdirSync(ctx);
  fs.writeFileSync(path.join(ctx, 'added.txt'), 'added by COPY\n');
  fs.writeFileSync(path.join(ctx, 'Containerfile'), 'FROM localhost/base:v1\nCOPY added.txt /added.txt\nLABEL stage=app\n');
  podman(store, ['build', '-q', '--pull=never', '-t', 'localhost/app:v1', '-f', path.join(ctx, 'Containerfile'), ctx]);
  podman(store, ['tag', 'localhost/app:v1', 'localhost/app:latest']);
  fs.writeFileSync(path.join(ctx, 'Empty'), 'FROM scratch\nLABEL empty=1\n');
  podman(store, ['build', '-q', '--pull=never', '-t', 'localhost/empty:1', '-f', path.join(ctx, 'Empty'), ctx]);

  dockerStyleArchive(path.join(work, 'dock.tar'));
  podman(store, ['load', '-q', '-i', path.join(work, 'dock.tar')]);

  const ids: Record<string, string> = {};
  for (const name of ['localhost/base:v1', 'localhost/multi:v1', 'localhost/dup:1', 'localhost/app:v1', 'localhost/empty:1', 'localhost/dock:1']) {
    ids[name] = podman(store, ['image', 'inspect', '--format', '{{.Id}}', name]).trim();
  }
  return { store, ids };
}
