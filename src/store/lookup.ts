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
import { digestsOf, effectiveDigest } from './image-names';
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
  /**
   * Return a manifest list itself (libimage's ManifestList option). By default, as for
   * `podman image inspect`, a manifest list resolves to its instance for `platform`.
   */
  manifestList?: boolean;
  /**
   * Return the manifest list itself when no instance for the platform is found locally, instead of
   * failing (libimage's returnManifestIfNoInstance, what `podman rmi` uses).
   */
  manifestListIfNoInstance?: boolean;
  /** Platform for choosing a manifest list's instance. Default: this machine, as podman's Go runtime sees it. */
  platform?: Platform;
  /**
   * Reads an image's "manifest" big-data item (undefined when absent). Default: from the store's
   * files. Only images that list a "manifest" item are read.
   */
  readManifest?: (image: ImageEntry) => Buffer | undefined;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
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
  /** Each image's names parsed (NamedRepoTags), or the error one of them gives. */
  parsedNames: Map<ImageEntry, Reference[] | StoreError>;
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
  return lookupWith(contextOf(snapshot, opts), input);
}

/** Looks up several inputs, reading registries.conf at most once; stops at the first error. */
export function lookupImages(snapshot: StoreSnapshot, inputs: readonly string[], opts: LookupOptions = {}): LookupResult[] {
  const ctx = contextOf(snapshot, opts);
  return inputs.map((input) => lookupWith(ctx, input));
}

interface Ctx {
  snapshot: StoreSnapshot;
  idx: LookupIndex;
  registries: () => RegistriesConfig;
  pathExists: (p: string) => boolean;
  manifestList: boolean;
  manifestListIfNoInstance: boolean;
  platform: Platform;
  readManifest: (image: ImageEntry) => Buffer | undefined;
}

function contextOf(snapshot: StoreSnapshot, opts: LookupOptions): Ctx {
  let registries = opts.registries;
  return {
    snapshot,
    idx: indexOf(snapshot),
    registries: () => (registries ??= loadRegistriesConfig()),
    pathExists: opts.pathExists ?? fs.existsSync,
    manifestList: opts.manifestList ?? false,
    manifestListIfNoInstance: opts.manifestListIfNoInstance ?? false,
    platform: opts.platform ?? hostPlatform(),
    readManifest: opts.readManifest ?? ((image) => readManifestFromStore(snapshot, image)),
  };
}

function readManifestFromStore(snapshot: StoreSnapshot, image: ImageEntry): Buffer | undefined {
  try {
    return snapshot.store.readImageBigDataUnlocked(image, 'manifest');
  } catch (e) {
    // c/image tolerates an image whose manifest is gone (podman commit fd9dd7065d44).
    if (e instanceof StoreError && e.code === 'MissingBigData') return undefined;
    throw e;
  }
}

/** Go's runtime.GOOS/GOARCH for this machine (the variant is only detected on ARM). */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips: 'mips', mipsel: 'mipsle', loong64: 'loong64' };
  const architecture = arch[process.arch] ?? process.arch;
  let variant = '';
  if (architecture === 'arm' || architecture === 'arm64') variant = armVariant();
  return { os: process.platform === 'win32' ? 'windows' : process.platform, architecture, variant };
}

