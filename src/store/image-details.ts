/*
 * An image's manifest and config, read from its big data the way c/image's storage source does:
 * the manifest from the "manifest" item, its MIME type guessed like manifest.GuessMIMEType, the
 * config from the item named by the manifest's config digest (never assumed to be sha256:<id>).
 * Parsed results are cached per image and invalidated when the recorded digests change.
 */
import { StoreError, isStoreError } from './errors';
import { DEFAULT_MANIFEST_KEY } from './big-data';
import type { Store } from './store';
import type { ImageEntry } from './snapshot';
import { labelsOf, type Labels } from './config-facts';
import type { FactsCache } from './facts-cache';

export const MEDIA_TYPES = {
  dockerV2Schema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerV2Schema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerV2Schema2: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerV2List: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerV2Schema2Config: 'application/vnd.docker.container.image.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
} as const;

export interface OciHistory {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The config as c/image's OCIConfig sees it (a Docker config unmarshalled into the OCI struct). */
export interface ImageConfigJson {
  created?: string;
  author?: string;
  architecture?: string;
  variant?: string;
  os?: string;
  docker_version?: string;
  comment?: string;
  config?: ContainerConfigJson;
  container_config?: ContainerConfigJson;
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: OciHistory[];
  [key: string]: unknown;
}

export interface ContainerConfigJson {
  User?: string;
  ExposedPorts?: Record<string, unknown>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, unknown>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ManifestJson {
  schemaVersion?: number;
  mediaType?: string;
  config?: { mediaType?: string; digest?: string; size?: number };
  layers?: Array<{ mediaType?: string; digest?: string; size?: number; annotations?: Record<string, string> }>;
  manifests?: unknown[];
  annotations?: Record<string, string>;
  signatures?: unknown;
  [key: string]: unknown;
}

export interface ImageDetails {
  manifestRaw: Buffer;
  manifest: ManifestJson;
  manifestType: string;
  isManifestList: boolean;
  configRaw?: Buffer;
  config?: ImageConfigJson;
}

/** manifest.GuessMIMEType of c/image v5.23. */
export function guessManifestType(m: ManifestJson | undefined): string {
  if (!m || typeof m !== 'object') return '';
  switch (m.mediaType) {
    case MEDIA_TYPES.dockerV2Schema2:
    case MEDIA_TYPES.dockerV2List:
    case MEDIA_TYPES.ociManifest:
    case MEDIA_TYPES.ociIndex:
      return m.mediaType;
  }
  if (m.schemaVersion === 1) return m.signatures != null ? MEDIA_TYPES.dockerV2Schema1Signed : MEDIA_TYPES.dockerV2Schema1;
  if (m.schemaVersion === 2) {
    const cfgType = m.config?.mediaType ?? '';
    if (cfgType === MEDIA_TYPES.ociConfig) return MEDIA_TYPES.ociManifest;
    if (cfgType === MEDIA_TYPES.dockerV2Schema2Config) return MEDIA_TYPES.dockerV2Schema2;
    if (Array.isArray(m.manifests) && m.manifests.length > 0) return cfgType === '' ? MEDIA_TYPES.ociIndex : cfgType;
    return MEDIA_TYPES.ociManifest;
  }
  return '';
}

export function isListType(mime: string): boolean {
  return mime === MEDIA_TYPES.dockerV2List || mime === MEDIA_TYPES.ociIndex;
}

function parseJsonObject<T>(raw: Buffer | string, what: string, image: ImageEntry): T {
  try {
    const v = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8')) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v as T;
  } catch (e) {
    throw new StoreError('CorruptMetadata', `The ${what} of image ${image.record.id.slice(0, 12)} is not valid JSON: ${(e as Error).message}`, {
      imageId: image.record.id,
    });
  }
}

/** The digest recorded for the image's sha256:<ID> item (its config), if any. */
function recordedConfigDigest(image: ImageEntry): string | undefined {
  const item = 'sha256:' + image.record.id;
  if (!(image.record['big-data-names'] ?? []).includes(item)) return undefined;
  const digest = image.record['big-data-digests']?.[item];
  return typeof digest === 'string' && digest !== '' ? digest : undefined;
}

/** Cache key: changes whenever the manifest or config the image records changes. */
function detailsKey(image: ImageEntry): string {
  const r = image.record;
  const digests = r['big-data-digests'];
  return `${r.id}|${digests?.[DEFAULT_MANIFEST_KEY] ?? ''}|${digests?.['sha256:' + r.id] ?? ''}|${r['big-data-names']?.length ?? 0}`;
}

/**
 * What listing needs from an image's config: its labels, and what the listing cache knows it by.
 * The config itself is not kept: a listing of a thousand images would otherwise keep every parsed
 * config alive, and copying them is most of its garbage collection.
 */
export interface ImageConfigView {
  isManifestList: boolean;
  /** null for manifest lists and configs without labels. */
  labels: Labels;
  /** The config's recorded digest, which names it in the listing cache; absent when not recorded. */
  digest?: string;
}

const MAX_CACHE = 20_000;
/**
 * Parsed configs kept for relations. Listing asks for an image's config, then for its parent's
 * and its children's, which are its neighbours in the store's order: a few cover that. A ring,
 * not a Map: a Map churned by delete and set made each scavenge of a first listing copy 250 KB
 * instead of 35 KB, and the listing slower than computing digests of every config was.
 */
const RECENT_CONFIGS = 4;

export class ImageDetailsCache {
  private readonly cache = new Map<string, ImageDetails | StoreError>();
  private readonly recentConfigs: Array<{ image: ImageEntry; config: ImageConfigJson | undefined }> = [];
  private recentNext = 0;
  private readonly configErrors = new Map<string, StoreError>();
  /** Entries are immutable and belong to one snapshot, so their view never goes stale. */
  private readonly viewByEntry = new WeakMap<ImageEntry, ImageConfigView | StoreError>();

