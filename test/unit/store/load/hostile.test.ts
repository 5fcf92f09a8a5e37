/*
 * Hostile archives, each built in code: everything is either refused with a clear StoreError or
 * contained inside the new layer, nothing is written outside it, and a refused load leaves no
 * trace in the store. Needs root (as CI runs) for owners and device nodes.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Store } from '../../../../src/store/store';
import { isStoreError } from '../../../../src/store/errors';
import { loadArchive, type LoadProgress } from '../../../../src/store/load/load';
import { entry, tar, writeOciLayout, type RawEntry } from '../../../fixtures/tar-writer';

const isRoot = process.getuid?.() === 0;
const rootOnly = isRoot ? {} : { skip: 'needs root (owners, device nodes), as in CI' };

interface TempStore {
  dir: string;
  store: Store;
  remove(): void;
}

function tempStore(driver: 'vfs' | 'overlay'): TempStore {
  // Lowercase only: podman (and Strata) name an OCI directory after its path.
  const dir = path.join(os.tmpdir(), `strata-hostile-${randomBytes(6).toString('hex')}`);
  fs.mkdirSync(dir);
  const store = Store.open({
    config: { graphRoot: path.join(dir, 'root'), runRoot: path.join(dir, 'run'), driver, driverOptions: [], additionalImageStores: [], transientStore: false, rootless: false },
  });
  fs.mkdirSync(path.join(dir, 'root'), { recursive: true });
  return { dir, store, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function layout(parent: string, layers: Buffer[], opts: Parameters<typeof writeOciLayout>[2] = {}): string {
  const dir = path.join(parent, `layout-${randomBytes(4).toString('hex')}`);
  writeOciLayout(dir, layers, opts);
  return dir;
}

/** Everything a load could leave behind: records, layer dirs, tar-split and temp files. */
function traces(ts: TempStore): string[] {
  const root = path.join(ts.dir, 'root');
  const driver = ts.store.driver;
  const out: string[] = [];
  const layers = path.join(root, `${driver}-layers`, 'layers.json');
  if (fs.existsSync(layers)) {
    const recs = JSON.parse(fs.readFileSync(layers, 'utf8') || '[]') as unknown[];
    if (recs.length) out.push(`layers.json: ${recs.length} records`);
  }
  const images = path.join(root, `${driver}-images`, 'images.json');
  if (fs.existsSync(images)) {
    const recs = JSON.parse(fs.readFileSync(images, 'utf8') || '[]') as unknown[];
    if (recs.length) out.push(`images.json: ${recs.length} records`);
  }
  const walk = (d: string, rel: string): void => {
    if (!fs.existsSync(d)) return;
    for (const name of fs.readdirSync(d)) {
      const r = `${rel}/${name}`;
      if (/\.lock$|^layers\.json$|^images\.json$/.test(name)) continue;
      if (r === `/${driver}` || r === `/${driver}/l` || r === `/${driver}/dir` || r === `/${driver}-layers` || r === `/${driver}-images`) {
        walk(path.join(d, name), r);
        continue;
      }
      out.push(r);
    }
  };
  walk(root, '');
  return out;
}

