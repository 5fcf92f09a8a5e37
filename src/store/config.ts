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

/** The storage.conf that containers/storage reads for the system defaults (Step A of the spec). */
export function systemConfigFile(cenv: ConfigEnvironment): string | undefined {
  const { env } = cenv;
  if (env.CONTAINERS_STORAGE_CONF) return env.CONTAINERS_STORAGE_CONF;
  if (env.XDG_CONFIG_HOME) {
    const p = path.join(env.XDG_CONFIG_HOME, 'containers', 'storage.conf');
    if (cenv.exists(p)) return p;
  }
  return SYSTEM_CONFIG_FILES.find((p) => cenv.exists(p));
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

/** Expands $HOME, $UID and ${VAR} the way c/storage expands rootless_storage_path. */
function expandPath(p: string, cenv: ConfigEnvironment): string {
  return p.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => {
    if (name === 'HOME') return cenv.home;
    if (name === 'UID') return String(cenv.uid);
    return cenv.env[name] ?? '';
  });
}

/** The rootless runtime dir as c/storage 1.43 picks it. */
export function rootlessRuntimeDir(cenv: ConfigEnvironment): string {
  if (cenv.env.XDG_RUNTIME_DIR) return cenv.env.XDG_RUNTIME_DIR;
  const runUser = `/run/user/${cenv.uid}`;
  if (cenv.ownerOf(runUser) === cenv.uid) return runUser;
  return path.join(cenv.tmpdir, `containers-user-${cenv.uid}`);
}

/** Resolves the primary store the way podman does for this user, with podman's CLI overrides. */
export function resolveStoreConfig(overrides: ConfigOverrides = {}, cenv: ConfigEnvironment = realEnvironment()): StoreConfig {
  const rootless = cenv.uid !== 0;
  const sysFile = systemConfigFile(cenv);
  const sys = readConf(cenv, sysFile);
  let conf = sys;
  let configFile = sys ? sysFile : undefined;
  let graphRoot: string;
  let runRoot: string;
  let driver: string;

  if (!rootless) {
    graphRoot = sys?.graphroot || ROOTFUL_GRAPHROOT;
    runRoot = sys?.runroot || ROOTFUL_RUNROOT;
    driver = normalizeDriver(sys?.driver);
  } else {
    const defaultGraph = sys?.rootless_storage_path
      ? expandPath(sys.rootless_storage_path, cenv)
      : path.join(cenv.env.XDG_DATA_HOME || path.join(cenv.home, '.local', 'share'), 'containers', 'storage');
    const defaultRun = path.join(rootlessRuntimeDir(cenv), 'containers');
    const sysDriver = normalizeDriver(sys?.driver);
    let defaultDriver = ['overlay', 'vfs', 'btrfs'].includes(sysDriver) ? sysDriver : '';
    const userFile =
      cenv.env.CONTAINERS_STORAGE_CONF ||
      path.join(cenv.env.XDG_CONFIG_HOME || path.join(cenv.home, '.config'), 'containers', 'storage.conf');
    const user = readConf(cenv, userFile);
    if (user) {
      conf = user;
      configFile = userFile;
      graphRoot = user.graphroot ? expandPath(user.graphroot, cenv) : defaultGraph;
      runRoot = user.runroot ? expandPath(user.runroot, cenv) : defaultRun;
      driver = normalizeDriver(user.driver) || defaultDriver;
    } else {
      graphRoot = defaultGraph;
      runRoot = defaultRun;
      defaultDriver ||= '';
      driver = defaultDriver;
    }
  }
  if (cenv.env.STORAGE_DRIVER) driver = normalizeDriver(cenv.env.STORAGE_DRIVER);
  if (overrides.root) graphRoot = overrides.root;
  if (overrides.runRoot) runRoot = overrides.runRoot;
  if (overrides.driver) driver = normalizeDriver(overrides.driver);

  if (!path.isAbsolute(graphRoot)) throw new StoreError('InvalidConfig', `graphroot must be an absolute path: ${graphRoot}`);
  if (!path.isAbsolute(runRoot)) throw new StoreError('InvalidConfig', `runroot must be an absolute path: ${runRoot}`);
  const additional = conf?.options?.additionalimagestores ?? [];
  return {
    graphRoot,
    runRoot,
    driver,
    driverOptions: additional.map((s) => `${driver || 'overlay'}.imagestore=${s}`),
    additionalImageStores: additional,
    imageStore: conf?.imagestore || undefined,
    transientStore: conf?.transient_store ?? false,
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
  if (configured) return configured;
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
