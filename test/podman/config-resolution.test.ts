/*
 * Our storage.conf resolution against the oracle: for a few environments, root and rootless
 * (a non-root child via setpriv), resolveStoreConfig must name the same graphroot, runroot, driver,
 * config file and additional image stores as `podman info --format json`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { podmanTest } from '../helpers/podman';
import { resolveStoreConfig, effectiveDriver, type ConfigEnvironment, type ConfigOverrides } from '../../src/store/config';
import { StoreError } from '../../src/store/errors';

/** An unprivileged uid that exists on Debian; podman runs rootless for it without subuid ranges. */
const NOBODY = 65534;

interface PodmanStore {
  configFile: string;
  graphRoot: string;
  runRoot: string;
  graphDriverName: string;
  graphOptions: Record<string, string>;
}

interface Case {
  name: string;
  uid: number;
  env: (dir: string) => Record<string, string>;
  files?: (dir: string) => Record<string, string>;
  flags?: (dir: string) => ConfigOverrides;
}

function podmanInfo(uid: number, env: Record<string, string>, flags: ConfigOverrides): { store?: PodmanStore; error?: string } {
  const args = [
    ...(flags.root ? ['--root', flags.root] : []),
    ...(flags.runRoot ? ['--runroot', flags.runRoot] : []),
    ...(flags.driver ? ['--storage-driver', flags.driver] : []),
    'info',
    '--format',
    'json',
  ];
  const fullEnv = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env };
  const r =
    uid === 0
      ? spawnSync('podman', args, { env: fullEnv, encoding: 'utf8', timeout: 60_000 })
      : spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'podman', ...args], { env: fullEnv, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return { error: r.stderr };
  return { store: (JSON.parse(r.stdout) as { store: PodmanStore }).store };
}

function environmentFor(uid: number, env: Record<string, string>): ConfigEnvironment {
  return {
    env,
    uid,
    home: env.HOME ?? '/',
    exists: (p) => fs.existsSync(p),
    readFile: (p) => fs.readFileSync(p, 'utf8'),
    ownerOf: (p) => {
      try {
        return fs.statSync(p).uid;
      } catch {
        return undefined;
      }
    },
    tmpdir: env.TMPDIR || '/tmp',
  };
}

const CASES: Case[] = [
  {
    name: 'root, CONTAINERS_STORAGE_CONF with additionalimagestores',
    uid: 0,
    env: (d) => ({ HOME: d, CONTAINERS_STORAGE_CONF: `${d}/c.conf` }),
    files: (d) => ({ 'c.conf': `[storage]\ndriver="vfs"\ngraphroot="${d}/g"\nrunroot="${d}/r"\n[storage.options]\nadditionalimagestores=["${d}/ro"]\n` }),
  },
  {
    name: 'root, XDG_CONFIG_HOME storage.conf with overlay2 and $VAR expansion',
    uid: 0,
    env: (d) => ({ HOME: d, XDG_CONFIG_HOME: `${d}/xdg`, BASE: d }),
    files: () => ({ 'xdg/containers/storage.conf': '[storage]\ndriver="overlay2"\ngraphroot="$BASE/g"\nrunroot="${BASE}/r/"\n' }),
  },
  {
    name: 'root, --root drops additionalimagestores',
    uid: 0,
    env: (d) => ({ HOME: d, CONTAINERS_STORAGE_CONF: `${d}/c.conf` }),
    files: (d) => ({ 'c.conf': `[storage]\ndriver="vfs"\ngraphroot="${d}/g"\nrunroot="${d}/r"\n[storage.options]\nadditionalimagestores=["${d}/ro"]\n` }),
    flags: (d) => ({ root: `${d}/other` }),
  },
  {
    name: 'root, STORAGE_DRIVER overrides the file',
    uid: 0,
    env: (d) => ({ HOME: d, CONTAINERS_STORAGE_CONF: `${d}/c.conf`, STORAGE_DRIVER: 'overlay' }),
    files: (d) => ({ 'c.conf': `[storage]\ndriver="vfs"\ngraphroot="${d}/g"\nrunroot="${d}/r"\n` }),
  },
  {
    name: 'root, a storage.conf without runroot',
    uid: 0,
    env: (d) => ({ HOME: d, CONTAINERS_STORAGE_CONF: `${d}/c.conf` }),
    files: () => ({ 'c.conf': '[storage]\ndriver="vfs"\n' }),
  },
  {
    name: 'rootless, no files, no XDG_RUNTIME_DIR (TMPDIR/podman-run-UID)',
    uid: NOBODY,
    env: (d) => ({ HOME: `${d}/home`, TMPDIR: `${d}/xr` }),
  },
  {
    name: 'rootless, XDG_RUNTIME_DIR and XDG_DATA_HOME',
    uid: NOBODY,
    env: (d) => ({ HOME: `${d}/home`, XDG_RUNTIME_DIR: `${d}/xr`, XDG_DATA_HOME: `${d}/home/data` }),
  },
  {
    name: 'rootless, ~/.config storage.conf with only a driver',
    uid: NOBODY,
    env: (d) => ({ HOME: `${d}/home`, XDG_RUNTIME_DIR: `${d}/xr` }),
    files: () => ({ 'home/.config/containers/storage.conf': '[storage]\ndriver="overlay2"\n' }),
  },
  {
    name: 'rootless, CONTAINERS_STORAGE_CONF with rootless_storage_path',
    uid: NOBODY,
    env: (d) => ({ HOME: `${d}/home`, XDG_RUNTIME_DIR: `${d}/xr`, CONTAINERS_STORAGE_CONF: `${d}/c.conf` }),
    files: () => ({ 'c.conf': '[storage]\ndriver="vfs"\nrootless_storage_path="$HOME/rsp/$UID"\n' }),
  },
];