async function expectRefused(ts: TempStore, input: string, code: 'InvalidArchive' | 'DigestMismatch' | 'Cancelled', pattern: RegExp, opts = {}): Promise<void> {
  await assert.rejects(loadArchive(ts.store, input, opts), (e: unknown) => {
    assert.ok(isStoreError(e, code), `expected ${code}, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
  assert.deepEqual(traces(ts), []);
}

const outside = (): string => path.join(os.tmpdir(), `strata-escape-${randomBytes(6).toString('hex')}`);
const base: RawEntry[] = [{ name: 'etc/', type: '5' }, { name: 'etc/hostname', content: 'box\n' }];

for (const driver of ['vfs', 'overlay'] as const) {
  test(`${driver}: an entry climbing out with ".." is refused and nothing is written outside`, rootOnly, async () => {
    const ts = tempStore(driver);
    try {
      const target = outside();
      const rel = '../'.repeat(10) + target.slice(1);
      const dir = layout(ts.dir, [tar([...base, { name: rel, content: 'pwned' }])]);
      await expectRefused(ts, dir, 'InvalidArchive', /outside the layer/);
      assert.equal(fs.existsSync(target), false);
    } finally {
      ts.remove();
    }
  });

  test(`${driver}: a symlink pointing outside is contained: writing through it stays in the layer`, rootOnly, async () => {
    const ts = tempStore(driver);
    try {
      const target = outside();
      const dir = layout(ts.dir, [
        tar([
          ...base,
          { name: 'rel', type: '2', linkname: '../'.repeat(10) + target.slice(1) },
          { name: 'rel/pwned', content: 'through a relative link' },
          { name: 'abs', type: '2', linkname: target + '-abs' },
          { name: 'abs/pwned', content: 'through an absolute link' },
        ]),
      ]);
      const r = await loadArchive(ts.store, dir);
      assert.equal(fs.existsSync(target), false);
      assert.equal(fs.existsSync(target + '-abs'), false);
      const layerId = r.images[0]!.layers[0]!;
      const layerRoot = driver === 'vfs' ? path.join(ts.dir, 'root/vfs/dir', layerId) : path.join(ts.dir, 'root/overlay', layerId, 'diff');
      assert.equal(fs.readFileSync(path.join(layerRoot, target.slice(1), 'pwned'), 'utf8'), 'through a relative link');
      assert.equal(fs.readFileSync(path.join(layerRoot, target.slice(1) + '-abs', 'pwned'), 'utf8'), 'through an absolute link');
      assert.equal(fs.readlinkSync(path.join(layerRoot, 'abs')), target + '-abs');
    } finally {
      ts.remove();
    }
  });

  test(`${driver}: a hard link to a file outside the layer is refused`, rootOnly, async () => {
    const ts = tempStore(driver);
    try {
      const victim = outside();
      fs.writeFileSync(victim, 'host file');
      try {
        const dir = layout(ts.dir, [tar([...base, { name: 'hl', type: '1', linkname: '../'.repeat(10) + victim.slice(1) }])]);
        await expectRefused(ts, dir, 'InvalidArchive', /hard link "hl"/);
        assert.equal(fs.statSync(victim).nlink, 1);
      } finally {
        fs.rmSync(victim, { force: true });
      }
    } finally {
      ts.remove();
    }
  });
}

test('an absolute entry name is contained under the layer root', rootOnly, async () => {
  const ts = tempStore('vfs');
  try {
    const target = outside();
    const dir = layout(ts.dir, [tar([...base, { name: target, content: 'absolute' }])]);
    const r = await loadArchive(ts.store, dir);
    assert.equal(fs.existsSync(target), false);
    assert.equal(fs.readFileSync(path.join(ts.dir, 'root/vfs/dir', r.images[0]!.layers[0]!, target.slice(1)), 'utf8'), 'absolute');
  } finally {
    ts.remove();
  }
});

test('a truncated layer is refused and rolled back, including the layers before it', rootOnly, async () => {
  const ts = tempStore('overlay');
  try {
    const good = tar(base);
    const bad = tar([{ name: 'big', content: Buffer.alloc(5000, 1) }]).subarray(0, 2000);
    const dir = layout(ts.dir, [good, bad]);
    await expectRefused(ts, dir, 'InvalidArchive', /truncated/);
  } finally {
    ts.remove();
  }
});

test('a truncated archive file is refused', rootOnly, async () => {
  const ts = tempStore('vfs');
  try {
    const dir = layout(ts.dir, [tar(base)]);
    const archive = path.join(ts.dir, 'oci.tar');
    const entries: RawEntry[] = [];
    const walk = (rel: string): void => {
      for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
        const r = rel ? `${rel}/${name}` : name;
        if (fs.statSync(path.join(dir, r)).isDirectory()) walk(r);
        else entries.push({ name: r, content: fs.readFileSync(path.join(dir, r)) });
      }
    };
    walk('');
    const whole = tar(entries);
    fs.writeFileSync(archive, whole.subarray(0, whole.length - 2100));
    await expectRefused(ts, archive, 'InvalidArchive', /truncated|does not match any/);
  } finally {
    ts.remove();
  }
});

test('layer content that does not match the manifest digest is refused and rolled back', rootOnly, async () => {
  const ts = tempStore('vfs');
  try {
    const dir = layout(ts.dir, [tar(base), tar([{ name: 'f', content: 'original' }])], {
      tamper: (i, blob) => (i === 1 ? Buffer.from(blob.toString('latin1').replace('original', 'tampered'), 'latin1') : blob),
    });
    await expectRefused(ts, dir, 'DigestMismatch', /does not match its digest/);
  } finally {
    ts.remove();
  }
});

test('gzip layer content that does not match the diff ID in the config is refused', rootOnly, async () => {
  const ts = tempStore('vfs');
  try {
    // Consistent blob digest, but the config promises another uncompressed digest.
    const dir = layout(ts.dir, [tar(base)], { gzip: true });
    const cfgPath = fs.readdirSync(path.join(dir, 'blobs/sha256')).map((f) => path.join(dir, 'blobs/sha256', f)).find((f) => fs.readFileSync(f, 'utf8').includes('diff_ids'))!;
    const cfg = JSON.parse(fs.readFileSync(cfgPath, 'utf8')) as { rootfs: { diff_ids: string[] } };
    cfg.rootfs.diff_ids[0] = 'sha256:' + '0'.repeat(64);
    const again = path.join(ts.dir, 'again');
    writeOciLayout(again, [tar(base)], { gzip: true });
    // Rebuild the layout with the lying config: easiest via a fresh layout whose config we rewrite and re-digest.
    const { createHash } = await import('node:crypto');
    const cfgBytes = Buffer.from(JSON.stringify(cfg));
    const cfgDigest = createHash('sha256').update(cfgBytes).digest('hex');
    fs.writeFileSync(path.join(again, 'blobs/sha256', cfgDigest), cfgBytes);
    const idx = JSON.parse(fs.readFileSync(path.join(again, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; size: number }> };
    const manPath = path.join(again, 'blobs/sha256', idx.manifests[0]!.digest.slice(7));
    const man = JSON.parse(fs.readFileSync(manPath, 'utf8')) as { config: { digest: string; size: number } };
    man.config = { ...man.config, digest: 'sha256:' + cfgDigest, size: cfgBytes.length };
    const manBytes = Buffer.from(JSON.stringify(man));
    const manDigest = createHash('sha256').update(manBytes).digest('hex');
    fs.writeFileSync(path.join(again, 'blobs/sha256', manDigest), manBytes);
    idx.manifests[0] = { ...idx.manifests[0]!, digest: 'sha256:' + manDigest, size: manBytes.length };
    fs.writeFileSync(path.join(again, 'index.json'), JSON.stringify(idx));
    await expectRefused(ts, again, 'DigestMismatch', /diff ID/);
  } finally {
    ts.remove();
  }
});

test('a manifest naming a missing blob is refused before anything is written', rootOnly, async () => {
  const ts = tempStore('vfs');
  try {
    const dir = layout(ts.dir, [tar(base), tar([{ name: 'x', content: 'x' }])], { omitLayer: 1 });
    await expectRefused(ts, dir, 'InvalidArchive', /missing/);
  } finally {
    ts.remove();
  }
});

test('a docker-archive whose manifest.json names a missing layer file is refused', rootOnly, async () => {
  const ts = tempStore('vfs');
  try {
    const config = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: ['sha256:' + 'a'.repeat(64)] } }));
    const archive = path.join(ts.dir, 'da.tar');
    fs.writeFileSync(
      archive,
      tar([
        { name: 'c.json', content: config },
        { name: 'manifest.json', content: JSON.stringify([{ Config: 'c.json', RepoTags: ['x:1'], Layers: ['nope.tar'] }]) },
      ]),
    );
    await expectRefused(ts, archive, 'InvalidArchive', /missing/);
  } finally {
    ts.remove();
  }
});

test('enormous headers (PAX records, GNU long names over 1 MiB) are refused', rootOnly, async () => {
  const ts = tempStore('vfs');
  try {
    const pax = layout(ts.dir, [Buffer.concat([entry({ name: 'f', content: 'x', pax: { path: 'p'.repeat(2 << 20) } }), Buffer.alloc(1024)])]);
    await expectRefused(ts, pax, 'InvalidArchive', /metadata header/);
    const gnu = layout(ts.dir, [Buffer.concat([entry({ name: '././@LongLink', type: 'L', content: 'n'.repeat(2 << 20) }), entry({ name: 'f', content: 'x' }), Buffer.alloc(1024)])]);
    await expectRefused(ts, gnu, 'InvalidArchive', /metadata header/);
  } finally {
    ts.remove();
  }
});

test('duplicate paths in a layer are refused, as tar-split refuses them', rootOnly, async () => {
  const ts = tempStore('vfs');
  try {
    const dir = layout(ts.dir, [tar([...base, { name: 'etc/hostname', content: 'again\n' }])]);
    await expectRefused(ts, dir, 'InvalidArchive', /twice/);
  } finally {
    ts.remove();
  }
});

test('aborting a load leaves no trace', rootOnly, async () => {
  const ts = tempStore('overlay');
  try {
    const big = tar([...base, { name: 'big', content: randomBytes(4 << 20) }]);
    const dir = layout(ts.dir, [tar([{ name: 'a', content: 'a' }]), big]);
    const ac = new AbortController();
    const onProgress = (p: LoadProgress): void => {
      if (p.kind === 'layer' && p.layer === 1 && p.bytes > 0) ac.abort();
    };
    await expectRefused(ts, dir, 'Cancelled', /cancelled/, { signal: ac.signal, onProgress });
  } finally {
    ts.remove();
  }
});

test('device nodes are skipped when not running as root', rootOnly, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-nonroot-'));
  try {
    fs.chmodSync(dir, 0o755);
    const root = path.join(dir, 'root');
    fs.mkdirSync(root);
    fs.chownSync(root, 65534, 65534);
    const layer = path.join(dir, 'layer.tar');
    fs.writeFileSync(
      layer,
      tar([
        { name: 'dev/', type: '5', uid: 65534, gid: 65534 },
        { name: 'dev/null', type: '3', devmajor: 1, devminor: 3, uid: 65534, gid: 65534 },
        { name: 'dev/sda', type: '4', devmajor: 8, devminor: 0, uid: 65534, gid: 65534 },
        { name: 'file', content: 'ok', uid: 65534, gid: 65534 },
      ]),
    );
    fs.chmodSync(layer, 0o644);
    const script = `
      const { streamLayer } = require(${JSON.stringify(path.resolve(__dirname, '../../../../src/store/layer/unpack-layer.js'))});
      const { TarSplitWriter } = require(${JSON.stringify(path.resolve(__dirname, '../../../../src/store/tar/tar-split-writer.js'))});
      const fs = require('node:fs');
      const w = new TarSplitWriter(${JSON.stringify(path.join(root, 'ts.gz'))});
      streamLayer(fs.createReadStream(${JSON.stringify(layer)}), ${JSON.stringify(root)}, 'vfs', w)
        .then(() => w.commit()).then(() => process.stdout.write('done'), (e) => { process.stderr.write(String(e)); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['-e', script], { uid: 65534, gid: 65534, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(root, 'file'), 'utf8'), 'ok');
    assert.equal(fs.existsSync(path.join(root, 'dev/null')), false);
    assert.equal(fs.existsSync(path.join(root, 'dev/sda')), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('loading the same image twice reuses its layers and records nothing twice', rootOnly, async () => {
  const ts = tempStore('vfs');
  try {
    const dir = layout(ts.dir, [tar(base), tar([{ name: 'b', content: 'b' }])], { gzip: true, refName: 'example.com/a:1' });
    const first = await loadArchive(ts.store, dir);
    const reused: boolean[] = [];
    const second = await loadArchive(ts.store, dir, { onProgress: (p) => p.kind === 'layer' && p.done && reused.push(p.reused) });
    assert.deepEqual(second.images, first.images);
    assert.deepEqual(reused, [true, true]);
    const layers = JSON.parse(fs.readFileSync(path.join(ts.dir, 'root/vfs-layers/layers.json'), 'utf8')) as Array<Record<string, unknown>>;
    assert.equal(layers.length, 2);
    assert.equal(layers[0]!.compression, 2);
    const images = JSON.parse(fs.readFileSync(path.join(ts.dir, 'root/vfs-images/images.json'), 'utf8')) as Array<Record<string, unknown>>;
    assert.equal(images.length, 1);
    // An OCI directory is named after its path, as podman names it (annotations are ignored).
    assert.deepEqual(images[0]!.names, [`localhost${dir}:latest`]);
  } finally {
    ts.remove();
  }
});
