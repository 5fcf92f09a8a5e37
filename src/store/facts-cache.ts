/*
 * The listing cache on disk, one file per store: what listing needs from image configs
 * (config-facts.ts), kept by config digest. Per config, its labels; per pair of configs the layer
 * tree proposed, whether they are parent and child. A config is content-addressed, so neither can
 * ever be stale; with them, listing reads images.json, layers.json and this one file instead of
 * every image's config. The file is advisory: a missing, unreadable, corrupt or foreign one is
 * ignored (everything is computed again from the configs), and failing to write it changes nothing.
 *
 * Digests are stored as values, in arrays, never as object keys: JSON.parse gives every distinct
 * key a place in V8's string table and a hidden class of its own, which for thousands of keys
 * costs more than the rest of the file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Labels } from './config-facts';
import { atomicWriteFile } from './json-file';
import { readTextFile } from './text-file';

// Bump whenever what is kept, or how it is computed, changes.
const FORMAT = 'strata-listing-facts/3';
/** Longer file names (stores deep in the file system) are shortened, and keep their store inside. */
const MAX_NAME = 120;

/** Where Strata keeps caches: $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata, else ~/.cache/strata; none with STRATA_NO_CACHE=1. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.STRATA_NO_CACHE === '1') return undefined;
  if (env.STRATA_CACHE_DIR) return env.STRATA_CACHE_DIR;
  let home = '';
  try {
    home = os.homedir();
  } catch {
    // No home directory (a system account without one): no cache, listing still works.
  }
  const base = env.XDG_CACHE_HOME || (home ? path.join(home, '.cache') : '');
  return base ? path.join(base, 'strata') : undefined;
}

function isLabels(v: unknown): v is Labels {
  return v === null || (typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => typeof x === 'string'));
}

/** The key of a pair: digests never hold a space. */
const pairKey = (parent: string, child: string): string => parent + ' ' + child;

export class FactsCache {
  private readonly labels = new Map<string, Labels>();
  private readonly verdicts = new Map<string, boolean>();
  private loaded = false;
  private dirty = false;
  /** Configs and pairs asked for since the last save: what the next save keeps. */
  private readonly usedConfigs = new Set<string>();
  private readonly usedPairs = new Set<string>();

  /**
   * `file` undefined: a cache in memory only. `graphRoot` is written into the file, so that a
   * cache whose store is gone can be told apart and removed.
   */
  constructor(
    readonly file: string | undefined,
    private readonly graphRoot?: string,
  ) {}

  /** The cache file of the store at `graphRoot` under `dir`. */
  static forStore(dir: string | undefined, graphRoot: string, driver: string): FactsCache {
    if (!dir) return new FactsCache(undefined);
    // The name only has to be stable and distinct per store; no secret is involved.
    const name = Buffer.from(`${driver}:${graphRoot}`).toString('base64url');
    const short = name.length > MAX_NAME ? name.slice(0, 60) + '-' + name.length + '-' + name.slice(-59) : name;
    return new FactsCache(path.join(dir, `facts-${short}.json`), graphRoot);
  }

  /** The labels of the config with this digest; undefined when not known. */
  labelsOf(digest: string): Labels | undefined {
    this.load();
    const labels = this.labels.get(digest);
    if (labels !== undefined) this.usedConfigs.add(digest);
    return labels;
  }

  setLabels(digest: string, labels: Labels): void {
    this.load();
    this.labels.set(digest, labels);
    this.usedConfigs.add(digest);
    this.dirty = true;
  }

  /** Whether the config `parent` is the parent of the config `child`; undefined when not known. */
  verdict(parent: string, child: string): boolean | undefined {
    this.load();
    const key = pairKey(parent, child);
    const v = this.verdicts.get(key);
    if (v !== undefined) this.usedPairs.add(key);
    return v;
  }

  setVerdict(parent: string, child: string, isParent: boolean): void {
    this.load();
    const key = pairKey(parent, child);
    this.verdicts.set(key, isParent);
    this.usedPairs.add(key);
    this.dirty = true;
  }