for (const c of CASES) {
  test(`config resolution equals podman info: ${c.name}`, podmanTest(), () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cfg-'));
    try {
      fs.chmodSync(dir, 0o755);
      for (const sub of ['home', 'xr']) {
        fs.mkdirSync(path.join(dir, sub), { mode: 0o700 });
        if (c.uid !== 0) fs.chownSync(path.join(dir, sub), c.uid, c.uid);
      }
      for (const [rel, text] of Object.entries(c.files?.(dir) ?? {})) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
        if (c.uid !== 0) spawnSync('chown', ['-R', `${c.uid}:${c.uid}`, path.join(dir, 'home')]);
      }
      const env = c.env(dir);
      const flags = c.flags?.(dir) ?? {};
      const oracle = podmanInfo(c.uid, env, flags);
      let ours;
      try {
        ours = resolveStoreConfig(flags, environmentFor(c.uid, env));
      } catch (e) {
        assert.ok(e instanceof StoreError && e.code === 'InvalidConfig', `unexpected ${String(e)}`);
        assert.ok(oracle.error, `podman accepted what we refused (${(e as Error).message}): ${JSON.stringify(oracle.store)}`);
        // Same complaint in the same words as podman's.
        assert.ok(oracle.error.includes(e.message.replace(/ in .*$/, '')), `podman said: ${oracle.error}`);
        return;
      }
      assert.ok(oracle.store, `podman failed where we resolved ${JSON.stringify(ours)}: ${oracle.error}`);
      const p = oracle.store;
      assert.equal(ours.graphRoot, p.graphRoot, 'graphRoot');
      assert.equal(ours.runRoot, p.runRoot, 'runRoot');
      assert.equal(effectiveDriver(ours.graphRoot, ours.driver), p.graphDriverName, 'driver');
      // podman names the file it would read even when it is absent; we name only a file we read.
      assert.equal(ours.configFile, fs.existsSync(p.configFile) ? p.configFile : undefined, 'configFile');
      const podmanStores = Object.entries(p.graphOptions ?? {})
        .filter(([k]) => k.endsWith('.imagestore'))
        .map(([, v]) => v);
      assert.deepEqual(ours.additionalImageStores, podmanStores, 'additional image stores');
    } finally {
      spawnSync('rm', ['-rf', dir]);
    }
  });
}
