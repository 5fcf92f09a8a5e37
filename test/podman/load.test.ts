/*
 * Differential tests of `strata load` / `strata import` against podman 4.3: the same archive is
 * loaded by Strata into one fresh store and by podman into another; the records, the tar-split
 * files and the layer trees must agree, podman must see the Strata-loaded images as it sees its
 * own (ID, names, layers, history), and `podman save` of them must reproduce the archive.
 */
import { before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { podmanTest, type Driver } from '../helpers/podman';
import { fixtureStore, podmanAt, strataAt, type FixtureStore } from '../fixtures/podman-fixtures';
import { tar, writeOciLayout, type RawEntry } from '../fixtures/tar-writer';
import { lgetxattr } from '../../src/store/layer/native-fs';

const opts = podmanTest();
let fx: FixtureStore;
let work: string;
const archives: Record<string, string> = {};

interface Side {
  root: string;
  run: string;
  flags: string[];
}

function newStore(driver: Driver, tag: string): Side {
  const dir = path.join(work, `${tag}-${randomBytes(3).toString('hex')}`);
  const root = path.join(dir, 'root');
  const run = path.join(dir, 'run');
  fs.mkdirSync(root, { recursive: true });
  return { root, run, flags: ['--root', root, '--runroot', run, '--storage-driver', driver] };
}

function podman(side: Side, args: string[]): string {
  return execFileSync('podman', [...side.flags, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 << 20 });
}

function strata(side: Side, args: string[]): string {
  const r = strataAt(undefined, args, side.flags);
  assert.equal(r.status, 0, `strata ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Layer-independent view of the records: layer "created" is the write time, so it is left out. */
function records(side: Side, driver: Driver): { images: unknown[]; layers: unknown[] } {
  const read = (f: string): Array<Record<string, unknown>> => (fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8') || '[]') as Array<Record<string, unknown>>) : []);
  const layers = read(path.join(side.root, `${driver}-layers/layers.json`)).map(({ created: _c, ...rest }) => rest);
  return { images: read(path.join(side.root, `${driver}-images/images.json`)), layers };
}

function tarSplits(side: Side, driver: Driver): Record<string, string> {
  const dir = path.join(side.root, `${driver}-layers`);
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.tar-split.gz')).sort()) {
    out[f] = zlib.gunzipSync(fs.readFileSync(path.join(dir, f))).toString('utf8');
  }
  return out;
}

/** Every entry of a layer tree with type, mode, owner, size, content hash, link target, device, opaque flag. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const p = path.join(root, r);
      const st = fs.lstatSync(p);
      let what = '';
      if (st.isFile()) what = createHash('sha256').update(fs.readFileSync(p)).digest('hex').slice(0, 16) + ` mtime=${Math.floor(st.mtimeMs / 1000)} nlink=${st.nlink}`;
      else if (st.isSymbolicLink()) what = `-> ${fs.readlinkSync(p)}`;
      else if (st.isCharacterDevice() || st.isBlockDevice()) what = `rdev=${st.rdev}`;
      else if (st.isDirectory()) what = `opaque=${lgetxattr(Buffer.from(p), 'trusted.overlay.opaque')?.toString() ?? ''}`;
      out.push(`${r} ${(st.mode & 0o170000).toString(8)} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${st.isFile() ? st.size : ''} ${what}`);
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

/** Layer trees keyed by layer ID; overlay "lower" files with short links mapped back to layer IDs. */
function layerTrees(side: Side, driver: Driver): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const home = path.join(side.root, driver);
  if (driver === 'vfs') {
    for (const id of fs.readdirSync(path.join(home, 'dir')).sort()) out[id] = tree(path.join(home, 'dir', id));
    return out;
  }
  const linkToId = new Map<string, string>();
  for (const link of fs.readdirSync(path.join(home, 'l'))) linkToId.set(link, path.basename(path.dirname(fs.readlinkSync(path.join(home, 'l', link)))));
  for (const id of fs.readdirSync(home).filter((n) => /^[0-9a-f]{64}$/.test(n)).sort()) {
    const lowerFile = path.join(home, id, 'lower');
    const lower = fs.existsSync(lowerFile) ? fs.readFileSync(lowerFile, 'utf8').split(':').map((l) => linkToId.get(l.replace(/^l\//, '')) ?? `?${l}`) : null;
    const link = fs.readFileSync(path.join(home, id, 'link'), 'utf8');
    out[id] = {
      entries: fs.readdirSync(path.join(home, id)).sort(),
      linkResolves: linkToId.get(link) === id,
      lower,
      diffMode: (fs.statSync(path.join(home, id, 'diff')).mode & 0o7777).toString(8),
      diff: tree(path.join(home, id, 'diff')),
    };
  }
  return out;
}

function imagesJson(side: Side): Array<{ Id: string; Names?: string[] }> {
  return (JSON.parse(podman(side, ['images', '-a', '--format', 'json'])) as Array<{ Id: string; Names?: string[] }>)
    .map((i) => ({ Id: i.Id, Names: i.Names }))
    .sort((a, b) => a.Id.localeCompare(b.Id));
}

before(async () => {
  if (opts.skip) return;
  fx = await fixtureStore('vfs');
  work = path.join(os.tmpdir(), `strata-load-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(work);
  const out = (n: string): string => path.join(work, n);
  podmanAt(fx, ['save', '-q', '-o', out('da.tar'), 'localhost/app:1', 'quay.io/extra/tag:2'], fx.flags);
  podmanAt(fx, ['save', '-q', '-m', '-o', out('dam.tar'), 'localhost/app:1', 'localhost/oci-app:1', 'localhost/base:1', 'localhost/scratch:1'], fx.flags);
  const appId = podmanAt(fx, ['image', 'inspect', '--format', '{{.Id}}', 'localhost/oci-app:1'], fx.flags).trim();
  podmanAt(fx, ['save', '-q', '-o', out('da-by-id.tar'), appId], fx.flags);
  podmanAt(fx, ['save', '-q', '--format', 'oci-archive', '-o', out('oa.tar'), 'localhost/oci-app:1'], fx.flags);
  podmanAt(fx, ['save', '-q', '--format', 'oci-dir', '-o', out('od'), 'localhost/app:1'], fx.flags);
  podmanAt(fx, ['save', '-q', '--format', 'docker-dir', '-o', out('dd'), 'localhost/oci-app:1'], fx.flags);
  for (const [k, v] of Object.entries({ da: 'da.tar', dam: 'dam.tar', daById: 'da-by-id.tar', oa: 'oa.tar', od: 'od', dd: 'dd' })) archives[k] = out(v);

  // Whiteouts, opaque directories, hard links, devices, FIFOs, set-id bits, owners: built in code.
  const lower: RawEntry[] = [
    { name: 'a/', type: '5' },
    { name: 'a/x', content: 'x' },
    { name: 'a/y', content: 'y', uid: 1000, gid: 1000 },
    { name: 'b/', type: '5', mode: 0o750 },
    { name: 'b/z', content: 'z' },
    { name: 'c', content: 'c content' },
    { name: 'h', type: '1', linkname: 'c' },
    { name: 'l', type: '2', linkname: 'c' },
    { name: 's', content: 'suid', mode: 0o4755 },
    { name: 'p', type: '6', mode: 0o600 },
    { name: 'dev/', type: '5' },
    { name: 'dev/null', type: '3', devmajor: 1, devminor: 3, mode: 0o666 },
  ];
  const upper: RawEntry[] = [
    { name: 'a/', type: '5' },
    { name: 'a/.wh.x', content: '' },
    { name: 'b/', type: '5', mode: 0o750 },
    { name: 'b/.wh..wh..opq', content: '' },
    { name: 'b/new', content: 'new' },
    { name: '.wh.l', content: '' },
    { name: 'gzip-me', content: randomBytes(3000) },
  ];
  writeOciLayout(out('wo'), [tar(lower), tar(upper)], { gzip: true, refName: 'whiteouts:1' });
  const entries: RawEntry[] = [];
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(out('wo'), rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (fs.statSync(path.join(out('wo'), r)).isDirectory()) {
        entries.push({ name: `${r}/`, type: '5' });
        walk(r);
      } else entries.push({ name: r, content: fs.readFileSync(path.join(out('wo'), r)) });
    }
  };
  walk('');
  fs.writeFileSync(out('wo.tar'), zlib.gzipSync(tar(entries)));
  archives.wo = out('wo');
  archives.woArchive = out('wo.tar');
});

