/*
 * Local image name resolution exactly as podman 4.3.1 does it (containers/common v0.50.1
 * libimage.Runtime.LookupImage, containers/image v5.23.1 shortnames.ResolveLocally and the
 * containers-storage transport, containers/storage v1.43.0 store.Image):
 *
 *  1. `transport:…` input: only `containers-storage:` is looked up, any other transport is refused.
 *  2. A tagged and digested input loses its tag.
 *  3. `sha256:` must be followed by a full 64-hex ID; a full ID is looked up directly, nothing else.
 *  4. Candidates: the short-name alias, `localhost/<name>`, each unqualified-search registry, then
 *     the Docker normalization (`docker.io/library/<name>:latest`); non-short input gives one
 *     candidate. Each is tried with store.Image(): exact ID, exact name, unique ID prefix.
 *  5. store.Image(input) itself: here ID prefixes of any length ≥ 1 match.
 *  6. Last resort over every image in store order: a digested input matches any image's digests
 *     whatever the repository; a short `name[:tag]` matches a stored name ending in `/name:tag`.
 *
 * store.Image() searches the primary store first, then each additional store, with a per-store
 * name map (a duplicate name belongs to the later record, as c/storage's Load leaves it) and a
 * per-store ID prefix index (an ambiguous prefix is "not found" in that store).
 *
 * Where podman answers an ambiguous ID prefix with "image not known", this throws AmbiguousImage
 * listing the matching IDs. Manifest lists are returned as themselves: podman would pick the
 * instance for the local platform (not done here).
 */
import * as fs from 'node:fs';
import { StoreError } from './errors';
import { digestsOf } from './image-names';
import {
  dropTagIfDigested,
  familiarName,
  isFullIdentifier,
  isRegistryDomain,
  isShortName,
  parseDockerRef,
  parseNormalizedNamed,
  parseReference,
  tagNameOnly,
  trimNamed,
  withDigest,
  withTag,
  isValidDigest,
  type Reference,
} from './reference';
import { loadRegistriesConfig, type RegistriesConfig } from './registries';
import type { ImageEntry, StoreSnapshot } from './snapshot';
import type { StoreTree } from './store';

export interface LookupOptions {
  /**
   * Whether a path exists (relative paths against the current directory). Only used to decide,
   * as podman's transport parsers do, whether `dir:PATH`-style input names a transport at all.
   * Default: fs.existsSync.
   */
  pathExists?: (p: string) => boolean;
  /**
   * Short-name configuration. Default: read the machine's registries.conf files (and
   * CONTAINERS_REGISTRIES_CONF) when a short name needs it.
   */
  registries?: RegistriesConfig;
}

export interface LookupResult {
  image: ImageEntry;
  /**
   * The name the input resolved to, as podman reports it: the matching candidate
   * (`localhost/app:latest` for `app`), the input itself for ID and digest lookups, or '' for a
   * `containers-storage:` reference. `podman save` writes this as the RepoTag.
   */
  resolvedName: string;
}

/** Transports c/image knows in podman 4.3.1 (alltransports; ostree is a stub that never parses). */
const KNOWN_TRANSPORTS = new Set([
  'containers-storage', 'dir', 'docker', 'docker-archive', 'docker-daemon', 'oci', 'oci-archive', 'atomic', 'sif', 'tarball', 'ostree',
]);

// ---------------------------------------------------------------------------------------------
// store.Image(): per-store indexes

interface StoreIndex {
  tree: StoreTree;
  byId: Map<string, ImageEntry>;
  byName: Map<string, ImageEntry>;
  /** Sorted IDs, for prefix search (c/storage's truncindex). */
  sortedIds: string[];
}

interface LookupIndex {
  stores: StoreIndex[];
  /** store.Images(): each store's records in file order, primary first, repeats included. */
  all: readonly ImageEntry[];
  digests: Map<ImageEntry, string[]>;
}

const indexes = new WeakMap<StoreSnapshot, LookupIndex>();