function armVariant(): string {
  let text: string;
  try {
    text = fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
  for (const line of text.split('\n')) {
    const parts = line.split(':');
    if (parts.length > 1 && parts[0]!.trim().toLowerCase() === 'cpu architecture') {
      const v = parts[1]!.trim().toLowerCase();
      if (v === '8' || v === 'aarch64') return 'v8';
      if (['7', '7m', '?(12)', '?(13)', '?(14)', '?(15)', '?(16)', '?(17)'].includes(v)) return 'v7';
      if (v === '6' || v === '6tej') return 'v6';
      if (['5', '5t', '5te', '5tej'].includes(v)) return 'v5';
      if (v === '4' || v === '4t') return 'v4';
      if (v === '3') return 'v3';
      return '';
    }
  }
  return '';
}

function lookupWith(ctx: Ctx, input: string): LookupResult {
  const { idx, snapshot, pathExists } = ctx;

  // 1. transport:reference
  const colon = input.indexOf(':');
  if (colon >= 0 && KNOWN_TRANSPORTS.has(input.slice(0, colon))) {
    const transport = input.slice(0, colon);
    const rest = input.slice(colon + 1);
    // When the transport cannot parse the rest, podman goes on treating the whole input as a name.
    if (transport === 'containers-storage') {
      const parsed = parseStorageReference(idx, rest, input);
      if (parsed) return storageImage(idx, parsed, input);
    } else if (transportParses(transport, rest, pathExists)) {
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
    const img = localImage(ctx, name);
    if (img) return { image: img, resolvedName: originalName };
    throw notKnown(originalName);
  }

  // 5. candidates
  const registries = ctx.registries();
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
    const img = localImage(ctx, key);
    if (img) return { image: img, resolvedName: key };
  }

  // 6. the input itself: ID prefixes
  const ambiguous: AmbiguityLog = new Map();
  const img = localImage(ctx, name, ambiguous);
  if (img) return { image: img, resolvedName: name };

  // 7. digests and repo-tag suffixes
  const found = lookupInDigestsAndRepoTags(ctx, name);
  if (found) return found;
  const ids = ambiguous.get(name);
  if (ids && ids.size > 1) throw ambiguousError(snapshot, name, [...ids]);
  throw notKnown(name);
}

/** libimage lookupImageInDigestsAndRepoTags. */
function lookupInDigestsAndRepoTags(ctx: Ctx, name: string): LookupResult | undefined {
  const { idx } = ctx;
  const ref = parseReference(name);
  if (ref.digest !== undefined) {
    for (const entry of idx.all) {
      if (!cachedDigests(idx, entry).includes(ref.digest)) continue;
      // podman resolves it once more only to surface errors, then returns the matching image itself.
      localImage(ctx, entry.record.id);
      return { image: entry, resolvedName: name };
    }
    return undefined;
  }
  if (!isShortName(name)) return undefined;
  const tagged = tagNameOnly(ref);
  const wantName = tagged.name;
  const wantTag = tagged.tag!;
  for (const entry of idx.all) {
    const parsed = parsedNamesOf(idx, entry);
    const hit = parsed.find((p) => {
      if ((p.tag ?? '<none>') !== wantTag) return false;
      const n = p.name;
      return n.endsWith(wantName) && (n.length === wantName.length || n[n.length - wantName.length - 1] === '/');
    });
    if (!hit) continue;
    const key = hit.toString();
    const img = localImage(ctx, key);
    if (img) return { image: img, resolvedName: key };
  }
  return undefined;
}

/** libimage NamedRepoTags: every name must parse, before any is compared. Cached per snapshot. */
function parsedNamesOf(idx: LookupIndex, entry: ImageEntry): Reference[] {
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

// ---------------------------------------------------------------------------------------------
// lookupImageInLocalStorage: store.Image() plus manifest-list resolution

/**
 * store.Image(key), then, for a manifest list (unless the caller wants lists), the list's
 * instance for the platform, found among all images by digest (libimage LookupInstance).
 */
function localImage(ctx: Ctx, key: string, ambiguous?: AmbiguityLog): ImageEntry | undefined {
  const img = storeImage(ctx.idx, key, ambiguous);
  if (!img || ctx.manifestList) return img;
  const list = manifestListOf(ctx, img);
  if (!list) return img;
  let instance: string;
  try {
    instance = chooseInstance(list, ctx.platform);
  } catch (e) {
    if (ctx.manifestListIfNoInstance) return img;
    throw e;
  }
  for (const entry of ctx.idx.all) {
    const digests = cachedDigests(ctx.idx, entry);
    if (digests.includes(instance) || effectiveDigest(entry.record) === instance) return entry;
  }
  if (ctx.manifestListIfNoInstance) return img;
  throw new StoreError(
    'ImageNotKnown',
    `could not find image instance ${instance} of manifest list ${img.record.id} in local containers storage: image not known: image not known`,
    { imageId: img.record.id, instance },
  );
}

interface ManifestListJson {
  mediaType: string;
  manifests: { digest?: unknown; platform?: { os?: unknown; architecture?: unknown; variant?: unknown } | null }[];
}

const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** The parsed list when the image's manifest is a Docker manifest list or an OCI index (c/image GuessMIMEType). */
function manifestListOf(ctx: Ctx, img: ImageEntry): ManifestListJson | undefined {
  if (!(img.record['big-data-names'] ?? []).includes('manifest')) return undefined;
  const raw = ctx.readManifest(img);
  if (!raw) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  let type = '';
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : '';
  if (mediaType === DOCKER_LIST || mediaType === OCI_INDEX) type = mediaType;
  else if (mediaType === '' && doc.schemaVersion === 2) {
    const config = doc.config as { mediaType?: unknown } | undefined;
    const manifests = doc.manifests;
    if (!(config && typeof config.mediaType === 'string' && config.mediaType !== '') && Array.isArray(manifests) && manifests.length > 0) type = OCI_INDEX;
  }
  if (!type) return undefined;
  const manifests = Array.isArray(doc.manifests) ? (doc.manifests as ManifestListJson['manifests']) : [];
  return { mediaType: type, manifests };
}

/** c/image ChooseInstance: the first instance for the most compatible platform, variants in WantedPlatforms order. */
function chooseInstance(list: ManifestListJson, platform: Platform): string {
  const compatibility: Record<string, string[]> = { arm: ['v8', 'v7', 'v6', 'v5'], arm64: ['v8'] };
  const wantedVariant = platform.variant ?? '';
  let variants: string[];
  const order = compatibility[platform.architecture];
  if (wantedVariant !== '') {
    const i = order ? order.indexOf(wantedVariant) : -1;
    variants = [...(i >= 0 ? order!.slice(i) : [wantedVariant]), ''];
  } else {
    variants = ['', ...(order ?? [])];
  }
  for (const variant of variants) {
    for (const m of list.manifests) {
      const p = m.platform;
      if (!p) continue;
      if ((p.architecture ?? '') === platform.architecture && (p.os ?? '') === platform.os && (p.variant ?? '') === variant && typeof m.digest === 'string') {
        return m.digest;
      }
    }
  }
  if (list.mediaType === OCI_INDEX) {
    const noPlatform = list.manifests.find((m) => !m.platform);
    if (noPlatform && typeof noPlatform.digest === 'string') return noPlatform.digest;
  }
  const what = list.mediaType === OCI_INDEX ? 'image index' : 'manifest list';
  throw new StoreError(
    'ImageNotKnown',
    `no image found in ${what} for architecture ${platform.architecture}, variant ${JSON.stringify(variants[0] ?? '')}, OS ${platform.os}: image not known`,
    { platform },
  );
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

/**
 * The storage transport's ParseStoreReference: an optional `@ID` (full or a unique prefix of 3+),
 * a bare ID prefix of 3+, otherwise a Docker-normalized name with `:latest` added. Undefined
 * when it does not parse: podman then treats the whole input as a plain name.
 */
function parseStorageReference(idx: LookupIndex, refIn: string, input: string): { named?: Reference; id: string } | undefined {
  let ref = refIn;
  if (ref.startsWith('[')) {
    // podman would open the store named in brackets; a Strata snapshot is one store.
    throw new StoreError('InvalidReference', `${input}: a store specifier in a containers-storage: reference is not supported; open that store instead`, { input });
  }
  if (ref === '') return undefined;
  let id = '';
  const split = ref.lastIndexOf('@');
  if (split !== -1) {
    const possibleId = ref.slice(split + 1);
    if (possibleId === '') return undefined;
    if (!isValidDigest(possibleId)) {
      if (isValidDigest(`sha256:${possibleId}`)) {
        id = possibleId;
      } else {
        const img = storeImage(idx, possibleId);
        if (img && possibleId.length >= MINIMUM_TRUNCATED_ID_LENGTH && img.record.id.startsWith(possibleId)) id = img.record.id;
        else return undefined;
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
    } catch {
      return undefined;
    }
  }
  if (!named && id === '') return undefined;
  return { named, id };
}

/** The storage transport's GetStoreImage: the name as a stored name, then resolveImage. */
function storageImage(idx: LookupIndex, parsed: { named?: Reference; id: string }, input: string): LookupResult {
  const { named, id } = parsed;
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
  if (!loaded || (named && !imageMatchesRepo(loaded, named))) {
    // podman's own message here is a bare "image not known".
    throw new StoreError('ImageNotKnown', `${input}: image not known`, { input, transport: 'containers-storage' });
  }
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
