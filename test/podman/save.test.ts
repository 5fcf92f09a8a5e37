/*
 * Differential tests of `save` against podman 4.3.1 on fixture stores (vfs for everything,
 * overlay for the byte-identity and round-trip cases): docker-archive output must be byte-identical
 * to `podman save`; uncompressed OCI and docker-dir output identical file by file; compressed OCI
 * output equal up to the compressed digests; everything Strata writes must load back into podman
 * with the same image, and skopeo/umoci must accept it. Cancel and corruption leave no output.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { Store } from '../../src/store/store';
import { saveImages, type SaveFormat } from '../../src/store/save';
import { isStoreError } from '../../src/store/errors';
import { podman, podmanTest, tempStore, type TempStore } from '../helpers/podman';
import { buildSaveFixture, makeTar, type SaveFixture } from '../helpers/save-fixtures';

const opts = podmanTest();
let vfs: SaveFixture;
let overlay: SaveFixture;
let out: string;

function open(f: SaveFixture): Store {
  return Store.open({
    config: { graphRoot: f.store.root, runRoot: f.store.runroot, driver: f.store.driver, driverOptions: [], additionalImageStores: [], transientStore: false, rootless: false },
  });
}

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Every file under dir with its content hash (symlink targets for links). */
function tree(dir: string): Record<string, string> {
  const res: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const abs = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(abs);
      if (st.isDirectory()) {
        res[r + '/'] = (st.mode & 0o777).toString(8);
        walk(abs, r);
      } else {
        res[r] = `${(st.mode & 0o777).toString(8)} ${sha(abs)}`;
      }
    }
  };
  walk(dir, '');
  return res;
}

before(() => {
  if (opts.skip) return;
  vfs = buildSaveFixture('vfs');
  overlay = buildSaveFixture('overlay');
  out = fs.mkdtempSync(path.join(vfs.store.dir, 'out-'));
});

after(() => {
  vfs?.store.remove();
  overlay?.store.remove();
});

async function strataSave(f: SaveFixture, file: string, names: string[], extra: { format?: SaveFormat; multiImage?: boolean; uncompressed?: boolean; compress?: boolean } = {}): Promise<void> {
  await saveImages(open(f), { names, output: file, ...extra });
}

function podmanSave(f: SaveFixture, file: string, args: string[]): void {
  podman(f.store, ['save', '-q', '-o', file, ...args]);
}

const DOCKER_ARCHIVE_CASES: { name: string; args: string[]; multi?: boolean }[] = [
  { name: 'single', args: ['localhost/app:v1'] },
  { name: 'whiteouts-and-gzip-source', args: ['localhost/multi:v1'] },
  { name: 'extra-tags', args: ['localhost/app:v1', 'localhost/app:latest', 'quay.io/x/y:z'] },
  { name: 'short-names-and-normalized-extra-tags', args: ['app:v1', 'app:latest', 'foo:bar', 'Foo', 'x', 'docker.io/foo'] },
  { name: 'multi-with-duplicate-layer', args: ['localhost/app:v1', 'localhost/base:v1', 'localhost/dup:1', 'localhost/multi:v1', 'localhost/app:latest', 'localhost/dock:1'], multi: true },
  { name: 'zero-layer', args: ['localhost/empty:1'] },
  { name: 'docker-schema2-source', args: ['localhost/dock:1'] },
];

test('docker-archive is byte-identical to podman save (vfs)', opts, async () => {
  const cases = [
    ...DOCKER_ARCHIVE_CASES,
    { name: 'by-id', args: [vfs.ids['localhost/app:v1']!] },
    { name: 'by-id-prefix', args: [vfs.ids['localhost/app:v1']!.slice(0, 10)] },
    { name: 'by-sha256-id', args: [`sha256:${vfs.ids['localhost/dup:1']!}`] },
    {
      name: 'multi-dedup-by-name-then-id',
      args: ['app:v1', 'base:v1', 'app:latest', 'dup:1', vfs.ids['localhost/app:v1']!.slice(0, 12), 'localhost/app:v1', 'multi:v1'],
      multi: true,
    },
  ];
  for (const c of cases) {
    const p = path.join(out, `${c.name}.podman.tar`);
    const s = path.join(out, `${c.name}.strata.tar`);
    podmanSave(vfs, p, [...(c.multi ? ['-m'] : []), ...c.args]);
    await strataSave(vfs, s, c.args, { multiImage: c.multi });
    assert.equal(sha(s), sha(p), `docker-archive ${c.name} differs from podman's`);
  }
});

