/*
 * Tells the client when a store changed on disk, whoever wrote it (podman, buildah, a script, us).
 * Watches the directories holding the record files and lock files with fs.watch (inotify: no
 * polling loop), coalesces bursts of events (a podman write touches several files), then compares
 * a cheap key of the record files' stats and only reports a real change. Never reads records.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Store } from '../store/store';

export interface WatchTarget {
  storeId: string;
  store: Store;
}

/** Longest a change may wait while events keep arriving (a long podman pull writes for a while). */
const MAX_WAIT_MS = 1000;

interface WatchedStore {
  target: WatchTarget;
  watchers: Map<string, { ino: number; watcher: fs.FSWatcher }>;
  key: string;
  timer?: NodeJS.Timeout;
  firstEventAt?: number;
}

export class StoreWatcher {
  private readonly stores = new Map<string, WatchedStore>();

  constructor(
    private readonly onChange: (storeId: string) => void,
    private readonly debounceMs: number,
    private readonly log: (msg: string) => void = () => undefined,
  ) {}

  /** Watches exactly these stores from now on (stops watching the others). */
  setTargets(targets: WatchTarget[]): void {
    const wanted = new Set(targets.map((t) => t.storeId));
    for (const [id, w] of this.stores) {
      if (!wanted.has(id) || targets.find((t) => t.storeId === id)!.store !== w.target.store) this.unwatch(id);
    }
    for (const t of targets) {
      if (this.stores.has(t.storeId)) continue;
      const w: WatchedStore = { target: t, watchers: new Map(), key: changeKey(t.store) };
      this.stores.set(t.storeId, w);
      this.arm(w);
    }
  }

  dispose(): void {
    for (const id of [...this.stores.keys()]) this.unwatch(id);
  }

  private unwatch(id: string): void {
    const w = this.stores.get(id);
    if (!w) return;
    if (w.timer) clearTimeout(w.timer);
    for (const { watcher } of w.watchers.values()) watcher.close();
    this.stores.delete(id);
  }

  /** (Re)creates watches for the store's directories; a directory replaced or created since gets a new one. */
  private arm(w: WatchedStore): void {
    for (const dir of watchedDirs(w.target.store)) {
      let ino: number;
      try {
        ino = fs.statSync(dir).ino;
      } catch {
        // Not there (yet): the graph root's own watch sees it appear, then we arm it.
        const old = w.watchers.get(dir);
        old?.watcher.close();
        w.watchers.delete(dir);
        continue;
      }
      const old = w.watchers.get(dir);
      if (old && old.ino === ino) continue;
      old?.watcher.close();
      try {
        const watcher = fs.watch(dir, { persistent: false }, () => this.schedule(w));
        watcher.on('error', (e) => {
          this.log(`[watch] ${dir}: ${(e as Error).message}`);
          watcher.close();
          w.watchers.delete(dir);
        });
        w.watchers.set(dir, { ino, watcher });
      } catch (e) {
        this.log(`[watch] cannot watch ${dir}: ${(e as Error).message}`);
      }
    }
  }

  private schedule(w: WatchedStore): void {
    const now = Date.now();
    w.firstEventAt ??= now;
    if (w.timer) clearTimeout(w.timer);
    const wait = Math.max(0, Math.min(this.debounceMs, w.firstEventAt + MAX_WAIT_MS - now));
    w.timer = setTimeout(() => this.flush(w), wait);
  }

  private flush(w: WatchedStore): void {
    w.timer = undefined;
    w.firstEventAt = undefined;
    if (this.stores.get(w.target.storeId) !== w) return;
    this.arm(w);
    const key = changeKey(w.target.store);
    if (key === w.key) return;
    w.key = key;
    this.onChange(w.target.storeId);
  }
}

/** Directories whose entries change when records change: record files are replaced by rename there. */
export function watchedDirs(store: Store): string[] {
  const dirs = [store.graphRoot, store.primary.imagesDir, store.primary.layersDir, store.containersDir];
  for (const t of store.additional) dirs.push(t.imagesDir, t.layersDir);
  return [...new Set(dirs.map((d) => path.resolve(d)))];
}

/** Identity of the record files and lock files: changes whenever any writer commits. */
export function changeKey(store: Store): string {
  const files = [
    path.join(store.primary.imagesDir, 'images.json'),
    path.join(store.primary.layersDir, 'layers.json'),
    path.join(store.primary.layersDir, 'volatile-layers.json'),
    path.join(store.containersDir, 'containers.json'),
    path.join(store.containersDir, 'volatile-containers.json'),
    store.primary.imagesLock,
    store.primary.layersLock,
    store.containersLockPath,
  ];
  for (const t of store.additional) files.push(path.join(t.imagesDir, 'images.json'), path.join(t.layersDir, 'layers.json'));
  return files
    .map((f) => {
      try {
        const st = fs.statSync(f);
        return `${st.ino}:${st.size}:${st.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}