  constructor(
    private readonly store: Store,
    /** Labels and relations by config digest, kept on disk between runs when the store was opened with a cache. */
    readonly facts: FactsCache,
  ) {}

  /** Loads (or returns cached) details; throws StoreError for missing or corrupt data. */
  get(image: ImageEntry): ImageDetails {
    const key = detailsKey(image);
    const hit = this.cache.get(key);
    if (hit instanceof StoreError) throw hit;
    if (hit) return hit;
    let result: ImageDetails | StoreError;
    try {
      result = this.load(image);
    } catch (e) {
      if (!isStoreError(e)) throw e;
      result = e;
    }
    this.cache.set(key, result);
    if (result instanceof StoreError) throw result;
    return result;
  }

  /** Labels and cache identity of the image's config, from the listing cache when it knows them. */
  configView(image: ImageEntry): ImageConfigView | StoreError {
    // Relations ask for the same few configs over and over: answer from the entry itself first.
    const known = this.viewByEntry.get(image);
    if (known) return known;
    const view = this.loadConfigView(image);
    this.viewByEntry.set(image, view);
    return view;
  }

  private loadConfigView(image: ImageEntry): ImageConfigView | StoreError {
    // The item's recorded digest names its bytes, so what the cache keeps under it is the config's.
    const digest = recordedConfigDigest(image);
    const labels = digest ? this.facts.labelsOf(digest) : undefined;
    if (labels !== undefined) return { isManifestList: false, labels, digest };
    const config = this.config(image);
    if (config instanceof StoreError) return config;
    if (config === undefined) return { isManifestList: true, labels: null };
    const view: ImageConfigView = { isManifestList: false, labels: labelsOf(config), digest };
    if (digest) this.facts.setLabels(digest, view.labels);
    return view;
  }

  /**
   * The parsed config; undefined for a manifest list. An item named sha256:<image ID> is the
   * config by construction (the ID is the config's digest), so the manifest is read only when
   * that item is absent (manifest lists, podman 5 partial pulls): one file per image, not two.
   */
  config(image: ImageEntry): ImageConfigJson | undefined | StoreError {
    // Entries are immutable and belong to one snapshot: the same entry is the same config.
    for (const recent of this.recentConfigs) if (recent.image === image) return recent.config;
    const key = detailsKey(image);
    const failed = this.configErrors.get(key);
    if (failed) return failed;
    const full = this.cache.get(key);
    if (full instanceof StoreError) return full;
    let config: ImageConfigJson | undefined;
    try {
      const item = 'sha256:' + image.record.id;
      if (full) config = full.config;
      else if ((image.record['big-data-names'] ?? []).includes(item)) {
        config = parseJsonObject<ImageConfigJson>(this.store.readImageBigDataUnlocked(image, item, 'utf8'), 'config', image);
      } else config = this.get(image).config;
    } catch (e) {
      if (!isStoreError(e)) throw e;
      this.configErrors.set(key, e);
      return e;
    }
    this.recentConfigs[this.recentNext] = { image, config };
    this.recentNext = (this.recentNext + 1) % RECENT_CONFIGS;
    return config;
  }

  /** Bounds the caches of full details (inspected images) and of configs that failed to read. */
  trim(): void {
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    if (this.configErrors.size >= MAX_CACHE) this.configErrors.clear();
  }

  private load(image: ImageEntry): ImageDetails {
    const manifestRaw = this.store.readImageBigDataUnlocked(image, DEFAULT_MANIFEST_KEY);
    const manifest = parseJsonObject<ManifestJson>(manifestRaw, 'manifest', image);
    const manifestType = guessManifestType(manifest);
    const isManifestList = isListType(manifestType);
    if (isManifestList) return { manifestRaw, manifest, manifestType, isManifestList };
    const configDigest = manifest.config?.digest;
    if (typeof configDigest !== 'string' || configDigest === '') {
      throw new StoreError('CorruptMetadata', `The manifest of image ${image.record.id.slice(0, 12)} names no config`, { imageId: image.record.id });
    }
    const configRaw = this.store.readImageBigDataUnlocked(image, configDigest);
    const config = parseJsonObject<ImageConfigJson>(configRaw, 'config', image);
    return { manifestRaw, manifest, manifestType, isManifestList, configRaw, config };
  }
}
