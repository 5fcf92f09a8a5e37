/*
 * Reading an OCI image layout (a directory, or the same tree inside an oci-archive), as podman
 * load does through c/image's oci/layout source: index.json must name exactly one image; its
 * manifest and config are stored as they are; names come from the index annotations (archive) or
 * from the path (directory).
 */
import { StoreError } from '../errors';
import type { BlobProvider } from './blob-provider';
import {
  MAX_CONFIG_SIZE,
  MAX_INDEX_SIZE,
  MAX_MANIFEST_SIZE,
  MEDIA_TYPE_DOCKER_LIST,
  MEDIA_TYPE_OCI_INDEX,
  checkDigest,
  layersFromBlobs,
  parseJson,
  parseManifest,
  type SourceImage,
} from './image-source';
import { sha256 } from '../digest';

const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
const ANNOTATION_CONTAINERD_NAME = 'io.containerd.image.name';

export function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}

/** Reads a blob that must match its digest (manifests, configs: small). */
async function readVerified(p: BlobProvider, digest: string, limit: number, what: string): Promise<Buffer> {
  const data = await p.readSmall(blobPath(digest), limit);
  if (sha256(data) !== digest) {
    throw new StoreError('DigestMismatch', `${what} does not match its digest ${digest}`, { digest });
  }
  return data;
}

/**
 * Builds the image to load from the layout. `nameFromPath` is given for directories (podman names
 * those from the path); archives use the index annotations.
 */
export async function readOciLayout(p: BlobProvider, nameFromPath: string | undefined): Promise<SourceImage> {
  const indexJson = await p.readSmall('index.json', MAX_INDEX_SIZE);
  const index = parseJson(indexJson, p.describe('index.json')) as { manifests?: unknown };
  const manifests = Array.isArray(index?.manifests) ? (index.manifests as Array<Record<string, unknown>>) : undefined;
  if (!manifests) throw new StoreError('InvalidArchive', `${p.describe('index.json')} has no manifests list`);
  if (manifests.length === 0) throw new StoreError('InvalidArchive', `${p.describe('index.json')} lists no image`);
  if (manifests.length > 1) throw new StoreError('InvalidArchive', 'more than one image in oci, choose an image');
  const desc = manifests[0]!;
  if (desc.mediaType === MEDIA_TYPE_OCI_INDEX || desc.mediaType === MEDIA_TYPE_DOCKER_LIST) {
    throw new StoreError('InvalidArchive', 'The OCI layout holds a multi-platform index; Strata loads single images only');
  }
  const manifestDigest = checkDigest(desc.digest, 'The image in index.json');
  const manifest = await readVerified(p, manifestDigest, MAX_MANIFEST_SIZE, 'The image manifest');
  const parsed = parseManifest(manifest, 'The image manifest');
  const config = await readVerified(p, parsed.configDigest, MAX_CONFIG_SIZE, 'The image config');
  const layers = layersFromBlobs(p, parsed, config, blobPath, 'layout');

  let names: string[] = [];
  if (nameFromPath !== undefined) {
    names = [nameFromPath];
  } else {
    const ann = (desc.annotations ?? {}) as Record<string, unknown>;
    const containerd = typeof ann[ANNOTATION_CONTAINERD_NAME] === 'string' ? (ann[ANNOTATION_CONTAINERD_NAME] as string) : '';
    const refName = typeof ann[ANNOTATION_REF_NAME] === 'string' ? (ann[ANNOTATION_REF_NAME] as string) : '';
    const name = containerd !== '' ? containerd : refName;
    if (name !== '') names = [name];
  }
  return {
    manifest,
    config,
    configDigest: parsed.configDigest,
    layers,
    names,
    naming: nameFromPath !== undefined ? 'docker' : 'normalize',
  };
}

/** libimage's toLocalImageName for `podman load -i DIR`: the path before any ":" under localhost/. */
export function ociDirName(inputPath: string): string {
  const beforeColon = inputPath.split(':')[0] ?? '';
  return 'localhost/' + beforeColon.replace(/^\/+/, '');
}
