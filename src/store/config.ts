/*
 * Where a store lives: storage.conf selection and the rootful/rootless defaults, following
 * containers/storage's types/options.go (one file is read, never merged). Pure apart from the
 * file-system probes passed in, so the whole table of cases is unit-tested without touching /etc.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { StoreError } from './errors';

export interface StoreConfig {
  graphRoot: string;
  runRoot: string;
  /** Driver name as configured ('' when storage.conf and overrides leave it to detection). */
  driver: string;
  driverOptions: string[];
  additionalImageStores: string[];
  /** `[storage] imagestore` (split image store, c/storage ≥ 1.48); rarely used. */
  imageStore?: string;
  transientStore: boolean;
  /** The storage.conf that was read, if any. */
  configFile?: string;
  rootless: boolean;
}

export interface ConfigOverrides {
  root?: string;
  runRoot?: string;
  driver?: string;
}

export interface ConfigEnvironment {
  env: Record<string, string | undefined>;
  uid: number;
  home: string;
  exists(p: string): boolean;
  readFile(p: string): string;
  /** Owner uid of a path, or undefined when it does not exist. */
  ownerOf(p: string): number | undefined;
  tmpdir: string;
}

export function realEnvironment(): ConfigEnvironment {
  return {
    env: process.env,
    uid: process.geteuid?.() ?? 0,
    home: process.env.HOME ?? require('node:os').homedir(),
    exists: (p) => fs.existsSync(p),
    readFile: (p) => fs.readFileSync(p, 'utf8'),
    ownerOf: (p) => {
      try {
        return fs.statSync(p).uid;
      } catch {
        return undefined;
      }
    },
    tmpdir: process.env.TMPDIR || '/tmp',
  };
}

export const SYSTEM_CONFIG_FILES = ['/etc/containers/storage.conf', '/usr/share/containers/storage.conf'];
export const ROOTFUL_GRAPHROOT = '/var/lib/containers/storage';
export const ROOTFUL_RUNROOT = '/run/containers/storage';

interface TomlStorage {
  driver?: string;
  graphroot?: string;
  runroot?: string;
  imagestore?: string;
  rootless_storage_path?: string;
  transient_store?: boolean;
  options?: { additionalimagestores?: string[] };
}

/** The file c/storage 1.43 reads for the system-wide defaults (Step A of the spec). */
export function systemConfigFile(cenv: ConfigEnvironment): string {
  const { env } = cenv;
  if (env.CONTAINERS_STORAGE_CONF !== undefined) return env.CONTAINERS_STORAGE_CONF;
  // $XDG_CONFIG_HOME/containers/storage.conf takes the place of /etc's file, even for root.
  let override = SYSTEM_CONFIG_FILES[0]!;
  if (env.XDG_CONFIG_HOME !== undefined) {
    const p = path.join(env.XDG_CONFIG_HOME, 'containers', 'storage.conf');
    if (cenv.exists(p)) override = p;
  }
  return cenv.exists(override) ? override : SYSTEM_CONFIG_FILES[1]!;
}

/** The per-user file a rootless podman reads (whether or not it exists). */
export function userConfigFile(cenv: ConfigEnvironment): string {
  const { env } = cenv;
  if (env.CONTAINERS_STORAGE_CONF !== undefined) return env.CONTAINERS_STORAGE_CONF;
  return path.join(env.XDG_CONFIG_HOME || path.join(cenv.home, '.config'), 'containers', 'storage.conf');
}

export function parseStorageConf(text: string, file: string): TomlStorage {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw new StoreError('InvalidConfig', `Could not parse ${file}: ${(e as Error).message}`, { path: file }, { cause: e });
  }
  const storage = (doc.storage ?? {}) as Record<string, unknown>;
  const out: TomlStorage = {};
  const str = (k: string): string | undefined => {
    const v = storage[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new StoreError('InvalidConfig', `${file}: [storage] ${k} must be a string`, { path: file });
    return v;
  };
  out.driver = str('driver');
  out.graphroot = str('graphroot');
  out.runroot = str('runroot');
  out.imagestore = str('imagestore');
  out.rootless_storage_path = str('rootless_storage_path');
  if (typeof storage.transient_store === 'boolean') out.transient_store = storage.transient_store;
  const options = storage.options as Record<string, unknown> | undefined;
  if (options && options.additionalimagestores !== undefined) {
    const a = options.additionalimagestores;
    if (!Array.isArray(a) || !a.every((x) => typeof x === 'string')) {
      throw new StoreError('InvalidConfig', `${file}: additionalimagestores must be a list of paths`, { path: file });
    }
    out.options = { additionalimagestores: a };
  }
  return out;
}

