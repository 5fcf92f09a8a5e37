import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { isStoreError } from '../../../src/store/errors';
import { loadRegistriesConfig, registriesFiles, shortNameAliasesPath, type RegistriesEnvironment } from '../../../src/store/registries';

/** An in-memory file system: paths ending in '/' are directories. */
function fakeEnv(files: Record<string, string>, env: Record<string, string> = {}, euid = 1000): RegistriesEnvironment {
  const enoent = (p: string): Error => Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  return {
    env,
    home: '/home/u',
    euid,
    readFile: (p) => {
      const v = files[p];
      if (v === undefined) throw enoent(p);
      return v;
    },
    exists: (p) => p in files || Object.keys(files).some((f) => f.startsWith(`${p}/`)),
    readDir: (dir) => {
      const names = new Map<string, boolean>();
      for (const f of Object.keys(files)) {
        if (!f.startsWith(`${dir}/`)) continue;
        const rest = f.slice(dir.length + 1);
        const slash = rest.indexOf('/');
        names.set(slash < 0 ? rest : rest.slice(0, slash), slash >= 0);
      }
      if (names.size === 0) throw enoent(dir);
      return [...names].map(([name, isDirectory]) => ({ name, isDirectory }));
    },
  };
}

const SYS = '/etc/containers/registries.conf';
const SYSD = '/etc/containers/registries.conf.d';
const USER = '/home/u/.config/containers/registries.conf';
const USERD = '/home/u/.config/containers/registries.conf.d';

function aliasesOf(c: ReturnType<typeof loadRegistriesConfig>): Record<string, string | null> {
  return Object.fromEntries([...c.aliases].map(([k, v]) => [k, v.value?.toString() ?? null]));
}

function invalid(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => isStoreError(e, 'InvalidConfig') && re.test(e.message));
}

test('no files at all: nothing to search, no aliases', () => {
  const c = loadRegistriesConfig(fakeEnv({}));
  assert.deepEqual(c.unqualifiedSearchRegistries, []);
  assert.equal(c.aliases.size, 0);
  assert.deepEqual(c.files, []);
});

test('system file, then drop-ins in name order from both directories', () => {
  const c = loadRegistriesConfig(
    fakeEnv({
      [SYS]: 'unqualified-search-registries = ["quay.io/", "docker.io"]\n[aliases]\n"a" = "quay.io/a"\n"b" = "quay.io/b"\n',
      [`${SYSD}/20-b.conf`]: '[aliases]\n"b" = "r.io/b2"\n"c" = "r.io/c"\n',
      [`${SYSD}/10-a.conf`]: 'unqualified-search-registries = ["one.io"]\n',
      [`${SYSD}/30-ignored.txt`]: 'not toml at all [[[',
      [`${SYSD}/sub/x.conf`]: 'not toml at all [[[',
      [`${USERD}/50.conf`]: '[aliases]\n"c" = ""\n"opensuse/leap" = "registry.opensuse.org/opensuse/leap"\n',
    }),
  );
  assert.deepEqual(c.unqualifiedSearchRegistries, ['one.io']);
  assert.equal(c.unqualifiedSearchRegistriesOrigin, `${SYSD}/10-a.conf`);
  assert.deepEqual(aliasesOf(c), {
    a: 'quay.io/a',
    b: 'r.io/b2',
    c: null,
    'opensuse/leap': 'registry.opensuse.org/opensuse/leap',
  });
  assert.deepEqual(c.files, [SYS, `${SYSD}/10-a.conf`, `${SYSD}/20-b.conf`, `${USERD}/50.conf`]);
});

test('an empty list in a drop-in empties the search list; a missing one keeps it', () => {
  const base = { [SYS]: 'unqualified-search-registries = ["quay.io"]\n' };
  assert.deepEqual(loadRegistriesConfig(fakeEnv({ ...base, [`${SYSD}/a.conf`]: '[aliases]\n' })).unqualifiedSearchRegistries, ['quay.io']);
  assert.deepEqual(loadRegistriesConfig(fakeEnv({ ...base, [`${SYSD}/a.conf`]: 'unqualified-search-registries = []\n' })).unqualifiedSearchRegistries, []);
});

test('the user registries.conf replaces the system file and the system drop-ins', () => {
  const files = {
    [SYS]: 'unqualified-search-registries = ["sys.io"]\n',
    [`${SYSD}/a.conf`]: '[aliases]\n"s" = "sys.io/s"\n',
    [USER]: 'unqualified-search-registries = ["user.io"]\n',
    [`${USERD}/b.conf`]: '[aliases]\n"u" = "user.io/u"\n',
  };
  const c = loadRegistriesConfig(fakeEnv(files));
  assert.deepEqual(c.unqualifiedSearchRegistries, ['user.io']);
  assert.deepEqual(aliasesOf(c), { u: 'user.io/u' });
  assert.deepEqual(registriesFiles(fakeEnv(files)), { configPath: USER, explicit: false, dropInDirs: [USERD] });
});

