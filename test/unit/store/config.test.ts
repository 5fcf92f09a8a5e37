/*
 * The storage.conf resolution table of c/storage 1.43 (types/options.go, utils.go) plus podman
 * 4.3's runtime-dir choice and CLI overrides, over an injected environment (no /etc touched).
 * test/podman/config-resolution.test.ts checks a few of the same rows against `podman info`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  resolveStoreConfig,
  expandEnvPath,
  rootlessRuntimeDir,
  systemConfigFile,
  userConfigFile,
  effectiveDriver,
  type ConfigEnvironment,
  type ConfigOverrides,
} from '../../../src/store/config';
import { StoreError } from '../../../src/store/errors';

interface FakeEnv {
  uid?: number;
  home?: string;
  env?: Record<string, string>;
  files?: Record<string, string>;
  owners?: Record<string, number>;
}

function fake(f: FakeEnv): ConfigEnvironment {
  const files = f.files ?? {};
  return {
    env: { HOME: f.home ?? '/home/u', ...f.env },
    uid: f.uid ?? 0,
    home: f.home ?? '/home/u',
    exists: (p) => p in files || p in (f.owners ?? {}),
    readFile: (p) => {
      const t = files[p];
      if (t === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return t;
    },
    ownerOf: (p) => f.owners?.[p],
    tmpdir: '/tmp',
  };
}

const conf = (lines: string[]): string => lines.join('\n') + '\n';
const FULL = conf(['[storage]', 'driver = "vfs"', 'graphroot = "/g"', 'runroot = "/r"', '[storage.options]', 'additionalimagestores = ["/ro1", "/ro2"]']);

function resolve(f: FakeEnv, o: ConfigOverrides = {}) {
  return resolveStoreConfig(o, fake(f));
}

test('root, no storage.conf anywhere: built-in rootful defaults, driver left to detection', () => {
  const c = resolve({});
  assert.equal(c.graphRoot, '/var/lib/containers/storage');
  assert.equal(c.runRoot, '/run/containers/storage');
  assert.equal(c.driver, '');
  assert.equal(c.configFile, undefined);
  assert.deepEqual(c.additionalImageStores, []);
  assert.equal(c.rootless, false);
});

test('root: /etc/containers/storage.conf wins over /usr/share, files are never merged', () => {
  const c = resolve({
    files: {
      '/etc/containers/storage.conf': conf(['[storage]', 'driver = "overlay"', 'graphroot = "/etc-g"', 'runroot = "/etc-r"']),
      '/usr/share/containers/storage.conf': FULL,
    },
  });
  assert.deepEqual([c.graphRoot, c.runRoot, c.driver, c.configFile], ['/etc-g', '/etc-r', 'overlay', '/etc/containers/storage.conf']);
  assert.deepEqual(c.additionalImageStores, []);
});

test('root: /usr/share/containers/storage.conf when /etc has none', () => {
  const c = resolve({ files: { '/usr/share/containers/storage.conf': FULL } });
  assert.deepEqual([c.graphRoot, c.runRoot, c.driver, c.configFile], ['/g', '/r', 'vfs', '/usr/share/containers/storage.conf']);
  assert.deepEqual(c.additionalImageStores, ['/ro1', '/ro2']);
  assert.deepEqual(c.driverOptions, ['vfs.imagestore=/ro1', 'vfs.imagestore=/ro2']);
});

test('CONTAINERS_STORAGE_CONF beats XDG_CONFIG_HOME and /etc, for root and rootless alike', () => {
  for (const uid of [0, 1000]) {
    const c = resolve({
      uid,
      env: { CONTAINERS_STORAGE_CONF: '/x/storage.conf', XDG_CONFIG_HOME: '/xdg' },
      files: { '/x/storage.conf': FULL, '/xdg/containers/storage.conf': conf(['[storage]', 'graphroot = "/no"', 'runroot = "/no"']), '/etc/containers/storage.conf': '' },
    });
    assert.deepEqual([c.graphRoot, c.runRoot, c.driver, c.configFile], ['/g', '/r', 'vfs', '/x/storage.conf'], `uid ${uid}`);
    assert.deepEqual(c.additionalImageStores, ['/ro1', '/ro2']);
  }
});

test('CONTAINERS_STORAGE_CONF naming a missing file is an InvalidConfig error (podman refuses it too)', () => {
  assert.throws(
    () => resolve({ env: { CONTAINERS_STORAGE_CONF: '/nope.conf' } }),
    (e: unknown) => e instanceof StoreError && e.code === 'InvalidConfig' && e.message.includes('/nope.conf'),
  );
});

test('XDG_CONFIG_HOME/containers/storage.conf is used even by root, in place of /etc', () => {
  const c = resolve({
    env: { XDG_CONFIG_HOME: '/xdg' },
    files: { '/xdg/containers/storage.conf': FULL, '/etc/containers/storage.conf': conf(['[storage]', 'graphroot = "/etc-g"', 'runroot = "/etc-r"']) },
  });
  assert.deepEqual([c.graphRoot, c.configFile], ['/g', '/xdg/containers/storage.conf']);
});

test('XDG_CONFIG_HOME without a storage.conf falls through to /etc', () => {
  const c = resolve({
    env: { XDG_CONFIG_HOME: '/xdg' },
    files: { '/etc/containers/storage.conf': conf(['[storage]', 'graphroot = "/etc-g"', 'runroot = "/etc-r"']) },
  });
  assert.deepEqual([c.graphRoot, c.configFile], ['/etc-g', '/etc/containers/storage.conf']);
});

test('root: a storage.conf without runroot or graphroot is an error, as in podman', () => {
  const driverOnly = { files: { '/etc/containers/storage.conf': conf(['[storage]', 'driver = "overlay2"']) } };
  assert.throws(() => resolve(driverOnly), (e: unknown) => e instanceof StoreError && e.code === 'InvalidConfig' && /runroot must be set/.test(e.message));
  const runOnly = { files: { '/etc/containers/storage.conf': conf(['[storage]', 'runroot = "/r"']) } };
  assert.throws(() => resolve(runOnly), /graphroot must be set/);
  // Explicit --root/--runroot make the store openable anyway.
  const c = resolve(driverOnly, { root: '/cli-g', runRoot: '/cli-r' });
  assert.deepEqual([c.graphRoot, c.runRoot, c.driver], ['/cli-g', '/cli-r', 'overlay']);
});

test('overlay2 is read as overlay, in the file, in STORAGE_DRIVER and on the command line', () => {
  const files = { '/etc/containers/storage.conf': conf(['[storage]', 'driver = "overlay2"', 'graphroot = "/g"', 'runroot = "/r"']) };
  assert.equal(resolve({ files }).driver, 'overlay');
  assert.equal(resolve({ files, env: { STORAGE_DRIVER: 'overlay2' } }).driver, 'overlay');
  assert.equal(resolve({ files }, { driver: 'overlay2' }).driver, 'overlay');
});

test('STORAGE_DRIVER replaces the driver of the file that is read', () => {
  const c = resolve({ env: { STORAGE_DRIVER: 'overlay' }, files: { '/etc/containers/storage.conf': FULL } });
  assert.equal(c.driver, 'overlay');
  // additionalimagestores survive: only --storage-driver drops driver options.
  assert.deepEqual(c.additionalImageStores, ['/ro1', '/ro2']);
});

test('STORAGE_DRIVER is ignored by root when no storage.conf exists (c/storage only applies it while reading one)', () => {
  assert.equal(resolve({ env: { STORAGE_DRIVER: 'vfs' } }).driver, '');
});

test('STORAGE_OPTS replaces the driver options, and so the additional image stores', () => {
  const files = { '/etc/containers/storage.conf': FULL };
  assert.deepEqual(resolve({ files, env: { STORAGE_OPTS: 'vfs.imagestore=/other,vfs.ignore_chown_errors=true' } }).additionalImageStores, ['/other']);
  assert.deepEqual(resolve({ files, env: { STORAGE_OPTS: '' } }).additionalImageStores, []);
});

test('--root and --storage-driver drop storage.conf driver options (podman 4.3), --runroot does not', () => {
  const files = { '/etc/containers/storage.conf': FULL };
  const byRoot = resolve({ files }, { root: '/other' });
  assert.deepEqual([byRoot.graphRoot, byRoot.runRoot, byRoot.driver, byRoot.additionalImageStores], ['/other', '/r', 'vfs', []]);
  const byDriver = resolve({ files }, { driver: 'overlay' });
  assert.deepEqual([byDriver.graphRoot, byDriver.driver, byDriver.additionalImageStores], ['/g', 'overlay', []]);
  const byRun = resolve({ files }, { runRoot: '/rr' });
  assert.deepEqual([byRun.runRoot, byRun.additionalImageStores], ['/rr', ['/ro1', '/ro2']]);
});

test('graphroot and runroot get $UID and environment expansion, then are cleaned', () => {
  const c = resolve({
    env: { CONTAINERS_STORAGE_CONF: '/c.conf', BASE: '/data' },
    files: { '/c.conf': conf(['[storage]', 'driver = "vfs"', 'graphroot = "${BASE}/g/$UID/"', 'runroot = "/run//$NOPE/x"']) },
  });
  assert.deepEqual([c.graphRoot, c.runRoot], ['/data/g/0', '/run/x']);
});

test('expandEnvPath follows Go: literal $UID first, then $NAME and ${NAME}, unset is empty', () => {
  const cenv = fake({ uid: 1000, env: { HOME: '/home/u', A_1: 'v' } });
  assert.equal(expandEnvPath('$HOME/.local/share/containers/$UID', cenv), '/home/u/.local/share/containers/1000');
  assert.equal(expandEnvPath('/x/${A_1}/$A_1/$MISSING/y', cenv), '/x/v/v/y');
  assert.equal(expandEnvPath('/x/$UIDS', cenv), '/x/1000S');
});

test('rootless, no files: ~/.local/share graphroot, runtime-dir runroot, vfs driver, no config file', () => {
  const c = resolve({ uid: 1000, env: { XDG_RUNTIME_DIR: '/run/user/1000' } });
  assert.deepEqual([c.graphRoot, c.runRoot, c.driver, c.configFile, c.rootless], [
    '/home/u/.local/share/containers/storage',
    '/run/user/1000/containers',
    'vfs',
    undefined,
    true,
  ]);
});

test('rootless: XDG_DATA_HOME moves the default graphroot', () => {
  const c = resolve({ uid: 1000, env: { XDG_RUNTIME_DIR: '/xr', XDG_DATA_HOME: '/data' } });
  assert.equal(c.graphRoot, '/data/containers/storage');
});

test('rootless runtime dir: XDG_RUNTIME_DIR, else /run/user/UID if owned, else $TMPDIR/podman-run-UID', () => {
  assert.equal(rootlessRuntimeDir(fake({ uid: 1000, env: { XDG_RUNTIME_DIR: '/xr' } })), '/xr');
  assert.equal(rootlessRuntimeDir(fake({ uid: 1000, owners: { '/run/user/1000': 1000 } })), '/run/user/1000');
  assert.equal(rootlessRuntimeDir(fake({ uid: 1000, owners: { '/run/user/1000': 0 } })), '/tmp/podman-run-1000');
  assert.equal(rootlessRuntimeDir(fake({ uid: 1000, env: { TMPDIR: '/var/tmp' } })), '/var/tmp/podman-run-1000');
  assert.equal(resolve({ uid: 1000 }).runRoot, '/tmp/podman-run-1000/containers');
});

test('rootless: the system file gives rootless_storage_path and a rootless-capable driver, nothing else', () => {
  const files = {
    '/etc/containers/storage.conf': conf([
      '[storage]',
      'driver = "overlay"',
      'graphroot = "/var/lib/containers/storage"',
      'runroot = "/run/containers/storage"',
      'rootless_storage_path = "$HOME/rsp/$UID"',
      '[storage.options]',
      'additionalimagestores = ["/ro"]',
    ]),
  };
  const c = resolve({ uid: 1000, env: { XDG_RUNTIME_DIR: '/xr' }, files });
  assert.deepEqual([c.graphRoot, c.runRoot, c.driver, c.configFile], ['/home/u/rsp/1000', '/xr/containers', 'overlay', undefined]);
  assert.deepEqual(c.additionalImageStores, []);
  const zfs = resolve({ uid: 1000, env: { XDG_RUNTIME_DIR: '/xr' }, files: { '/etc/containers/storage.conf': conf(['[storage]', 'driver = "zfs"', 'graphroot = "/g"', 'runroot = "/r"']) } });
  assert.equal(zfs.driver, 'vfs');
  assert.equal(resolve({ uid: 1000, env: { XDG_RUNTIME_DIR: '/xr', STORAGE_DRIVER: 'overlay' } }).driver, 'overlay');
});

test('rootless: ~/.config/containers/storage.conf replaces everything; missing roots take the rootless defaults', () => {
  const user = '/home/u/.config/containers/storage.conf';
  const c = resolve({ uid: 1000, env: { XDG_RUNTIME_DIR: '/xr' }, files: { [user]: conf(['[storage]', 'driver = "overlay2"']) } });
  assert.deepEqual([c.graphRoot, c.runRoot, c.driver, c.configFile], ['/home/u/.local/share/containers/storage', '/xr/containers', 'overlay', user]);
  // No driver in the user file: left to detection, even though the rootless default would be vfs.
  const noDriver = resolve({ uid: 1000, env: { XDG_RUNTIME_DIR: '/xr' }, files: { [user]: conf(['[storage]', 'graphroot = "/gr"']) } });
  assert.deepEqual([noDriver.graphRoot, noDriver.driver], ['/gr', '']);
  // The user file's own rootless_storage_path stands in for a missing graphroot.
  const rsp = resolve({ uid: 1000, env: { XDG_RUNTIME_DIR: '/xr' }, files: { [user]: conf(['[storage]', 'rootless_storage_path = "$HOME/mine"']) } });
  assert.equal(rsp.graphRoot, '/home/u/mine');
});

test('rootless: XDG_CONFIG_HOME moves the per-user file', () => {
  const cenv = fake({ uid: 1000, env: { XDG_CONFIG_HOME: '/cfg' } });
  assert.equal(userConfigFile(cenv), '/cfg/containers/storage.conf');
  assert.equal(userConfigFile(fake({ uid: 1000 })), '/home/u/.config/containers/storage.conf');
  const c = resolve({ uid: 1000, env: { XDG_CONFIG_HOME: '/cfg', XDG_RUNTIME_DIR: '/xr' }, files: { '/cfg/containers/storage.conf': FULL } });
  assert.deepEqual([c.graphRoot, c.runRoot, c.additionalImageStores], ['/g', '/r', ['/ro1', '/ro2']]);
});

test('systemConfigFile reports the file root would read', () => {
  assert.equal(systemConfigFile(fake({})), '/usr/share/containers/storage.conf');
  assert.equal(systemConfigFile(fake({ files: { '/etc/containers/storage.conf': '' } })), '/etc/containers/storage.conf');
  assert.equal(systemConfigFile(fake({ env: { CONTAINERS_STORAGE_CONF: '/c' } })), '/c');
});

test('a storage.conf that is not TOML, or has wrong types, is an InvalidConfig error naming the file', () => {
  const bad = (text: string) => () => resolve({ files: { '/etc/containers/storage.conf': text } });
  assert.throws(bad('[storage\ndriver='), (e: unknown) => e instanceof StoreError && e.code === 'InvalidConfig' && e.message.includes('/etc/containers/storage.conf'));
  assert.throws(bad('[storage]\ngraphroot = 3\n'), (e: unknown) => e instanceof StoreError && e.code === 'InvalidConfig');
  assert.throws(bad('[storage]\ngraphroot="/g"\nrunroot="/r"\n[storage.options]\nadditionalimagestores = "/x"\n'), (e: unknown) => e instanceof StoreError && e.code === 'InvalidConfig');
});

test('relative roots are refused', () => {
  assert.throws(() => resolve({ files: { '/etc/containers/storage.conf': conf(['[storage]', 'graphroot = "rel"', 'runroot = "/r"']) } }), /absolute/);
});

test('effectiveDriver: configured wins; else the one driver with data on disk; several is an error; else overlay', () => {
  const has = (...p: string[]) => (x: string) => p.includes(x);
  assert.equal(effectiveDriver('/g', 'vfs', has('/g/overlay-images')), 'vfs');
  assert.equal(effectiveDriver('/g', '', has('/g/vfs-images')), 'vfs');
  assert.equal(effectiveDriver('/g', '', has()), 'overlay');
  assert.throws(() => effectiveDriver('/g', '', has('/g/vfs-images', '/g/overlay-layers')), (e: unknown) => e instanceof StoreError && e.code === 'InvalidConfig');
  assert.equal(effectiveDriver('/g', 'zfs', has()), 'zfs');
  assert.throws(() => effectiveDriver('/g', 'bogus', has()), (e: unknown) => e instanceof StoreError && e.code === 'UnsupportedDriver' && /unknown storage driver "bogus"/.test(e.message));
});
