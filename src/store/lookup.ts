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
 * store.Image() is in image-index.ts, transports and the storage transport in transports.ts,
 * manifest lists in manifest-list.ts.
 *
 * A manifest list found on the way resolves to its instance for the platform (unless the caller
 * wants lists), as for `podman image inspect`.
 *
 * Where podman answers an ambiguous ID prefix with "image not known", this throws AmbiguousImage
 * listing the matching IDs.
 */
import * as fs from 'node:fs';
import { StoreError } from './errors';
import { cachedDigests, indexOf, parsedNamesOf, storeImage, type AmbiguityLog, type LookupIndex } from './image-index';
import { effectiveDigest } from './image-names';
import { chooseInstance, hostPlatform, parseManifestList, type Platform } from './manifest-list';
import {
  dropTagIfDigested,
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
  type Reference,
} from './reference';
import { loadRegistriesConfig, type RegistriesConfig } from './registries';
import type { ImageEntry, StoreSnapshot } from './snapshot';
import { KNOWN_TRANSPORTS, parseStorageReference, storageImage, transportParses } from './transports';

export type { Platform } from './manifest-list';

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

export interface LookupResult {
  image: ImageEntry;
  /**
   * The name the input resolved to, as podman reports it: the matching candidate
   * (`localhost/app:latest` for `app`), the input itself for ID and digest lookups, or '' for a
   * `containers-storage:` reference. `podman save` writes this as the RepoTag.
   */
  resolvedName: string;
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
      if (parsed) return { image: storageImage(idx, parsed, input), resolvedName: '' };
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

// ---------------------------------------------------------------------------------------------
// lookupImageInLocalStorage: store.Image() plus manifest-list resolution

/**
 * store.Image(key), then, for a manifest list (unless the caller wants lists), the list's
 * instance for the platform, found among all images by digest (libimage LookupInstance).
 */
function localImage(ctx: Ctx, key: string, ambiguous?: AmbiguityLog): ImageEntry | undefined {
  const img = storeImage(ctx.idx, key, ambiguous);
  if (!img || ctx.manifestList) return img;
  // c/image reads the "manifest" item; an image without one is tolerated as not a list.
  const raw = (img.record['big-data-names'] ?? []).includes('manifest') ? ctx.readManifest(img) : undefined;
  const list = raw && parseManifestList(raw);
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