test('docker-archive is byte-identical to podman save (overlay)', opts, async () => {
  for (const c of DOCKER_ARCHIVE_CASES) {
    const p = path.join(out, `ov-${c.name}.podman.tar`);
    const s = path.join(out, `ov-${c.name}.strata.tar`);
    podmanSave(overlay, p, [...(c.multi ? ['-m'] : []), ...c.args]);
    await strataSave(overlay, s, c.args, { multiImage: c.multi });
    assert.equal(sha(s), sha(p), `docker-archive ${c.name} differs from podman's (overlay)`);
  }
});

test('uncompressed oci-dir and docker-dir are identical to podman, file by file', opts, async () => {
  for (const img of ['localhost/app:v1', 'localhost/multi:v1', 'localhost/dup:1', 'localhost/empty:1', 'localhost/dock:1']) {
    const tag = img.replace(/[/:]/g, '_');
    for (const [format, flags] of [
      ['oci-dir', ['--uncompressed']],
      ['docker-dir', []],
    ] as const) {
      const p = path.join(out, `${tag}.${format}.podman`);
      const s = path.join(out, `${tag}.${format}.strata`);
      podmanSave(vfs, p, ['--format', format, ...flags, img]);
      await strataSave(vfs, s, [img], { format, uncompressed: flags.length > 0 });
      assert.deepEqual(tree(s), tree(p), `${format} of ${img}`);
    }
  }
});

/** Replaces every digest/size of compressed blobs with placeholders so podman's pgzip and our gzip compare. */
function normalizeCompressed(dir: string): { index: unknown; manifest: unknown; config: string; files: number } {
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
  const mdigest = index.manifests[0].digest as string;
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'blobs/sha256', mdigest.slice(7)), 'utf8'));
  const config = fs.readFileSync(path.join(dir, 'blobs/sha256', manifest.config.digest.slice(7)), 'utf8');
  for (const l of manifest.layers) {
    if (l.mediaType.endsWith('+gzip')) {
      l.digest = 'gzip';
      l.size = 0;
    }
  }
  index.manifests[0].digest = 'manifest';
  index.manifests[0].size = 0;
  return { index, manifest, config, files: fs.readdirSync(path.join(dir, 'blobs/sha256')).length };
}

test('compressed oci-dir matches podman up to the gzip bytes, and layers decompress to the diff IDs', opts, async () => {
  for (const img of ['localhost/app:v1', 'localhost/multi:v1', 'localhost/dup:1', 'localhost/dock:1']) {
    const tag = img.replace(/[/:]/g, '_');
    const p = path.join(out, `${tag}.ocigz.podman`);
    const s = path.join(out, `${tag}.ocigz.strata`);
    podmanSave(vfs, p, ['--format', 'oci-dir', img]);
    await strataSave(vfs, s, [img], { format: 'oci-dir' });
    assert.deepEqual(normalizeCompressed(s), normalizeCompressed(p), `oci-dir of ${img}`);
    assert.equal(fs.readFileSync(path.join(s, 'oci-layout'), 'utf8'), '{"imageLayoutVersion": "1.0.0"}');
    const n = normalizeCompressed(s);
    const cfg = JSON.parse(n.config);
    const manifest = JSON.parse(
      fs.readFileSync(path.join(s, 'blobs/sha256', JSON.parse(fs.readFileSync(path.join(s, 'index.json'), 'utf8')).manifests[0].digest.slice(7)), 'utf8'),
    );
    manifest.layers.forEach((l: { digest: string }, i: number) => {
      const raw = execFileSync('gzip', ['-dc', path.join(s, 'blobs/sha256', l.digest.slice(7))], { maxBuffer: 1 << 28 });
      assert.equal('sha256:' + createHash('sha256').update(raw).digest('hex'), cfg.rootfs.diff_ids[i]);
    });
  }
});

test('docker-dir --compress matches podman up to the gzip bytes', opts, async () => {
  const p = path.join(out, 'ddgz.podman');
  const s = path.join(out, 'ddgz.strata');
  podman(vfs.store, ['save', '-q', '--format', 'docker-dir', '--compress', '-o', p, 'localhost/multi:v1']);
  await strataSave(vfs, s, ['localhost/multi:v1'], { format: 'docker-dir', compress: true });
  const norm = (dir: string): unknown => {
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    for (const l of m.layers) [l.digest, l.size] = ['x', 0];
    return { m, files: fs.readdirSync(dir).length, version: fs.readFileSync(path.join(dir, 'version'), 'utf8') };
  };
  assert.deepEqual(norm(s), norm(p));
});