after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const CASES: Array<{ archive: string; driver: Driver }> = [
  { archive: 'da', driver: 'vfs' },
  { archive: 'dam', driver: 'vfs' },
  { archive: 'daById', driver: 'vfs' },
  { archive: 'oa', driver: 'vfs' },
  { archive: 'od', driver: 'vfs' },
  { archive: 'dd', driver: 'vfs' },
  { archive: 'wo', driver: 'vfs' },
  { archive: 'woArchive', driver: 'vfs' },
  { archive: 'dam', driver: 'overlay' },
  { archive: 'oa', driver: 'overlay' },
  { archive: 'woArchive', driver: 'overlay' },
];

for (const c of CASES) {
  test(`load ${c.archive} (${c.driver}): same records, tar-split and layer trees as podman load; podman agrees`, opts, () => {
    const s = newStore(c.driver, 'strata');
    const p = newStore(c.driver, 'podman');
    const strataOut = strata(s, ['load', '-q', '-i', archives[c.archive]!]);
    const podmanOut = podman(p, ['load', '-q', '-i', archives[c.archive]!]);
    assert.deepEqual(strataOut.trim().split('\n'), podmanOut.trim().split('\n'));
    assert.deepEqual(records(s, c.driver), records(p, c.driver));
    assert.deepEqual(tarSplits(s, c.driver), tarSplits(p, c.driver));
    assert.deepEqual(layerTrees(s, c.driver), layerTrees(p, c.driver));

    // podman reading Strata's store sees what it sees in its own.
    const images = imagesJson(s);
    assert.deepEqual(images, imagesJson(p));
    for (const img of images) {
      assert.equal(podman(s, ['history', '--format', 'json', img.Id]), podman(p, ['history', '--format', 'json', img.Id]));
      const layersOf = (side: Side): string => podman(side, ['image', 'inspect', '--format', '{{json .RootFS}} {{.Digest}} {{json .RepoDigests}}', img.Id]);
      assert.equal(layersOf(s), layersOf(p));
    }
  });
}