test('CONTAINERS_REGISTRIES_CONF names the main file (it must exist); drop-ins still apply', () => {
  const files = {
    '/t/reg.conf': 'unqualified-search-registries = ["t.io"]\n',
    [USER]: 'unqualified-search-registries = ["user.io"]\n',
    [`${SYSD}/a.conf`]: '[aliases]\n"s" = "sys.io/s"\n',
  };
  const c = loadRegistriesConfig(fakeEnv(files, { CONTAINERS_REGISTRIES_CONF: '/t/reg.conf' }));
  assert.deepEqual(c.unqualifiedSearchRegistries, ['t.io']);
  assert.deepEqual(aliasesOf(c), { s: 'sys.io/s' });
  assert.equal(loadRegistriesConfig(fakeEnv(files, { REGISTRIES_CONFIG_PATH: '/t/reg.conf' })).unqualifiedSearchRegistries[0], 't.io');
  invalid(() => loadRegistriesConfig(fakeEnv(files, { CONTAINERS_REGISTRIES_CONF: '/t/missing.conf' })), /missing\.conf.*does not exist/);
  // set but empty is as if unset
  assert.deepEqual(loadRegistriesConfig(fakeEnv(files, { CONTAINERS_REGISTRIES_CONF: '' })).unqualifiedSearchRegistries, ['user.io']);
});

test('short-name-aliases.conf wins over registries.conf aliases', () => {
  const files = {
    [SYS]: '[aliases]\n"a" = "sys.io/a"\n"b" = "sys.io/b"\n',
    '/home/u/.cache/containers/short-name-aliases.conf': '[aliases]\n"a" = "docker.io/a"\n"b" = ""\n',
    '/xdg/containers/short-name-aliases.conf': '[aliases]\n"a" = "xdg.io/a"\n',
    '/var/cache/containers/short-name-aliases.conf': '[aliases]\n"a" = "root.io/a"\n',
  };
  assert.deepEqual(aliasesOf(loadRegistriesConfig(fakeEnv(files))), { a: 'docker.io/library/a', b: null });
  assert.deepEqual(aliasesOf(loadRegistriesConfig(fakeEnv(files, { XDG_CACHE_HOME: '/xdg' }))), { a: 'xdg.io/a', b: 'sys.io/b' });
  assert.deepEqual(aliasesOf(loadRegistriesConfig(fakeEnv(files, {}, 0))), { a: 'root.io/a', b: 'sys.io/b' });
  assert.equal(shortNameAliasesPath(fakeEnv({}, {}, 0)), '/var/cache/containers/short-name-aliases.conf');
  assert.equal(shortNameAliasesPath(fakeEnv({})), path.join('/home/u/.cache', 'containers/short-name-aliases.conf'));
});

test('v1 format is converted in the main file and refused in drop-ins', () => {
  const v1 = '[registries.search]\nregistries = ["v1.io", "docker.io"]\n[registries.insecure]\nregistries = []\n';
  assert.deepEqual(loadRegistriesConfig(fakeEnv({ [SYS]: v1 })).unqualifiedSearchRegistries, ['v1.io', 'docker.io']);
  invalid(() => loadRegistriesConfig(fakeEnv({ [`${SYSD}/a.conf`]: v1 })), /must be in v2 format but is in v1/);
  invalid(() => loadRegistriesConfig(fakeEnv({ [SYS]: `${v1}\n[aliases]\n"x" = "r.io/x"\n` })), /mixing sysregistry v1\/v2/);
});

test('invalid files are InvalidConfig errors naming the file', () => {
  const bad = (text: string, re: RegExp): void => invalid(() => loadRegistriesConfig(fakeEnv({ [SYS]: text })), re);
  bad('unqualified-search-registries = [', /registries\.conf/);
  bad('unqualified-search-registries = "quay.io"', /must be an array of strings/);
  bad('unqualified-search-registries = ["https://quay.io"]', /URI schemes are not supported/);
  bad('unqualified-search-registries = ["quay.io/ns"]', /Invalid unqualified-search-registries entry "quay\.io\/ns"/);
  bad('[aliases]\n"Foo" = "quay.io/foo"', /cannot parse short name: "Foo": repository name must be lowercase/);
  bad('[aliases]\n"quay.io/foo" = "quay.io/foo"', /invalid short name "quay\.io\/foo": must not contain registry/);
  bad('[aliases]\n"foo:1" = "quay.io/foo"', /must not contain tag/);
  bad('[aliases]\n"foo" = "foo/bar"', /invalid alias "foo\/bar": must contain registry and repository/);
  bad('[aliases]\n"foo" = "quay.io/foo:1"', /invalid alias "quay\.io\/foo:1": must not contain tag/);
  bad('[aliases]\n"foo" = 3', /must be a string/);
  bad('short-name-mode = "sometimes"', /invalid short-name mode: "sometimes"/);
  bad('[[registry]]\nprefix = ""\nlocation = ""', /both location and prefix are unset/);
  bad('[[registry]]\nprefix = "*.a.io:5000"\nlocation = "x.io"', /Wildcarded prefix/);
  bad('[[registry]]\nlocation = "x.io"\n[[registry.mirror]]\nlocation = ""', /mirror location is unset/);
  // what is fine stays fine
  assert.doesNotThrow(() => loadRegistriesConfig(fakeEnv({ [SYS]: '[[registry]]\nprefix = "*.a.io"\n[[registry]]\nlocation = "b.io"\ninsecure = true\nshort-name-mode = "enforcing"\ncredential-helpers = ["x"]\n' })));
});