  /** Writes what was used since the last save, when anything changed. Never throws. */
  save(): void {
    if (!this.file) return;
    // What no listing asked for since the last save belongs to images that are gone.
    let dropped = false;
    for (const d of this.labels.keys()) {
      if (!this.usedConfigs.has(d)) {
        this.labels.delete(d);
        dropped = true;
      }
    }
    for (const key of this.verdicts.keys()) {
      if (!this.usedPairs.has(key)) {
        this.verdicts.delete(key);
        dropped = true;
      }
    }
    this.usedConfigs.clear();
    this.usedPairs.clear();
    if (!this.dirty && !dropped) return;
    const pairs: Array<[string, string, 0 | 1]> = [];
    for (const [key, isParent] of this.verdicts) {
      const space = key.indexOf(' ');
      pairs.push([key.slice(0, space), key.slice(space + 1), isParent ? 1 : 0]);
    }
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      // Atomic, so a listing running beside this one reads the old file or the new; never synced:
      // a cache lost in a crash is only a slower next listing.
      atomicWriteFile(this.file, JSON.stringify({ format: FORMAT, graphRoot: this.graphRoot, configs: [...this.labels], pairs }), { mode: 0o600, noSync: true });
      this.dirty = false;
      removeCachesOfGoneStores(path.dirname(this.file), this.file);
    } catch {
      // A cache that cannot be written is only a slower next listing.
    }
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    if (!this.file) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readTextFile(this.file));
    } catch {
      return;
    }
    const doc = parsed as { format?: unknown; configs?: unknown; pairs?: unknown };
    if (doc?.format !== FORMAT || !Array.isArray(doc.configs) || !Array.isArray(doc.pairs)) return;
    for (const e of doc.configs as unknown[]) {
      if (Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && isLabels(e[1])) this.labels.set(e[0], e[1]);
    }
    for (const e of doc.pairs as unknown[]) {
      if (Array.isArray(e) && e.length === 3 && typeof e[0] === 'string' && typeof e[1] === 'string' && (e[2] === 0 || e[2] === 1)) {
        this.verdicts.set(pairKey(e[0], e[1]), e[2] === 1);
      }
    }
  }
}

/**
 * Removes the cache files, beside `kept`, of stores whose graph root no longer exists (a test's
 * store, a removed user): nothing else would ever read or delete them. Runs only when a cache
 * was just written, so a listing served from its cache pays nothing for it. A file whose store
 * cannot be told (foreign, unreadable) is left alone.
 */
function removeCachesOfGoneStores(dir: string, kept: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    if (file === kept || !/^facts-.*\.json$/.test(name)) continue;
    const graphRoot = graphRootOf(file, name);
    if (graphRoot === undefined || !isGone(graphRoot)) continue;
    try {
      fs.rmSync(file, { force: true });
    } catch {
      // Another user's file, or a read-only directory: it stays.
    }
  }
}

/** Only a graph root known not to exist: one this user may not look at is not gone. */
function isGone(graphRoot: string): boolean {
  try {
    fs.statSync(graphRoot);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR';
  }
}

/** The graph root a cache file belongs to: from its name when whole, else from its content. */
function graphRootOf(file: string, name: string): string | undefined {
  const encoded = name.slice('facts-'.length, -'.json'.length);
  // Names of more than MAX_NAME characters were shortened (forStore) and no longer decode.
  if (encoded.length <= MAX_NAME && /^[A-Za-z0-9_-]+$/.test(encoded)) {
    const storeKey = Buffer.from(encoded, 'base64url').toString('utf8');
    const colon = storeKey.indexOf(':');
    if (colon > 0 && path.isAbsolute(storeKey.slice(colon + 1))) return storeKey.slice(colon + 1);
  }
  try {
    const graphRoot = (JSON.parse(readTextFile(file)) as { graphRoot?: unknown }).graphRoot;
    return typeof graphRoot === 'string' && path.isAbsolute(graphRoot) ? graphRoot : undefined;
  } catch {
    return undefined;
  }
}
