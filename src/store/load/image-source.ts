/*
 * What an archive reader hands to the loader: for each image to copy, the manifest and config
 * bytes exactly as c/image would store them, the layer blobs with the digests the archive
 * promises, and the names podman would give. Pure helpers for parsing manifests and configs live
 * here too. Readers never trust sizes or digests: the loader verifies every byte it streams.
 */
import { StoreError } from '../errors';
import type { BlobProvider } from './blob-provider';

export const MEDIA_TYPE_OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MEDIA_TYPE_OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const MEDIA_TYPE_DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const MEDIA_TYPE_DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const MEDIA_TYPE_DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const MEDIA_TYPE_DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** c/image's iolimits: manifests and configs bigger than these are refused. */
export const MAX_MANIFEST_SIZE = 4 << 20;
export const MAX_CONFIG_SIZE = 4 << 20;
export const MAX_TAR_MANIFEST_SIZE = 1 << 20;
export const MAX_INDEX_SIZE = 4 << 20;

export interface SourceLayer {
  /** Digest of the blob as stored in the archive (what the manifest names). */
  blobDigest: string;
  /** Size of the blob as stored, or -1 when the archive does not say. */
  blobSize: number;
  /** The uncompressed digest the config's rootfs.diff_ids promises. */
  diffID: string;
  open(): AsyncIterable<Buffer>;
}

export interface SourceImage {
  /** The manifest exactly as it will be stored; filled in by `finishManifest` when it depends on layer sizes. */
  manifest?: Buffer;
  config: Buffer;
  configDigest: string;
  layers: SourceLayer[];
  /** Names podman gives, each as typed in the archive (normalized by the loader); empty = unnamed. */
  names: string[];
  /** How the names are normalized: libimage NormalizeName, or plain docker parsing (oci dir paths). */
  naming: 'normalize' | 'docker';
  /** For sources whose manifest is generated from the layers' uncompressed sizes (docker-archive). */
  finishManifest?: (diffSizes: number[]) => Buffer;
}

export type ArchiveFormat = 'oci-dir' | 'oci-archive' | 'docker-archive' | 'docker-dir';

export interface ImageArchive {
  format: ArchiveFormat;
  images: SourceImage[];
  close(): void;
}

const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

export function checkDigest(d: unknown, what: string): string {
  if (typeof d !== 'string' || !SHA256_DIGEST.test(d)) {
    throw new StoreError('InvalidArchive', `${what} has an invalid or unsupported digest ${JSON.stringify(d)?.slice(0, 100)}`);
  }
  return d;
}

export function parseJson(data: Buffer, what: string): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch (e) {
    throw new StoreError('InvalidArchive', `${what} is not valid JSON: ${(e as Error).message}`, {}, { cause: e });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ParsedManifest {
  mediaType: string;
  configDigest: string;
  layers: Array<{ digest: string; size: number; mediaType: string }>;
}

const UNSUPPORTED_LAYER = /zstd|nondistributable|foreign/;

/** Parses a Docker schema2 or OCI image manifest (lists, indexes and schema1 are refused). */
export function parseManifest(data: Buffer, what: string): ParsedManifest {
  const m = parseJson(data, what);
  if (!isObject(m)) throw new StoreError('InvalidArchive', `${what} is not a JSON object`);
  const mediaType = typeof m.mediaType === 'string' ? m.mediaType : '';
  if (m.schemaVersion === 1) throw new StoreError('InvalidArchive', `${what} is a Docker schema 1 manifest, which Strata does not load`);
  if (mediaType === MEDIA_TYPE_OCI_INDEX || mediaType === MEDIA_TYPE_DOCKER_LIST || Array.isArray(m.manifests)) {
    throw new StoreError('InvalidArchive', `${what} is a manifest list; Strata loads single images only`);
  }
  if (m.schemaVersion !== 2 || !isObject(m.config) || !Array.isArray(m.layers)) {
    throw new StoreError('InvalidArchive', `${what} is not an OCI or Docker schema 2 image manifest`);
  }
  const configDigest = checkDigest(m.config.digest, `${what} (config)`);
  const layers = m.layers.map((l, i) => {
    if (!isObject(l)) throw new StoreError('InvalidArchive', `${what} has a malformed layer ${i}`);
    const lt = typeof l.mediaType === 'string' ? l.mediaType : '';
    if (UNSUPPORTED_LAYER.test(lt)) throw new StoreError('InvalidArchive', `${what} has a layer of type ${lt}, which Strata cannot load`);
    if (Array.isArray(l.urls) && l.urls.length > 0) throw new StoreError('InvalidArchive', `${what} has a foreign layer that must be downloaded; Strata loads local content only`);
    const size = typeof l.size === 'number' && Number.isSafeInteger(l.size) && l.size >= 0 ? l.size : -1;
    return { digest: checkDigest(l.digest, `${what} (layer ${i})`), size, mediaType: lt };
  });
  return { mediaType, configDigest, layers };
}

/** The config's rootfs.diff_ids, checked. */
export function configDiffIDs(config: Buffer, what: string): string[] {
  const c = parseJson(config, what);
  if (!isObject(c)) throw new StoreError('InvalidArchive', `${what} is not a JSON object`);
  const rootfs = c.rootfs;
  if (!isObject(rootfs)) throw new StoreError('InvalidArchive', `Invalid image config (rootFS is not set): ${what}`);
  const ids = rootfs.diff_ids ?? [];
  if (!Array.isArray(ids)) throw new StoreError('InvalidArchive', `${what} has a malformed rootfs.diff_ids`);
  return ids.map((d, i) => checkDigest(d, `${what} (diff_ids[${i}])`));
}

/**
 * The manifest's layers paired with the config's diff IDs, each read from `fileOf(digest)` in a
 * directory-like source (`where`: "directory", "layout"); a missing blob is an InvalidArchive.
 */
export function layersFromBlobs(p: BlobProvider, parsed: ParsedManifest, config: Buffer, fileOf: (digest: string) => string, where: string): SourceLayer[] {
  const diffIDs = configDiffIDs(config, 'The image config');
  if (diffIDs.length !== parsed.layers.length) {
    throw new StoreError('InvalidArchive', `Inconsistent layer count: ${parsed.layers.length} in manifest, ${diffIDs.length} in config`);
  }
  return parsed.layers.map((l, i) => {
    if (p.size(fileOf(l.digest)) === undefined) {
      throw new StoreError('InvalidArchive', `The manifest names layer ${l.digest}, which is missing from the ${where}`, { digest: l.digest });
    }
    return { blobDigest: l.digest, blobSize: l.size, diffID: diffIDs[i]!, open: () => p.open(fileOf(l.digest)) };
  });
}

/** The config's "created" string, if any. */
export function configCreated(config: Buffer): string | undefined {
  try {
    const c = JSON.parse(config.toString('utf8')) as unknown;
    return isObject(c) && typeof c.created === 'string' ? c.created : undefined;
  } catch {
    return undefined;
  }
}