test('oci-archive holds the same layout as podman', opts, async () => {
  const p = path.join(out, 'oa.podman.tar');
  const s = path.join(out, 'oa.strata.tar');
  podmanSave(vfs, p, ['--format', 'oci-archive', 'localhost/app:v1']);
  await strataSave(vfs, s, ['localhost/app:v1'], { format: 'oci-archive' });
  const list = (f: string): string[] =>
    execFileSync('tar', ['-tvf', f], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => {
        const cols = l.split(/\s+/);
        return `${cols[0]} ${cols[1]} ${cols[5]!.replace(/[0-9a-f]{64}/, 'HEX')}`;
      });
  assert.deepEqual(list(s), list(p));
  for (const [f, dir] of [
    [p, path.join(out, 'oa.p')],
    [s, path.join(out, 'oa.s')],
  ] as const) {
    fs.mkdirSync(dir);
    execFileSync('tar', ['-xf', f, '-C', dir]);
  }
  assert.deepEqual(normalizeCompressed(path.join(out, 'oa.s')), normalizeCompressed(path.join(out, 'oa.p')));
});

interface Inspected {
  Id: string;
  RepoTags: string[];
  RootFS: { Layers: string[] };
  Config: unknown;
  History: unknown;
  Labels: unknown;
}

function inspect(store: TempStore, name: string): Inspected {
  return JSON.parse(podman(store, ['image', 'inspect', name]))[0] as Inspected;
}

