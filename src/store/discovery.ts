/*
 * Finding every store on the machine the way podman would for each kind of user: the caller's own
 * store (rootless, or rootful when running as root), the rootful store when a non-root user can see
 * it, each store's additional image stores, and stores the user names explicitly. Resolution only:
 * nothing here reads records; `probeStore` checks readability so a store the user cannot read is
 * listed with the reason instead of failing the whole list.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { effectiveDriver, realEnvironment, resolveStoreConfig, type ConfigEnvironment, type StoreConfig } from './config';
import { StoreError, fsError } from './errors';
import type { StoreErrorCode } from '../shared/errors';

export type DiscoveredKind = 'rootless' | 'rootful' | 'additional' | 'configured';

export interface StoreLocationInput {
  root: string;
  runRoot?: string;
  driver?: string;
}

export interface DiscoveredStore {
  kind: DiscoveredKind;
  /** Configuration to open the store with (additional stores have none of their own). */
  config: StoreConfig;
  readOnly: boolean;
  /** Configured stores are listed even when absent, so the user sees why; others only when present. */
  explicit: boolean;
}

export interface DiscoveryOptions {
  extra: StoreLocationInput[];
  /** Include the machine's own stores (rootless/rootful); off in tests and demos. */
  system: boolean;
  environment?: ConfigEnvironment;
}

/** Every store to show, deduplicated by graph root, in a stable order: own, rootful, configured, additional. */
export function discoverStores(opts: DiscoveryOptions): DiscoveredStore[] {
  const cenv = opts.environment ?? realEnvironment();
  const out: DiscoveredStore[] = [];
  const seen = new Set<string>();
  const add = (s: DiscoveredStore): void => {
    const key = path.resolve(s.config.graphRoot);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(s);
  };
  const primaries: DiscoveredStore[] = [];
  if (opts.system) {
    const own = safeResolve(() => resolveStoreConfig({}, cenv));
    if (own) primaries.push({ kind: cenv.uid === 0 ? 'rootful' : 'rootless', config: own, readOnly: false, explicit: false });
    if (cenv.uid !== 0) {
      // What root's podman would use: the system storage.conf with root's defaults.
      const rootEnv: ConfigEnvironment = { ...cenv, uid: 0, env: { ...cenv.env, XDG_CONFIG_HOME: undefined, CONTAINERS_STORAGE_CONF: undefined } };
      const rootful = safeResolve(() => resolveStoreConfig({}, rootEnv));
      if (rootful) primaries.push({ kind: 'rootful', config: rootful, readOnly: true, explicit: false });
    }
  }
  for (const loc of opts.extra) {
    primaries.push({ kind: 'configured', config: configuredConfig(loc, cenv), readOnly: false, explicit: true });
  }
  for (const p of primaries) add(p);
  for (const p of primaries) {
    for (const root of p.config.additionalImageStores) {
      add({
        kind: 'additional',
        config: { ...p.config, graphRoot: root, additionalImageStores: [], driverOptions: [], transientStore: false },
        readOnly: true,
        explicit: false,
      });
    }
  }
  return out.filter((s) => s.explicit || cenv.exists(s.config.graphRoot));
}

function safeResolve(f: () => StoreConfig): StoreConfig | undefined {
  try {
    return f();
  } catch {
    // A broken storage.conf hides that store from discovery; the user can still add it by path.
    return undefined;
  }
}

/** A store named by path: podman's resolution with `--root` (and optional runroot/driver) overrides. */
export function configuredConfig(loc: StoreLocationInput, cenv: ConfigEnvironment = realEnvironment()): StoreConfig {
  if (!path.isAbsolute(loc.root)) throw new StoreError('InvalidArgument', `A store path must be absolute: ${loc.root}`, { path: loc.root });
  let base: StoreConfig;
  try {
    base = resolveStoreConfig({ root: loc.root, runRoot: loc.runRoot, driver: loc.driver }, cenv);
  } catch {
    base = { graphRoot: loc.root, runRoot: '', driver: loc.driver ?? '', driverOptions: [], additionalImageStores: [], transientStore: false, rootless: cenv.uid !== 0 };
  }
  // Another store's runroot would hold the wrong mounts: without one, keep a private one beside the root.
  const runRoot = loc.runRoot ?? path.join(path.dirname(loc.root), `${path.basename(loc.root)}-run`);
  return { ...base, graphRoot: loc.root, runRoot, driver: loc.driver ?? '', additionalImageStores: [], driverOptions: [], configFile: undefined };
}

export interface StoreProbe {
  status: 'ready' | 'notFound' | 'noPermission' | 'error';
  driver: string;
  writable: boolean;
  problem?: { code: StoreErrorCode; message: string };
}

/** Whether a store can be read (and written), without reading any record. */
export function probeStore(config: StoreConfig): StoreProbe {
  try {
    fs.accessSync(config.graphRoot, fs.constants.R_OK | fs.constants.X_OK);
  } catch (e) {
    const err = fsError(e, config.graphRoot, 'the container store');
    if (err.code === 'NotFound') {
      return { status: 'notFound', driver: config.driver, writable: false, problem: { code: 'NotFound', message: `No container store at ${config.graphRoot}` } };
    }
    if (err.code === 'PermissionDenied') {
      return {
        status: 'noPermission',
        driver: config.driver,
        writable: false,
        problem: { code: 'PermissionDenied', message: `You cannot read ${config.graphRoot}; it belongs to another user (rootful stores need root)` },
      };
    }
    return { status: 'error', driver: config.driver, writable: false, problem: { code: err.code, message: err.message } };
  }
  let driver: string;
  try {
    driver = effectiveDriver(config.graphRoot, config.driver);
  } catch (e) {
    const err = e instanceof StoreError ? e : new StoreError('IoError', String(e));
    return { status: 'error', driver: '', writable: false, problem: { code: err.code, message: err.message } };
  }
  let writable = true;
  try {
    fs.accessSync(config.graphRoot, fs.constants.W_OK);
  } catch {
    writable = false;
  }
  return { status: 'ready', driver, writable };
}
