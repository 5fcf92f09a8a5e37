/*
 * The stores this server knows: discovered from the machine and the user's settings, each opened
 * once so the library's snapshot cache is reused between requests. Maps protocol store IDs to open
 * stores and describes each as a StoreInfo. No protocol types beyond the DTOs, no watching here.
 */
import { discoverStores, probeStore, type DiscoveredStore } from '../store/discovery';
import { StoreError } from '../store/errors';
import { defaultCacheDir } from '../store/facts-cache';
import { Store } from '../store/store';
import type { ServerSettings } from '../shared/protocol';
import type { StoreInfo } from '../shared/model';

export interface RegisteredStore {
  info: StoreInfo;
  discovered: DiscoveredStore;
  /** Present when the store could be opened (status ready). */
  store?: Store;
}

export const DEFAULT_SETTINGS: ServerSettings = { extraStores: [], discoverSystemStores: true, watchDebounceMs: 150 };

export class StoreRegistry {
  private entries = new Map<string, RegisteredStore>();
  private settings: ServerSettings = DEFAULT_SETTINGS;

  /** `cacheDir`: where listing caches live (see facts-cache.ts); memory only when undefined. */
  constructor(private readonly cacheDir: string | undefined = defaultCacheDir()) {}

  configure(settings: Partial<ServerSettings>): void {
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
    this.rediscover();
  }

  get current(): ServerSettings {
    return this.settings;
  }

  /** Re-runs discovery and re-probes every store; keeps open Store objects whose config is unchanged. */
  rediscover(): RegisteredStore[] {
    const found = discoverStores({ extra: this.settings.extraStores, system: this.settings.discoverSystemStores });
    const next = new Map<string, RegisteredStore>();
    for (const d of found) {
      const id = storeIdOf(d);
      const probe = probeStore(d.config);
      const info: StoreInfo = {
        id,
        kind: d.kind,
        graphRoot: d.config.graphRoot,
        runRoot: d.config.runRoot,
        driver: probe.driver,
        readOnly: d.readOnly || !probe.writable,
        status: probe.status,
        ...(probe.problem ? { problem: probe.problem } : {}),
      };
      const prev = this.entries.get(id);
      let store: Store | undefined;
      if (probe.status === 'ready') {
        store = prev?.store && prev.info.driver === probe.driver && prev.info.runRoot === info.runRoot ? prev.store : undefined;
        store ??= Store.open({ config: { ...d.config, driver: probe.driver }, cacheDir: this.cacheDir });
      }
      next.set(id, { info, discovered: d, store });
    }
    this.entries = next;
    return [...next.values()];
  }

  list(): RegisteredStore[] {
    return [...this.entries.values()];
  }

  /** The open store for a protocol ID; NotFound / PermissionDenied with the probe's sentence otherwise. */
  get(storeId: string): { entry: RegisteredStore; store: Store } {
    let entry = this.entries.get(storeId);
    if (!entry?.store) {
      // The store may have appeared since the last discovery (podman's first run creates it).
      this.rediscover();
      entry = this.entries.get(storeId);
    }
    if (!entry) throw new StoreError('NotFound', `Strata does not know the store ${storeId}; refresh the view`, { storeId });
    if (!entry.store) {
      const p = entry.info.problem ?? { code: 'NotFound' as const, message: `The store at ${entry.info.graphRoot} cannot be read` };
      throw new StoreError(p.code, p.message, { storeId });
    }
    return { entry, store: entry.store };
  }
}

/** Stable ID: the graph root (unique after discovery's dedup), prefixed so it never looks like a path argument. */
export function storeIdOf(d: DiscoveredStore): string {
  return `store:${d.config.graphRoot}`;
}