test('podman load accepts every format Strata writes and gets the same image', opts, async () => {
  const target = tempStore('vfs', 'strata-load-');
  // podman names an oci-dir load after its path, which must be lowercase.
  const loadDir = path.join(os.tmpdir(), `strata-save-load-${process.pid}`);
  fs.mkdirSync(loadDir, { recursive: true });
  try {
    for (const [f, imgs] of [
      [vfs, ['localhost/app:v1', 'localhost/multi:v1', 'localhost/dock:1']],
      [overlay, ['localhost/multi:v1']],
    ] as const) {
      for (const img of imgs) {
        const orig = inspect(f.store, img);
        for (const format of ['docker-archive', 'oci-archive', 'oci-dir', 'docker-dir'] as const) {
          const file = path.join(loadDir, `${f.store.driver}-${img.replace(/[/:]/g, '_')}-${format}`);
          await strataSave(f, file, [img], { format });
          const loaded = podman(target, ['load', '-q', '-i', file]).trim();
          // OCI output of a Docker-format image re-serialises its config: podman gives it a new ID too.
          const converted = img === 'localhost/dock:1' && format.startsWith('oci');
          const expectName = {
            'docker-archive': img,
            'oci-archive': img,
            'oci-dir': `localhost${file}`,
            'docker-dir': undefined,
          }[format];
          const ref = expectName ?? loaded.replace(/^Loaded image: /, '').replace(/^sha256:/, '');
          if (expectName) assert.match(loaded, new RegExp(`Loaded image: ${expectName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), `${format} name`);
          const got = inspect(target, ref);
          if (!converted) assert.equal(got.Id, orig.Id, `${format} of ${img}: image ID`);
          assert.deepEqual(got.RootFS.Layers, orig.RootFS.Layers, `${format} of ${img}: diff IDs`);
          assert.deepEqual(got.Config, orig.Config, `${format} of ${img}: config`);
          assert.deepEqual(got.History, orig.History, `${format} of ${img}: history`);
          assert.deepEqual(got.Labels, orig.Labels, `${format} of ${img}: labels`);
          podman(target, ['rmi', '-f', got.Id]);
        }
      }
    }
  } finally {
    target.remove();
    fs.rmSync(loadDir, { recursive: true, force: true });
  }
});

test('skopeo inspects every format and umoci validates the OCI layout', opts, async () => {
  const base = path.join(out, 'inspect');
  await strataSave(vfs, `${base}.da.tar`, ['localhost/multi:v1']);
  await strataSave(vfs, `${base}.oa.tar`, ['localhost/multi:v1'], { format: 'oci-archive' });
  await strataSave(vfs, `${base}.od`, ['localhost/multi:v1'], { format: 'oci-dir' });
  await strataSave(vfs, `${base}.dd`, ['localhost/multi:v1'], { format: 'docker-dir' });
  const layers = inspect(vfs.store, 'localhost/multi:v1').RootFS.Layers;
  for (const ref of [`docker-archive:${base}.da.tar`, `oci-archive:${base}.oa.tar`, `oci:${base}.od:localhost/multi:v1`, `dir:${base}.dd`]) {
    const r = JSON.parse(execFileSync('skopeo', ['inspect', '--config', ref], { encoding: 'utf8' }));
    assert.deepEqual(r.rootfs.diff_ids, layers, ref);
  }
  if (spawnSync('umoci', ['--version']).status === 0) {
    const stat = execFileSync('umoci', ['stat', '--json', '--image', `${base}.od:localhost/multi:v1`], { encoding: 'utf8' });
    assert.equal(JSON.parse(stat).history.length, 2);
  } else if (process.env.STRATA_REQUIRE_PODMAN === '1') {
    assert.fail('umoci is required in CI (.ci/run installs it)');
  }
});

test('podman refusals: existing docker-archive, --compress outside docker-dir, several images in OCI', opts, async () => {
  const file = path.join(out, 'exists.tar');
  fs.writeFileSync(file, 'keep me');
  await assert.rejects(strataSave(vfs, file, ['localhost/app:v1']), (e) => isStoreError(e, 'OutputExists'));
  assert.equal(fs.readFileSync(file, 'utf8'), 'keep me');
  await saveImages(open(vfs), { names: ['localhost/app:v1'], output: file, overwrite: true });
  assert.equal(sha(file), sha(path.join(out, 'single.podman.tar')));
  await assert.rejects(strataSave(vfs, path.join(out, 'c.tar'), ['localhost/app:v1'], { compress: true }), /--compress can only be set/);
  await assert.rejects(
    strataSave(vfs, path.join(out, 'm.tar'), ['localhost/app:v1', 'localhost/dup:1'], { format: 'oci-archive', multiImage: true }),
    /unsupported format "oci-archive" for saving multiple images/,
  );
  const notImage = path.join(out, 'not-an-image');
  fs.mkdirSync(notImage);
  fs.writeFileSync(path.join(notImage, 'precious'), 'x');
  await assert.rejects(strataSave(vfs, notImage, ['localhost/app:v1'], { format: 'docker-dir' }), /don't want to overwrite important data/);
  assert.deepEqual(fs.readdirSync(notImage), ['precious']);
  await assert.rejects(strataSave(vfs, path.join(out, 'nope.tar'), ['localhost/nope:1']), (e) => isStoreError(e, 'ImageNotKnown'));
});

function leftovers(dir: string, base: string): string[] {
  return fs.readdirSync(dir).filter((n) => n === base || n.startsWith(`.${base}.`));
}

test('cancelling half-way leaves no output, for every format', opts, async () => {
  for (const format of ['docker-archive', 'oci-archive', 'oci-dir', 'docker-dir'] as const) {
    const dir = fs.mkdtempSync(path.join(out, 'cancel-'));
    const file = path.join(dir, `out-${format}`);
    const ac = new AbortController();
    let seen = 0;
    await assert.rejects(
      saveImages(open(vfs), {
        names: ['localhost/multi:v1'],
        output: file,
        format,
        signal: ac.signal,
        onProgress: (p) => {
          seen = p.bytesDone;
          if (p.bytesDone > 0 && p.bytesDone < p.bytesTotal) ac.abort();
        },
      }),
      (e) => isStoreError(e, 'Cancelled'),
    );
    assert.ok(seen > 0, 'progress was reported before the cancel');
    assert.deepEqual(leftovers(dir, path.basename(file)), [], `${format}: partial output left behind`);
  }
});

test('a corrupted layer file fails with DigestMismatch and leaves no output', opts, async () => {
  const store = tempStore('vfs', 'strata-corrupt-');
  try {
    const tarFile = path.join(store.dir, 'l.tar');
    fs.writeFileSync(tarFile, makeTar([{ name: 'etc', type: 'dir' }, { name: 'etc/data.txt', data: 'original content\n' }]));
    podman(store, ['import', '-q', tarFile, 'localhost/corrupt:1']);
    // A base layer's ID is its diff ID.
    const layerId = inspect(store, 'localhost/corrupt:1').RootFS.Layers[0]!.slice(7);
    const f: SaveFixture = { store, ids: {} };
    const ok = path.join(store.dir, 'ok.tar');
    await strataSave(f, ok, ['localhost/corrupt:1']);
    fs.writeFileSync(path.join(store.root, 'vfs', 'dir', layerId, 'etc', 'data.txt'), 'tampered content\n');
    for (const format of ['docker-archive', 'oci-dir'] as const) {
      const file = path.join(store.dir, `bad-${format}`);
      await assert.rejects(strataSave(f, file, ['localhost/corrupt:1'], { format }), (e) => isStoreError(e, 'DigestMismatch') && /data\.txt/.test((e as Error).message));
      assert.deepEqual(leftovers(store.dir, path.basename(file)), []);
    }
  } finally {
    store.remove();
  }
});