function indexOf(snapshot: StoreSnapshot): LookupIndex {
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
  idx = { stores, all: snapshot.allImages, digests: new Map() };
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
type AmbiguityLog = Map<string, Set<string>>;

/** c/storage store.Image(id): exact ID, exact name, then a unique ID prefix; store by store. */
function storeImage(idx: LookupIndex, key: string, ambiguous?: AmbiguityLog): ImageEntry | undefined {
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

function cachedDigests(idx: LookupIndex, entry: ImageEntry): string[] {
  let d = idx.digests.get(entry);
  if (!d) idx.digests.set(entry, (d = digestsOf(entry.record)));
  return d;
}

// ---------------------------------------------------------------------------------------------
// Errors

function notKnown(name: string): StoreError {
  return new StoreError('ImageNotKnown', `${name}: image not known`, { input: name });
}

function describe(snapshot: StoreSnapshot, id: string): string {
  const names = snapshot.imageById.get(id)?.record.names ?? [];
  return names.length > 0 ? `${id.slice(0, 12)} (${names.join(', ')})` : id.slice(0, 12);
}

function ambiguousError(snapshot: StoreSnapshot, input: string, ids: string[]): StoreError {
  const candidates = ids.map((id) => ({ id, names: snapshot.imageById.get(id)?.record.names ?? [] }));
  return new StoreError(
    'AmbiguousImage',
    `${input}: the ID prefix matches ${ids.length} images, give more characters: ${ids.map((id) => describe(snapshot, id)).join('; ')}`,
    { input, candidates },
  );
}

function asStoreError(e: unknown, input: string): StoreError {
  if (e instanceof StoreError) return e;
  return new StoreError('InvalidReference', `${input}: ${(e as Error).message}`, { input }, { cause: e });
}

// ---------------------------------------------------------------------------------------------
// shortnames.ResolveLocally

/**
 * The fully qualified names podman tries, in order, for an input that is not an ID
 * (shortnames.ResolveLocally): the alias, `localhost/`, each unqualified-search registry. A name
 * with a registry gives itself with `:latest` added when it has no tag or digest.
 */
export function resolveLocally(name: string, registries: RegistriesConfig): Reference[] {
  const ref = parseReference(name);
  if (isRegistryDomain(ref.domain)) return [tagNameOnly(parseNormalizedNamed(name))];
  const candidates: Reference[] = [];
  const alias = registries.aliases.get(trimNamed(ref).toString());
  if (alias?.value) {
    let a = alias.value;
    if (ref.tag !== undefined) a = withTag(a, ref.tag);
    if (ref.digest !== undefined) a = withDigest(a, ref.digest);
    candidates.push(tagNameOnly(a));
  }
  for (const reg of ['localhost', ...registries.unqualifiedSearchRegistries]) {
    let named: Reference;
    try {
      named = parseNormalizedNamed(`${reg}/${name}`);
    } catch (e) {
      throw new StoreError('InvalidConfig', `creating reference with unqualified-search registry "${reg}": ${(e as Error).message}`, { registry: reg });
    }
    candidates.push(tagNameOnly(named));
  }
  return candidates;
}

/**
 * Every fully qualified name `lookupImage` tries for a name input before ID prefixes, in order:
 * resolveLocally's list plus the Docker normalization. Useful to explain a lookup.
 */
export function lookupCandidates(name: string, registries: RegistriesConfig): string[] {
  const out = resolveLocally(name, registries).map((c) => c.toString());
  try {
    out.push(parseDockerRef(name).toString());
  } catch {
    // Backwards-compatibility candidate only; its failure is not an error.
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// LookupImage

/**
 * Finds the local image `input` names, the way `podman image inspect INPUT` does.
 * Throws StoreError: ImageNotKnown, AmbiguousImage (an ID prefix matching several images and
 * nothing else matching), InvalidReference (malformed input, another transport), InvalidConfig
 * (broken registries.conf when a short name needs it).
 */
export function lookupImage(snapshot: StoreSnapshot, input: string, opts: LookupOptions = {}): LookupResult {
  return lookupWith(snapshot, input, () => opts.registries ?? loadRegistriesConfig(), opts.pathExists ?? fs.existsSync);
}

/** Looks up several inputs, reading registries.conf at most once; stops at the first error. */
export function lookupImages(snapshot: StoreSnapshot, inputs: readonly string[], opts: LookupOptions = {}): LookupResult[] {
  let registries = opts.registries;
  const get = (): RegistriesConfig => (registries ??= loadRegistriesConfig());
  return inputs.map((input) => lookupWith(snapshot, input, get, opts.pathExists ?? fs.existsSync));
}

function lookupWith(
  snapshot: StoreSnapshot,
  input: string,
  getRegistries: () => RegistriesConfig,
  pathExists: (p: string) => boolean,
): LookupResult {
  const idx = indexOf(snapshot);

  // 1. transport:reference
  const colon = input.indexOf(':');
  if (colon >= 0 && KNOWN_TRANSPORTS.has(input.slice(0, colon))) {
    const transport = input.slice(0, colon);
    const rest = input.slice(colon + 1);
    if (transport === 'containers-storage') return lookupStorageReference(idx, rest, input);
    // When the transport cannot parse the rest, podman goes on treating the whole input as a name.
    if (transportParses(transport, rest, pathExists)) {
      throw new StoreError('InvalidReference', `unsupported transport "${transport}" for looking up local images`, { input, transport });
    }
  }

  // 2. tag+digest → digest
  let name: string;
  try {
    name = dropTagIfDigested(parseReference(input)).toString();
  } catch (e) {
    throw asStoreError(e, input);
  }

  // 3./4. sha256:<id> and full IDs
  const originalName = name;
  const byDigest = name.startsWith('sha256:');
  if (byDigest) name = name.slice('sha256:'.length);
  const byFullId = isFullIdentifier(name);
  if (byDigest && !byFullId) {
    throw new StoreError('InvalidReference', `${originalName}: invalid format: no 64-byte hexadecimal value`, { input });
  }
  if (byDigest || byFullId) {
    const img = storeImage(idx, name);
    if (img) return { image: img, resolvedName: originalName };
    throw notKnown(originalName);
  }

  // 5. candidates
  const registries = getRegistries();
  let candidates: Reference[];
  try {
    candidates = resolveLocally(name, registries);
  } catch (e) {
    // A broken registries.conf is worth saying; other failures are podman's "image not known".
    if (e instanceof StoreError && e.code === 'InvalidConfig') throw e;
    throw notKnown(name);
  }
  try {
    candidates.push(parseDockerRef(name));
  } catch {
    // Only a backwards-compatibility candidate.
  }
  for (const candidate of candidates) {
    const key = candidate.toString();
    const img = storeImage(idx, key);
    if (img) return { image: img, resolvedName: key };
  }

  // 6. the input itself: ID prefixes
  const ambiguous: AmbiguityLog = new Map();
  const img = storeImage(idx, name, ambiguous);
  if (img) return { image: img, resolvedName: name };

  // 7. digests and repo-tag suffixes
  const found = lookupInDigestsAndRepoTags(idx, name);
  if (found) return found;
  const ids = ambiguous.get(name);
  if (ids && ids.size > 1) throw ambiguousError(snapshot, name, [...ids]);
  throw notKnown(name);
}

/** libimage lookupImageInDigestsAndRepoTags. */
function lookupInDigestsAndRepoTags(idx: LookupIndex, name: string): LookupResult | undefined {
  const ref = parseReference(name);
  if (ref.digest !== undefined) {
    for (const entry of idx.all) {
      if (cachedDigests(idx, entry).includes(ref.digest)) return { image: entry, resolvedName: name };
    }
    return undefined;
  }
  if (!isShortName(name)) return undefined;
  const tagged = tagNameOnly(ref);
  const wantName = tagged.name;
  const wantTag = tagged.tag!;
  for (const entry of idx.all) {
    for (const stored of entry.record.names ?? []) {
      let parsed: Reference;
      try {
        parsed = parseReference(stored);
      } catch (e) {
        throw new StoreError(
          'InvalidReference',
          `image ${entry.record.id.slice(0, 12)} has a name that is not a valid reference, ${JSON.stringify(stored)}: ${(e as Error).message}`,
          { imageId: entry.record.id, name: stored },
        );
      }
      if ((parsed.tag ?? '<none>') !== wantTag) continue;
      const n = parsed.name;
      if (!n.endsWith(wantName)) continue;
      if (n.length === wantName.length || n[n.length - wantName.length - 1] === '/') {
        const key = parsed.toString();
        const img = storeImage(idx, key);
        if (img) return { image: img, resolvedName: key };
        break; // podman moves on to the next image when the name does not resolve
      }
    }
  }
  return undefined;
}

/**
 * Whether c/image's ParseReference for `transport` accepts `rest` (then podman refuses the
 * transport; otherwise it looks the whole input up as a name). Path transports accept a path
 * that exists or whose parent directory exists (explicitfilepath).
 */
function transportParses(transport: string, rest: string, pathExists: (p: string) => boolean): boolean {
  const resolvable = (p: string): boolean => {
    if (pathExists(p === '' ? '.' : p)) return true;
    const slash = p.lastIndexOf('/');
    const file = p.slice(slash + 1);
    const parent = p.slice(0, slash + 1);
    return file !== '.' && file !== '..' && pathExists(parent === '' ? '.' : parent);
  };
  const parses = (f: () => unknown): boolean => {
    try {
      f();
      return true;
    } catch {
      return false;
    }
  };
  switch (transport) {
    case 'docker':
      return rest.startsWith('//') && parses(() => parseNormalizedNamed(rest.slice(2)));
    case 'docker-archive': {
      if (rest === '') return false;
      const c = rest.indexOf(':');
      if (c < 0) return true;
      const sub = rest.slice(c + 1);
      if (sub.startsWith('@')) return /^@\+?[0-9]+$/.test(sub);
      return parses(() => {
        if (tagNameOnly(parseNormalizedNamed(sub)).tag === undefined) throw new Error('no tag');
      });
    }
    case 'docker-daemon': {
      if (isValidDigest(rest)) return rest.startsWith('sha256:');
      return parses(() => {
        const ref = parseNormalizedNamed(rest);
        if (familiarName(ref) === 'sha256' || ref.isNameOnly || (ref.tag !== undefined && ref.digest !== undefined)) throw new Error('refused');
      });
    }
    case 'dir':
    case 'sif':
      return resolvable(rest);
    case 'oci':
    case 'oci-archive': {
      const c = rest.indexOf(':');
      const dir = c < 0 ? rest : rest.slice(0, c);
      const image = c < 0 ? '' : rest.slice(c + 1);
      return resolvable(dir) && (image === '' || /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/.test(image));
    }
    case 'tarball':
      return rest.split(':').every((p) => p === '' || pathExists(p));
    default:
      // atomic: (OpenShift) and the ostree stub: not modelled / never parse.
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// containers-storage: references (storage transport ParseStoreReference + GetStoreImage)

const MINIMUM_TRUNCATED_ID_LENGTH = 3;

function lookupStorageReference(idx: LookupIndex, refIn: string, input: string): LookupResult {
  const bad = (msg: string): StoreError => new StoreError('InvalidReference', msg, { input });
  let ref = refIn;
  if (ref.startsWith('[')) {
    throw bad(`${input}: a store specifier in a containers-storage: reference is not supported; open that store instead`);
  }
  if (ref === '') throw bad(`"" is an empty reference: invalid reference`);
  let id = '';
  const split = ref.lastIndexOf('@');
  if (split !== -1) {
    const possibleId = ref.slice(split + 1);
    if (possibleId === '') throw bad(`empty trailing digest or ID in "${ref}": invalid reference`);
    if (!isValidDigest(possibleId)) {
      if (isValidDigest(`sha256:${possibleId}`)) {
        id = possibleId;
      } else {
        const img = storeImage(idx, possibleId);
        if (img && possibleId.length >= MINIMUM_TRUNCATED_ID_LENGTH && img.record.id.startsWith(possibleId)) id = img.record.id;
        else throw bad(`"${possibleId}" does not look like an image ID or digest: invalid reference`);
      }
      ref = ref.slice(0, split);
    }
  }
  if (id === '' && ref.length >= MINIMUM_TRUNCATED_ID_LENGTH && !/[@:]/.test(ref)) {
    const img = storeImage(idx, ref);
    if (img && img.record.id.startsWith(ref)) {
      id = img.record.id;
      ref = '';
    }
  }
  let named: Reference | undefined;
  if (ref !== '') {
    try {
      named = tagNameOnly(parseNormalizedNamed(ref));
    } catch (e) {
      throw bad(`parsing named reference "${ref}": ${(e as Error).message}`);
    }
  }
  if (!named && id === '') throw bad('invalid reference');

  // GetStoreImage: the name as a stored name, then resolveImage.
  if (named) {
    const byName = storeImage(idx, named.toString());
    if (byName) return { image: byName, resolvedName: '' };
  }
  let loaded: ImageEntry | undefined;
  if (id === '' && named?.digest !== undefined) {
    for (const entry of idx.all) {
      if (cachedDigests(idx, entry).includes(named.digest) && imageMatchesRepo(entry, named)) {
        loaded = entry;
        break;
      }
    }
  }
  if (!loaded && id !== '') loaded = storeImage(idx, id);
  if (!loaded || (named && !imageMatchesRepo(loaded, named))) throw notKnown(input);
  return { image: loaded, resolvedName: '' };
}

function imageMatchesRepo(entry: ImageEntry, ref: Reference): boolean {
  return (entry.record.names ?? []).some((n) => {
    try {
      return parseNormalizedNamed(n).name === ref.name;
    } catch {
      return false;
    }
  });
}
