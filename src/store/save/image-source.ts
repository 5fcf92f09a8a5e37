/*
 * An image as c/image's storage source presents it for copying (storage/storage_src.go): the
 * stored manifest (big-data "manifest", or "manifest-<digest>" when asked by digest), the config
 * blob named by the manifest (checked against its digest), and the physical layers of the image's
 * layer chain, base first, each with its uncompressed digest and size.
 */
import { StoreError } from '../errors';
import { manifestBigDataKey, DEFAULT_MANIFEST_KEY } from '../big-data';
import type { Store, ReadOptions } from '../store';
import type { ImageEntry, LayerEntry, StoreSnapshot } from '../snapshot';
import { configDigestOf, guessManifestType, manifestLayerInfos, parseManifest, uncompressedLayerType, type BlobInfo, type ParsedManifest } from './manifest';
import { sha256 } from '../digest';

export interface SourceLayer {
  entry: LayerEntry;
  /** BlobInfo as LayerInfosForCopy reports it: uncompressed digest/size, storage's media type. */
  info: BlobInfo;
}

export interface ImageSource {
  image: ImageEntry;
  manifestBytes: Buffer;
  manifest: ParsedManifest;
  configDigest: string;
  config: Buffer;
  layers: SourceLayer[];
  /** The layers as the manifest lists them (c/image's src.LayerInfos()). */
  manifestLayers: BlobInfo[];
}

export async function openImageSource(
  store: Store,
  snapshot: StoreSnapshot,
  image: ImageEntry,
  opts: ReadOptions & { manifestDigest?: string } = {},
): Promise<ImageSource> {
  let manifestBytes: Buffer | undefined;
  if (opts.manifestDigest) {
    try {
      manifestBytes = await store.readImageBigData(image, manifestBigDataKey(opts.manifestDigest), opts);
    } catch (e) {
      if (!(e instanceof StoreError && e.code === 'MissingBigData')) throw e;
    }
  }
  manifestBytes ??= await store.readImageBigData(image, DEFAULT_MANIFEST_KEY, opts);
  const manifest = parseManifest(manifestBytes, guessManifestType(manifestBytes));
  const configDigest = configDigestOf(manifest);
  if (!/^sha256:[0-9a-f]{64}$/.test(configDigest)) {
    throw new StoreError('CorruptMetadata', `The manifest of image ${image.record.id.slice(0, 12)} names no valid config digest`, { imageId: image.record.id });
  }
  const config = await store.readImageBigData(image, configDigest, opts);
  const actual = sha256(config);
  if (actual !== configDigest) {
    throw new StoreError('DigestMismatch', `The config of image ${image.record.id.slice(0, 12)} hashes to ${actual}, not ${configDigest}`, {
      imageId: image.record.id,
    });
  }

  const chain = snapshot.layerChain(image).reverse();
  if (image.record.layer && (chain.length === 0 || chain[0]!.record.parent)) {
    throw new StoreError('MissingLayer', `Image ${image.record.id.slice(0, 12)} refers to a layer that is not in the store`, { imageId: image.record.id });
  }
  const mediaType = uncompressedLayerType(manifest);
  const layers = chain.map((entry) => {
    const digest = entry.record['diff-digest'];
    const size = entry.record['diff-size'];
    if (!digest) throw new StoreError('DigestMismatch', `uncompressed digest for layer ${entry.record.id} is unknown`, { layerId: entry.record.id });
    if (size === undefined || size < 0) throw new StoreError('DigestMismatch', `uncompressed size for layer ${entry.record.id} is unknown`, { layerId: entry.record.id });
    return { entry, info: { digest, size, mediaType } };
  });
  const manifestLayers = manifestLayerInfos(manifest);
  if (manifestLayers.length !== layers.length) {
    throw new StoreError(
      'CorruptMetadata',
      `Image ${image.record.id.slice(0, 12)} has ${layers.length} layers in the store but its manifest lists ${manifestLayers.length}`,
      { imageId: image.record.id },
    );
  }
  return { image, manifestBytes, manifest, configDigest, config, layers, manifestLayers };
}

/** reflect.DeepEqual of the manifest's layer infos and storage's: decides whether the manifest must be rewritten. */
export function layerInfosDiffer(a: BlobInfo[], b: BlobInfo[]): boolean {
  if (a.length !== b.length) return true;
  return a.some((x, i) => {
    const y = b[i]!;
    return (
      x.digest !== y.digest ||
      x.size !== y.size ||
      (x.mediaType ?? '') !== (y.mediaType ?? '') ||
      x.urls !== undefined ||
      y.urls !== undefined ||
      x.annotations !== undefined ||
      y.annotations !== undefined
    );
  });
}