test('podman save of a Strata-loaded image reproduces the archive; save → load → save is stable', opts, () => {
  for (const driver of ['vfs', 'overlay'] as const) {
    const s = newStore(driver, 'rt');
    strata(s, ['load', '-q', '-i', archives.da!]);
    const again = path.join(work, `again-${driver}.tar`);
    podman(s, ['save', '-q', '-o', again, 'localhost/app:1', 'quay.io/extra/tag:2']);
    assert.ok(fs.readFileSync(again).equals(fs.readFileSync(archives.da!)), `${driver}: re-saved docker-archive differs`);
    // The multi-image archive, through Strata twice: each save is identical to the one before.
    strata(s, ['load', '-q', '-i', archives.dam!]);
    const names = ['localhost/app:1', 'localhost/oci-app:1', 'localhost/base:1', 'localhost/scratch:1'];
    const first = path.join(work, `first-${driver}.tar`);
    podman(s, ['save', '-q', '-m', '-o', first, ...names]);
    assert.ok(fs.readFileSync(first).equals(fs.readFileSync(archives.dam!)), `${driver}: re-saved multi-image archive differs`);
    const s2 = newStore(driver, 'rt2');
    strata(s2, ['load', '-q', '-i', first]);
    const second = path.join(work, `second-${driver}.tar`);
    podman(s2, ['save', '-q', '-m', '-o', second, ...names]);
    assert.ok(fs.readFileSync(second).equals(fs.readFileSync(first)), `${driver}: save → load → save changed the archive`);
  }
});

