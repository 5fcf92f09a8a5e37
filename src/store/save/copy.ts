/*
 * Copying one image from the store into a save destination, following containers/image's
 * copy.Image as podman 4.3 runs it (copy/copy.go): layers first, in manifest order and one at a
 * time, each either reused from the destination or streamed from the store (compressed when the
 * destination wants it); then the config; then the manifest, rewritten only when the layers
 * changed representation or the destination needs another manifest type. The destinations decide
 * file names and layout; this module decides what bytes and metadata they get.
 */
import type { Store } from '../store';
import { layerTarSource, type LayerTarSource } from '../layer-stream';
import type { ImageSource } from './image-source';
import { layerInfosDiffer } from './image-source';
import {
  MT,
  canChangeLayerCompression,
  manifestType,
  serializeManifest,
  updateLayerInfos,
  type BlobInfo,
  type ParsedManifest,
} from './manifest';
import { ociToSchema2, schema2ToOci } from './manifest-convert';

export type LayerCompression = 'preserve' | 'compress' | 'decompress';

export interface PutResult {
  digest: string;
  size: number;
}

/** What a save format does with the pieces of an image (c/image's ImageDestination, trimmed). */
export interface ImageDestination {
  /** Manifest types the destination stores; undefined means any. */
  readonly supportedManifestTypes?: string[];
  /** podman's ManifestMIMEType option for this format. */
  readonly forcedManifestType?: string;
  readonly compression: LayerCompression;
  /** A blob with this digest is already there (written earlier in the same save, or pre-existing). */
  tryReuse(digest: string): Promise<PutResult | undefined>;
  /** Stores a layer; `known` is set when the source is the verified uncompressed layer. */
  putLayer(source: LayerTarSource, known: PutResult | undefined, compress: boolean, onBytes: (n: number) => void): Promise<PutResult>;
  putConfig(config: Buffer, digest: string): Promise<void>;
  putManifest(manifest: Buffer, parsed: ParsedManifest): Promise<void>;
}

export interface CopyContext {
  signal?: AbortSignal;
  lockTimeoutMs?: number;
  /** Uncompressed layer bytes read from the store. */
  onBytes?: (n: number) => void;
  /** Called before each layer and the config, like podman's "Copying blob …" lines. */
  onStep?: (what: 'blob' | 'config' | 'manifest', digest: string) => void;
}

/** c/image's preferredManifestMIMETypes order. */
const PREFERRED = [MT.ociManifest, MT.s2Manifest, MT.s1Signed, MT.s1];

function chooseManifestType(srcType: string, dest: ImageDestination): string {
  const supported = dest.forcedManifestType ? [dest.forcedManifestType] : dest.supportedManifestTypes;
  if (!supported || supported.length === 0) return srcType;
  if (supported.includes(srcType)) return srcType;
  return PREFERRED.find((t) => supported.includes(t)) ?? supported[0]!;
}

export interface CopyResult {
  manifest: Buffer;
  configDigest: string;
  layers: PutResult[];
}

export async function copyImage(store: Store, src: ImageSource, dest: ImageDestination, ctx: CopyContext = {}): Promise<CopyResult> {
  let srcInfos = src.manifestLayers;
  const physical = src.layers.map((l) => l.info);
  let srcInfosUpdated = false;
  if (layerInfosDiffer(srcInfos, physical)) {
    srcInfos = physical;
    srcInfosUpdated = true;
  }

  const destInfos: BlobInfo[] = [];
  for (let i = 0; i < src.layers.length; i++) {
    const layer = src.layers[i]!;
    const srcInfo = srcInfos[i]!;
    ctx.onStep?.('blob', srcInfo.digest);
    const reused = await dest.tryReuse(layer.info.digest);
    if (reused) {
      ctx.onBytes?.(layer.info.size);
      destInfos.push({ digest: reused.digest, size: reused.size, operation: 'preserve' });
      continue;
    }
    const compress = dest.compression === 'compress' && canChangeLayerCompression(src.manifest.kind, srcInfo.mediaType);
    const source = layerTarSource(store, layer.entry, { signal: ctx.signal, lockTimeoutMs: ctx.lockTimeoutMs });
    const put = await dest.putLayer(source, compress ? undefined : { digest: layer.info.digest, size: layer.info.size }, compress, (n) =>
      ctx.onBytes?.(n),
    );
    destInfos.push(
      compress ? { digest: put.digest, size: put.size, operation: 'compress', algorithm: 'gzip' } : { digest: put.digest, size: put.size, operation: 'preserve' },
    );
  }

  const needsLayerUpdate = srcInfosUpdated || destInfos.some((d, i) => d.digest !== srcInfos[i]!.digest);
  const srcType = manifestType(src.manifest);
  const targetType = chooseManifestType(srcType, dest);
  let manifest = src.manifestBytes;
  let config = src.config;
  let configDigest = src.configDigest;
  let parsed = src.manifest;
  if (targetType !== srcType || needsLayerUpdate) {
    if (targetType !== srcType) {
      if (parsed.kind === 'oci' && targetType === MT.s2Manifest) {
        parsed = { kind: 'schema2', m: ociToSchema2(parsed.m) };
      } else if (parsed.kind === 'schema2' && targetType === MT.ociManifest) {
        const converted = schema2ToOci(parsed.m, config);
        parsed = { kind: 'oci', m: converted.manifest };
        config = converted.config;
        configDigest = converted.manifest.config.digest;
      } else {
        throw new Error(`internal error: no conversion from ${srcType} to ${targetType}`);
      }
    }
    if (needsLayerUpdate) parsed = updateLayerInfos(parsed, destInfos);
    manifest = serializeManifest(parsed);
  }
  ctx.onStep?.('config', configDigest);
  await dest.putConfig(config, configDigest);
  ctx.onStep?.('manifest', '');
  await dest.putManifest(manifest, parsed);
  return { manifest, configDigest, layers: destInfos.map((d) => ({ digest: d.digest, size: d.size })) };
}