function readConf(cenv: ConfigEnvironment, file: string | undefined): TomlStorage | undefined {
  if (!file || !cenv.exists(file)) return undefined;
  let text: string;
  try {
    text = cenv.readFile(file);
  } catch (e) {
    throw new StoreError('InvalidConfig', `Could not read ${file}: ${(e as Error).message}`, { path: file }, { cause: e });
  }
  return parseStorageConf(text, file);
}

function normalizeDriver(d: string | undefined): string {
  return d === 'overlay2' ? 'overlay' : (d ?? '');
}

/** Drivers c/storage accepts from the system file for a rootless user. */
const ROOTLESS_DRIVERS = ['overlay', 'overlay2', 'vfs', 'btrfs'];

/** Go's filepath.Clean for absolute and relative paths ('' becomes '.'). */
function cleanPath(p: string): string {
  if (p === '') return '.';
  const n = path.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/**
 * c/storage's expandEnvPath: every literal "$UID" becomes the uid, then Go's os.ExpandEnv
 * ($NAME and ${NAME}; unset names expand to nothing), then the path is cleaned.
 */
export function expandEnvPath(p: string, cenv: ConfigEnvironment): string {
  const withUid = p.split('$UID').join(String(cenv.uid));
  const expanded = withUid.replace(/\$\{([^}]*)\}|\$([A-Za-z0-9_]+)/g, (_m, braced: string | undefined, bare: string | undefined) => {
    return cenv.env[braced ?? bare ?? ''] ?? '';
  });
  return cleanPath(expanded);
}

/**
 * The rootless runtime dir as podman 4.3 picks it (pkg/util GetRuntimeDir, which runs before
 * c/storage and exports XDG_RUNTIME_DIR): $XDG_RUNTIME_DIR, else /run/user/$UID when the user
 * owns it, else $TMPDIR/podman-run-$UID.
 */
export function rootlessRuntimeDir(cenv: ConfigEnvironment): string {
  if (cenv.env.XDG_RUNTIME_DIR) return cenv.env.XDG_RUNTIME_DIR;
  const runUser = `/run/user/${cenv.uid}`;
  if (cenv.ownerOf(runUser) === cenv.uid) return runUser;
  return path.join(cenv.env.TMPDIR || '/tmp', `podman-run-${cenv.uid}`);
}

/** What one reading of a storage.conf yields (c/storage ReloadConfigurationFile). */
interface LoadedOptions {
  graphRoot: string;
  runRoot: string;
  driver: string;
  rootlessStoragePath: string;
  additionalImageStores: string[];
  imageStore?: string;
  transientStore: boolean;
}

function emptyOptions(): LoadedOptions {
  return { graphRoot: '', runRoot: '', driver: '', rootlessStoragePath: '', additionalImageStores: [], transientStore: false };
}

/** Image stores named by STORAGE_OPTS entries such as `overlay.imagestore=/ro`. */
function imageStoresOf(opts: string[]): string[] {
  return opts.flatMap((o) => {
    const m = /^(?:[A-Za-z0-9_-]+\.)?imagestore=(.+)$/.exec(o.trim());
    return m ? [m[1]!] : [];
  });
}

function loadOptions(cenv: ConfigEnvironment, file: string): LoadedOptions | undefined {
  const conf = readConf(cenv, file);
  if (!conf) return undefined;
  const out = emptyOptions();
  out.driver = normalizeDriver(cenv.env.STORAGE_DRIVER || conf.driver);
  out.graphRoot = conf.graphroot ?? '';
  out.runRoot = conf.runroot ?? '';
  out.rootlessStoragePath = conf.rootless_storage_path ?? '';
  out.additionalImageStores = conf.options?.additionalimagestores ?? [];
  // STORAGE_OPTS replaces every driver option the file gave, additional image stores included.
  if (cenv.env.STORAGE_OPTS !== undefined) out.additionalImageStores = imageStoresOf(cenv.env.STORAGE_OPTS.split(','));
  out.imageStore = conf.imagestore || undefined;
  out.transientStore = conf.transient_store ?? false;
  return out;
}

/**
 * Resolves the primary store the way podman 4.3 (c/storage 1.43 types/options.go) does for this
 * user, then applies podman's CLI overrides. Like podman, --root and --storage-driver drop the
 * driver options of storage.conf, and with them the additional image stores.
 */
