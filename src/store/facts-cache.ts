/*
 * The listing cache on disk: config facts (config-facts.ts) by config digest, one file per store.
 * A config is content-addressed, so the facts of a digest never change and an entry can never be
 * stale; with it, listing reads images.json, layers.json and this one file instead of every
 * image's config. The file is advisory: a missing, unreadable, corrupt or foreign one is ignored
 * (the facts are computed again from the configs), and failing to write it changes nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConfigFacts } from './config-facts';
import { atomicWriteFile } from './json-file';
import { readTextFile } from './text-file';

// Bump whenever facts are computed differently: digests of one way never meet another's.
const FORMAT = 'strata-config-facts/2';
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

function isFacts(v: unknown): v is ConfigFacts {
  const f = v as ConfigFacts;
  return (
    typeof f === 'object' &&
    f !== null &&
    (f.labels === null || (typeof f.labels === 'object' && !Array.isArray(f.labels))) &&
    Number.isInteger(f.layers) &&
    Number.isInteger(f.history) &&
    [f.layersId, f.layersButLastId, f.historyId, f.historyButLastId].every((x) => typeof x === 'string')
  );
}

export class FactsCache {
  private entries = new Map<string, ConfigFacts>();
  private loaded = false;
  private dirty = false;
  /** Digests asked for since the last save: what the next save keeps. */
  private readonly used = new Set<string>();

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

  get(digest: string): ConfigFacts | undefined {
    this.load();
    const f = this.entries.get(digest);
    if (f) this.used.add(digest);
    return f;
  }

  set(digest: string, facts: ConfigFacts): void {
    this.load();
    this.entries.set(digest, facts);
    this.used.add(digest);
    this.dirty = true;
  }

  /** Writes the entries used since the last save, when anything changed. Never throws. */
  save(): void {
    if (!this.file) return;
    const dropped = [...this.entries.keys()].some((d) => !this.used.has(d));
    if (!this.dirty && !dropped) return;
    const kept: Record<string, ConfigFacts> = {};
    for (const d of this.used) {
      const f = this.entries.get(d);
      if (f) kept[d] = f;
    }
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      // Atomic, so a listing running beside this one reads the old file or the new; never synced:
      // a cache lost in a crash is only a slower next listing.
      atomicWriteFile(this.file, JSON.stringify({ format: FORMAT, graphRoot: this.graphRoot, entries: kept }), { mode: 0o600, noSync: true });
      this.entries = new Map(Object.entries(kept));
      this.dirty = false;
      removeCachesOfGoneStores(path.dirname(this.file), this.file);
    } catch {
      // A cache that cannot be written is only a slower next listing.
    }
    this.used.clear();
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
    const doc = parsed as { format?: unknown; entries?: unknown };
    if (doc?.format !== FORMAT || typeof doc.entries !== 'object' || doc.entries === null) return;
    for (const [digest, f] of Object.entries(doc.entries)) if (isFacts(f)) this.entries.set(digest, f);
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
