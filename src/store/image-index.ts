/*
 * c/storage's store.Image() over a snapshot, with the indexes it keeps per store: the primary
 * store first, then each additional store; in each, exact ID, exact name (a name recorded twice
 * belongs to the later record, as c/storage's Load leaves it), then a unique ID prefix of any
 * length (truncindex: an ambiguous prefix is "not found" in that store). Built once per snapshot.
 */
import { StoreError } from './errors';
import { digestsOf } from './image-names';
import { parseReference, type Reference } from './reference';
import type { ImageEntry, StoreSnapshot } from './snapshot';
import type { StoreTree } from './store';

export interface StoreIndex {
  tree: StoreTree;
  byId: Map<string, ImageEntry>;
  byName: Map<string, ImageEntry>;
  /** Sorted IDs, for prefix search (c/storage's truncindex). */
  sortedIds: string[];
}

export interface LookupIndex {
  stores: StoreIndex[];
  /** store.Images(): each store's records in file order, primary first, repeats included. */
  all: readonly ImageEntry[];
  digests: Map<ImageEntry, string[]>;
  /** Each image's names parsed (NamedRepoTags), or the error one of them gives. */
  parsedNames: Map<ImageEntry, Reference[] | StoreError>;
}

const indexes = new WeakMap<StoreSnapshot, LookupIndex>();

export function indexOf(snapshot: StoreSnapshot): LookupIndex {
  let idx = indexes.get(snapshot);
  if (idx) return idx;
  const stores: StoreIndex[] = [];
  const byTree = new Map<StoreTree, StoreIndex>();
  for (const entry of snapshot.allImages) {
    let s = byTree.get(entry.tree);
    if (!s) {
      s = { tree: entry.tree, byId: new Map(), byName: new Map(), sortedIds: [] };
      byTree.set(entry.tree, s);
      stores.push(s);
    }
    const id = entry.record.id;
    s.byId.set(id, entry);
    // truncindex refuses empty IDs and IDs with spaces.
    if (id !== '' && !id.includes(' ')) s.sortedIds.push(id);
    for (const name of entry.record.names ?? []) s.byName.set(name, entry);
  }
  for (const s of stores) s.sortedIds = [...new Set(s.sortedIds)].sort();
  idx = { stores, all: snapshot.allImages, digests: new Map(), parsedNames: new Map() };
  indexes.set(snapshot, idx);
  return idx;
}

/** IDs in a sorted list that start with `prefix`. */
function idsWithPrefix(sorted: readonly string[], prefix: string): string[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < sorted.length && sorted[i]!.startsWith(prefix); i++) out.push(sorted[i]!);
  return out;
}

/** Remembers ID prefixes that were ambiguous, to explain a final "not found". */
export type AmbiguityLog = Map<string, Set<string>>;

/** c/storage store.Image(id): exact ID, exact name, then a unique ID prefix; store by store. */
export function storeImage(idx: LookupIndex, key: string, ambiguous?: AmbiguityLog): ImageEntry | undefined {
  for (const s of idx.stores) {
    const hit = s.byId.get(key) ?? s.byName.get(key);
    if (hit) return hit;
    if (key === '') continue;
    const ids = idsWithPrefix(s.sortedIds, key);
    if (ids.length === 1) return s.byId.get(ids[0]!);
    if (ids.length > 1 && ambiguous) {
      let set = ambiguous.get(key);
      if (!set) ambiguous.set(key, (set = new Set()));
      for (const id of ids) set.add(id);
    }
  }
  return undefined;
}

export function cachedDigests(idx: LookupIndex, entry: ImageEntry): string[] {
  let d = idx.digests.get(entry);
  if (!d) idx.digests.set(entry, (d = digestsOf(entry.record)));
  return d;
}

/** libimage NamedRepoTags: every name must parse, before any is compared. Cached per snapshot. */
export function parsedNamesOf(idx: LookupIndex, entry: ImageEntry): Reference[] {
  let parsed = idx.parsedNames.get(entry);
  if (!parsed) {
    try {
      parsed = (entry.record.names ?? []).map((stored) => {
        try {
          return parseReference(stored);
        } catch (e) {
          throw new StoreError(
            'InvalidReference',
            `Image ${entry.record.id.slice(0, 12)} has a name that is not a valid reference, ${JSON.stringify(stored)}: ${(e as Error).message}`,
            { imageId: entry.record.id, name: stored },
          );
        }
      });
    } catch (e) {
      parsed = e as StoreError;
    }
    idx.parsedNames.set(entry, parsed);
  }
  if (parsed instanceof StoreError) throw parsed;
  return parsed;
}