export function resolveStoreConfig(overrides: ConfigOverrides = {}, cenv: ConfigEnvironment = realEnvironment()): StoreConfig {
  const { env } = cenv;
  const rootless = cenv.uid !== 0;
  if (env.CONTAINERS_STORAGE_CONF !== undefined && !cenv.exists(env.CONTAINERS_STORAGE_CONF)) {
    throw new StoreError('InvalidConfig', `CONTAINERS_STORAGE_CONF names ${env.CONTAINERS_STORAGE_CONF}, which does not exist`, {
      path: env.CONTAINERS_STORAGE_CONF,
    });
  }
  // Step A: the system defaults.
  const sysFile = systemConfigFile(cenv);
  const sysLoaded = loadOptions(cenv, sysFile);
  const sys = sysLoaded ?? emptyOptions();
  let configFile = sysLoaded ? sysFile : undefined;
  let opts: LoadedOptions;
  if (!rootless) {
    // Root reads the same file again without defaults: a file lacking graphroot/runroot is an error.
    opts = sysLoaded ? { ...sys } : { ...sys, graphRoot: ROOTFUL_GRAPHROOT, runRoot: ROOTFUL_RUNROOT };
  } else {
    const dataHome = env.XDG_DATA_HOME || path.join(cenv.home, '.local', 'share');
    const defaultGraph = sys.rootlessStoragePath ? expandEnvPath(sys.rootlessStoragePath, cenv) : path.join(dataHome, 'containers', 'storage');
    const defaultRun = path.join(rootlessRuntimeDir(cenv), 'containers');
    let driver = ROOTLESS_DRIVERS.includes(sys.driver) ? sys.driver : '';
    if (env.STORAGE_DRIVER) driver = env.STORAGE_DRIVER;
    driver = normalizeDriver(driver) || 'vfs';
    // Driver options of the system file are not carried over for a rootless user.
    const extra = env.STORAGE_OPTS ? imageStoresOf(env.STORAGE_OPTS.split(',')) : [];
    opts = { ...emptyOptions(), graphRoot: defaultGraph, runRoot: defaultRun, driver, additionalImageStores: extra };
    const userFile = userConfigFile(cenv);
    const user = loadOptions(cenv, userFile);
    configFile = user ? userFile : undefined;
    if (user) {
      opts = {
        ...user,
        runRoot: user.runRoot || defaultRun,
        graphRoot: user.graphRoot || (user.rootlessStoragePath ? user.rootlessStoragePath : defaultGraph),
      };
    }
  }
  let graphRoot = opts.graphRoot ? expandEnvPath(opts.graphRoot, cenv) : '';
  let runRoot = opts.runRoot ? expandEnvPath(opts.runRoot, cenv) : '';
  let driver = opts.driver;
  let additional = opts.additionalImageStores;
  if (overrides.root) {
    graphRoot = overrides.root;
    additional = [];
  }
  if (overrides.runRoot) runRoot = overrides.runRoot;
  if (overrides.driver) {
    driver = normalizeDriver(overrides.driver);
    additional = [];
  }
  // podman refuses these; an explicit --root/--runroot still lets Strata open the store.
  if (!runRoot) throw new StoreError('InvalidConfig', `runroot must be set in ${configFile ?? sysFile}`, { path: configFile ?? sysFile });
  if (!graphRoot) throw new StoreError('InvalidConfig', `graphroot must be set in ${configFile ?? sysFile}`, { path: configFile ?? sysFile });
  if (!path.isAbsolute(graphRoot)) throw new StoreError('InvalidConfig', `graphroot must be an absolute path: ${graphRoot}`);
  if (!path.isAbsolute(runRoot)) throw new StoreError('InvalidConfig', `runroot must be an absolute path: ${runRoot}`);
  return {
    graphRoot,
    runRoot,
    driver,
    driverOptions: additional.map((s) => `${driver || 'overlay'}.imagestore=${s}`),
    additionalImageStores: additional,
    imageStore: opts.imageStore,
    transientStore: opts.transientStore,
    configFile,
    rootless,
  };
}

export const KNOWN_DRIVERS = ['overlay', 'vfs', 'btrfs', 'zfs', 'aufs', 'devicemapper'];

/**
 * The driver whose files are on disk: the X of an existing <graphroot>/X-images directory,
 * which is what the records are read from, else the configured one, else c/storage's default.
 */
export function effectiveDriver(graphRoot: string, configured: string, exists: (p: string) => boolean = fs.existsSync): string {
  if (configured) {
    // c/storage refuses a driver it does not know ("driver not supported"); so do we, plainly.
    if (!KNOWN_DRIVERS.includes(configured)) {
      throw new StoreError('UnsupportedDriver', `unknown storage driver "${configured}": use one of ${KNOWN_DRIVERS.join(', ')}`, { driver: configured });
    }
    return configured;
  }
  const found = KNOWN_DRIVERS.filter((d) => exists(path.join(graphRoot, `${d}-images`)) || exists(path.join(graphRoot, `${d}-layers`)));
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    throw new StoreError(
      'InvalidConfig',
      `The store at ${graphRoot} holds data of several drivers (${found.join(', ')}); choose one with --storage-driver`,
      { graphRoot, drivers: found },
    );
  }
  return 'overlay';
}