test('import a rootfs tarball (plain and gzip) with both tools on two copies of a store: same records', opts, () => {
  for (const driver of ['vfs', 'overlay'] as const) {
    const original = newStore(driver, 'imp');
    const seed = path.join(work, `seed-${driver}.tar`);
    fs.writeFileSync(seed, tar([{ name: 'etc/', type: '5' }, { name: 'etc/seed', content: 'seed' }]));
    podman(original, ['import', '-q', seed, 'localhost/seed:1']);
    const copyOf = (tag: string): Side => {
      const side = newStore(driver, tag);
      fs.rmSync(path.dirname(side.root), { recursive: true, force: true });
      execFileSync('cp', ['-a', path.dirname(original.root), path.dirname(side.root)]);
      // libpod's database records its own paths; each copy starts one afresh.
      fs.rmSync(path.join(side.root, 'libpod'), { recursive: true, force: true });
      return side;
    };
    const rootfs = tar([
      { name: './', type: '5' },
      { name: './etc/', type: '5' },
      { name: './etc/hello', content: 'hello\n' },
      { name: './bin/', type: '5' },
      { name: './bin/tool', content: 'x'.repeat(5000), mode: 0o755, uid: 1000, gid: 100 },
      { name: './bin/alias', type: '2', linkname: 'tool' },
      { name: './etc/seed', content: 'replaced' },
    ]);
    for (const gz of [false, true]) {
      const file = path.join(work, `rootfs-${driver}-${gz}.tar${gz ? '.gz' : ''}`);
      fs.writeFileSync(file, gz ? zlib.gzipSync(rootfs) : rootfs);
      const s = copyOf('imp-s');
      const p = copyOf('imp-p');
      const outS = strata(s, ['import', file, 'example.com/imported:gz' + String(gz)]);
      const outP = podman(p, ['import', '-q', file, 'example.com/imported:gz' + String(gz)]);
      assert.equal(outS.trim(), outP.trim());
      // Importing again under another name reuses the image and appends the name.
      strata(s, ['import', file, 'second']);
      podman(p, ['import', '-q', file, 'second']);
      assert.deepEqual(records(s, driver), records(p, driver));
      assert.deepEqual(tarSplits(s, driver), tarSplits(p, driver));
      assert.deepEqual(layerTrees(s, driver), layerTrees(p, driver));
      assert.deepEqual(imagesJson(s), imagesJson(p));
    }
  }
});

test("archives written by strata save load the same with strata load and podman load", opts, () => {
  const src = newStore('vfs', 'ssave');
  strata(src, ['load', '-q', '-i', archives.dam!]);
  const variants: Array<{ tag: string; args: string[]; names: string[] }> = [
    { tag: 'da', args: ['-m'], names: ['localhost/app:1', 'localhost/oci-app:1', 'localhost/scratch:1'] },
    { tag: 'oa', args: ['--format', 'oci-archive'], names: ['localhost/oci-app:1'] },
    { tag: 'od', args: ['--format', 'oci-dir'], names: ['localhost/app:1'] },
    { tag: 'dd', args: ['--format', 'docker-dir', '--compress'], names: ['localhost/oci-app:1'] },
  ];
  for (const v of variants) {
    const out = path.join(work, `strata-saved-${v.tag}`);
    strata(src, ['save', '-q', ...v.args, '-o', out, ...v.names]);
    const s = newStore('vfs', `ss-${v.tag}`);
    const p = newStore('vfs', `sp-${v.tag}`);
    assert.deepEqual(strata(s, ['load', '-q', '-i', out]).trim().split('\n'), podman(p, ['load', '-q', '-i', out]).trim().split('\n'), v.tag);
    assert.deepEqual(records(s, 'vfs'), records(p, 'vfs'), v.tag);
    assert.deepEqual(tarSplits(s, 'vfs'), tarSplits(p, 'vfs'), v.tag);
    assert.deepEqual(layerTrees(s, 'vfs'), layerTrees(p, 'vfs'), v.tag);
    assert.deepEqual(imagesJson(s), imagesJson(p), v.tag);
  }
});
