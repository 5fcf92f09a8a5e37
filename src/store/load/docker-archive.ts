/*
 * Reading a docker-archive (`podman save` default, `docker save`) as c/image's
 * docker/internal/tarfile reader does: manifest.json lists items {Config, RepoTags, Layers};
 * each layer file's content hashes to the config's diff_id; the manifest stored for the image is
 * generated (schema 2, layer media type "tar.gzip" even for plain tars, digest = diff_id, size =
 * uncompressed size). Layers are handed to the store uncompressed, so the layer's
 * compressed-diff-digest is its diff_id, as with podman.
 */
import { StoreError } from '../errors';
import { decompressed } from '../layer/unpack-layer';
import { printable } from '../tar/tar-split-writer';
import { cleanTarPath } from '../tar/tar-split-writer';
import type { TarIndex } from './tar-index';
import {
  MAX_CONFIG_SIZE,
  MAX_TAR_MANIFEST_SIZE,
  MEDIA_TYPE_DOCKER_CONFIG,
  MEDIA_TYPE_DOCKER_LAYER_GZIP,
  MEDIA_TYPE_DOCKER_MANIFEST,
  configDiffIDs,
  parseJson,
  type SourceImage,
} from './image-source';
import { sha256 } from '../digest';

interface ManifestItem {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

function parseTarManifest(data: Buffer): ManifestItem[] {
  const v = parseJson(data, 'manifest.json');
  if (!Array.isArray(v)) throw new StoreError('InvalidArchive', 'manifest.json in the archive is not a list');
  return v.map((item, i) => {
    const it = item as Record<string, unknown>;
    if (typeof it !== 'object' || it === null || typeof it.Config !== 'string') {
      throw new StoreError('InvalidArchive', `manifest.json item ${i} has no Config`);
    }
    const tags = it.RepoTags ?? [];
    const layers = it.Layers ?? [];
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) throw new StoreError('InvalidArchive', `manifest.json item ${i} has malformed RepoTags`);
    if (!Array.isArray(layers) || !layers.every((t) => typeof t === 'string')) throw new StoreError('InvalidArchive', `manifest.json item ${i} has malformed Layers`);
    return { Config: it.Config, RepoTags: tags as string[], Layers: layers as string[] };
  });
}

/** Go's json.Marshal of manifest.Schema2 with the given layers. */
export function dockerArchiveManifest(config: Buffer, configDigest: string, layers: Array<{ diffID: string; size: number }>): Buffer {
  const layerJson = layers.map((l) => `{"mediaType":"${MEDIA_TYPE_DOCKER_LAYER_GZIP}","size":${l.size},"digest":"${l.diffID}"}`);
  return Buffer.from(
    `{"schemaVersion":2,"mediaType":"${MEDIA_TYPE_DOCKER_MANIFEST}","config":{"mediaType":"${MEDIA_TYPE_DOCKER_CONFIG}","size":${config.length},"digest":"${configDigest}"},"layers":[${layerJson.join(',')}]}`,
  );
}

export async function readDockerArchive(index: TarIndex): Promise<SourceImage[]> {
  const items = parseTarManifest(await index.readSmall('manifest.json', MAX_TAR_MANIFEST_SIZE));
  const images: SourceImage[] = [];
  for (const item of items) {
    const config = await index.readSmall(item.Config, MAX_CONFIG_SIZE);
    const configDigest = sha256(config);
    const diffIDs = configDiffIDs(config, `The config ${printable(item.Config)}`);
    if (item.Layers.length !== diffIDs.length) {
      throw new StoreError('InvalidArchive', `Inconsistent layer count: ${item.Layers.length} in manifest, ${diffIDs.length} in config`);
    }
    const pathOf = new Map<string, string>();
    const diffOfPath = new Map<string, string>();
    diffIDs.forEach((d, i) => {
      if (pathOf.has(d)) return; // the same diff twice: either path will do, the digests prove them equal
      const p = cleanTarPath(item.Layers[i]!);
      const other = diffOfPath.get(p);
      if (other !== undefined && other !== d) throw new StoreError('InvalidArchive', `Layer tarfile ${printable(p)} used for two different DiffID values`);
      pathOf.set(d, p);
      diffOfPath.set(p, d);
    });
    for (const p of diffOfPath.keys()) {
      if (!index.has(p)) throw new StoreError('InvalidArchive', `Some layer tarfiles are missing in the tarball (${printable(p)})`, { member: printable(p) });
    }
    const layers = diffIDs.map((diffID) => {
      const p = pathOf.get(diffID)!;
      return {
        blobDigest: diffID,
        blobSize: -1,
        diffID,
        open: () => uncompressedMember(index, p),
      };
    });
    images.push({
      config,
      configDigest,
      layers,
      names: item.RepoTags,
      naming: 'normalize',
      finishManifest: (sizes) => dockerArchiveManifest(config, configDigest, diffIDs.map((diffID, i) => ({ diffID, size: sizes[i]! }))),
    });
  }
  return images;
}

/** c/image hands docker-archive layers over decompressed. */
async function* uncompressedMember(index: TarIndex, member: string): AsyncGenerator<Buffer> {
  const { stream, close } = await decompressed(index.open(member), `The layer ${printable(member)}`);
  try {
    yield* stream;
  } finally {
    await close();
  }
}
