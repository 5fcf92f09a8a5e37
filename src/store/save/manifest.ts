/*
 * Image manifests as containers/image 5.23 (podman 4.3) handles them while copying an image out
 * of storage: MIME type guessing, parsing into the Go structs (unknown fields are dropped, as Go
 * does), layer-info updates with the compression-variant MIME rules, and Go-exact serialisation
 * (format conversion is manifest-convert.ts). Pure.
 */
import { StoreError } from '../errors';
import { GoMap, goMarshal, type GoJsonValue } from '../go-json';
import { sha256 } from '../digest';

export const MT = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociForeign: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociForeignGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociForeignZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  s2Manifest: 'application/vnd.docker.distribution.manifest.v2+json',
  s2List: 'application/vnd.docker.distribution.manifest.list.v2+json',
  s2Config: 'application/vnd.docker.container.image.v1+json',
  s2Layer: 'application/vnd.docker.image.rootfs.diff.tar',
  s2LayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  s2Foreign: 'application/vnd.docker.image.rootfs.foreign.diff.tar',
  s2ForeignGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  s1: 'application/vnd.docker.distribution.manifest.v1+json',
  s1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export type Compression = 'gzip' | 'zstd';

/** One layer as c/image's types.BlobInfo, with the edit the copy made to it. */
export interface BlobInfo {
  digest: string;
  size: number;
  mediaType?: string;
  urls?: string[];
  annotations?: Record<string, string>;
  operation?: 'preserve' | 'compress' | 'decompress';
  /** Set when the blob is (or was made) compressed with this algorithm. */
  algorithm?: Compression;
}

export interface OciDescriptor {
  mediaType?: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  data?: string;
  platform?: { architecture: string; os: string; 'os.version'?: string; 'os.features'?: string[]; variant?: string };
  artifactType?: string;
}

export interface OciManifest {
  schemaVersion: number;
  mediaType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[] | null;
  subject?: OciDescriptor;
  annotations?: Record<string, string>;
}

export interface Schema2Descriptor {
  mediaType: string;
  size: number;
  digest: string;
  urls?: string[];
}

export interface Schema2Manifest {
  schemaVersion: number;
  mediaType: string;
  config: Schema2Descriptor;
  layers: Schema2Descriptor[] | null;
}

export type ParsedManifest = { kind: 'oci'; m: OciManifest } | { kind: 'schema2'; m: Schema2Manifest };

export function badManifest(msg: string, cause?: unknown): StoreError {
  return new StoreError('CorruptMetadata', `The image's manifest cannot be used: ${msg}`, {}, { cause });
}

/** manifest.GuessMIMEType. */
export function guessManifestType(bytes: Buffer | string): string {
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(bytes.toString()) as Record<string, unknown>;
  } catch {
    return '';
  }
  if (typeof meta !== 'object' || meta === null) return '';
  const mt = meta.mediaType;
  if (mt === MT.s2Manifest || mt === MT.s2List || mt === MT.ociManifest || mt === MT.ociIndex) return mt;
  if (meta.schemaVersion === 1) return meta.signatures !== undefined && meta.signatures !== null ? MT.s1Signed : MT.s1;
  if (meta.schemaVersion === 2) {
    const cfg = (meta.config as Record<string, unknown> | undefined)?.mediaType;
    if (cfg === MT.ociConfig) return MT.ociManifest;
    if (cfg === MT.s2Config) return MT.s2Manifest;
    const manifests = meta.manifests;
    if (Array.isArray(manifests) && manifests.length > 0) return typeof cfg === 'string' && cfg ? cfg : MT.ociIndex;
    return MT.ociManifest;
  }
  return '';
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

export function strMap(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

export function strList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

function ociDescriptor(v: unknown): OciDescriptor {
  const d = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const p = d.platform as Record<string, unknown> | undefined | null;
  return {
    mediaType: str(d.mediaType),
    digest: str(d.digest) ?? '',
    size: int(d.size),
    urls: strList(d.urls),
    annotations: strMap(d.annotations),
    data: str(d.data),
    platform:
      p && typeof p === 'object'
        ? {
            architecture: str(p.architecture) ?? '',
            os: str(p.os) ?? '',
            'os.version': str(p['os.version']),
            'os.features': strList(p['os.features']),
            variant: str(p.variant),
          }
        : undefined,
    artifactType: str(d.artifactType),
  };
}

function schema2Descriptor(v: unknown): Schema2Descriptor {
  const d = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  return { mediaType: str(d.mediaType) ?? '', size: int(d.size), digest: str(d.digest) ?? '', urls: strList(d.urls) };
}

export function parseManifest(bytes: Buffer, mimeType: string): ParsedManifest {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw badManifest('it is not valid JSON', e);
  }
  if (typeof obj !== 'object' || obj === null) throw badManifest('it is not a JSON object');
  const layers = obj.layers;
  if (mimeType === MT.ociManifest) {
    return {
      kind: 'oci',
      m: {
        schemaVersion: int(obj.schemaVersion),
        mediaType: str(obj.mediaType),
        config: ociDescriptor(obj.config),
        layers: Array.isArray(layers) ? layers.map(ociDescriptor) : null,
        subject: obj.subject ? ociDescriptor(obj.subject) : undefined,
        annotations: strMap(obj.annotations),
      },
    };
  }
  if (mimeType === MT.s2Manifest) {
    return {
      kind: 'schema2',
      m: {
        schemaVersion: int(obj.schemaVersion),
        mediaType: str(obj.mediaType) ?? '',
        config: schema2Descriptor(obj.config),
        layers: Array.isArray(layers) ? layers.map(schema2Descriptor) : null,
      },
    };
  }
  throw new StoreError(
    'InvalidArgument',
    `Saving an image whose stored manifest is ${mimeType || 'of an unknown type'} is not supported (only OCI and Docker schema 2 images)`,
    { mimeType },
  );
}

export function manifestType(p: ParsedManifest): string {
  return p.kind === 'oci' ? MT.ociManifest : MT.s2Manifest;
}

export function configDigestOf(p: ParsedManifest): string {
  return p.m.config.digest;
}

/** The manifest's layers as BlobInfos (manifest.LayerInfos). */
export function manifestLayerInfos(p: ParsedManifest): BlobInfo[] {
  if (p.kind === 'oci') {
    return (p.m.layers ?? []).map((d) => ({ digest: d.digest, size: d.size, mediaType: d.mediaType, urls: d.urls, annotations: d.annotations }));
  }
  return (p.m.layers ?? []).map((d) => ({ digest: d.digest, size: d.size, mediaType: d.mediaType, urls: d.urls }));
}

/** The media type storage reports for its (always uncompressed) layers of this manifest type. */
export function uncompressedLayerType(p: ParsedManifest): string {
  return p.kind === 'oci' ? MT.ociLayer : MT.s2Layer;
}

type VariantSet = { none: string; gzip: string; zstd: string | null };
const OCI_SETS: VariantSet[] = [
  { none: MT.ociForeign, gzip: MT.ociForeignGzip, zstd: MT.ociForeignZstd },
  { none: MT.ociLayer, gzip: MT.ociLayerGzip, zstd: MT.ociLayerZstd },
];
const S2_SETS: VariantSet[] = [
  { none: MT.s2Foreign, gzip: MT.s2ForeignGzip, zstd: null },
  { none: MT.s2Layer, gzip: MT.s2LayerGzip, zstd: null },
];

function setsOf(kind: ParsedManifest['kind']): VariantSet[] {
  return kind === 'oci' ? OCI_SETS : S2_SETS;
}

/** manifest.compressionVariantsRecognizeMIMEType: can c/image change this layer's compression? */
export function canChangeLayerCompression(kind: ParsedManifest['kind'], mimeType: string | undefined): boolean {
  return setsOf(kind).some((s) => s.none === mimeType || s.gzip === mimeType || s.zstd === mimeType);
}

function variant(kind: ParsedManifest['kind'], mimeType: string, algorithm: Compression | undefined): string {
  const set = setsOf(kind).find((s) => s.none === mimeType || s.gzip === mimeType || s.zstd === mimeType);
  if (!set) throw badManifest(`unsupported layer media type ${mimeType} for ${algorithm ? 'compression' : 'decompression'}`);
  const res = algorithm === undefined ? set.none : set[algorithm];
  if (!res) throw badManifest(`${algorithm ?? 'no'} compression is not supported for type ${mimeType}`);
  return res;
}

/** manifest.updatedMIMEType. */
function updatedMimeType(kind: ParsedManifest['kind'], mimeType: string, info: BlobInfo): string {
  switch (info.operation ?? 'preserve') {
    case 'preserve':
      return info.algorithm ? variant(kind, mimeType, info.algorithm) : mimeType;
    case 'decompress':
      return variant(kind, mimeType, undefined);
    case 'compress':
      return info.algorithm ? variant(kind, mimeType, info.algorithm) : mimeType;
  }
}

const emptyToUndef = <T extends object>(x: T | undefined): T | undefined => (x && Object.keys(x).length > 0 ? x : undefined);

/** UpdateLayerInfos of OCI1 / Schema2. */
export function updateLayerInfos(p: ParsedManifest, infos: BlobInfo[]): ParsedManifest {
  const original = p.m.layers ?? [];
  if (original.length !== infos.length) {
    throw badManifest(`layer count changed from ${original.length} to ${infos.length}`);
  }
  if (p.kind === 'oci') {
    const layers = infos.map((info, i) => ({
      ...original[i]!,
      mediaType: updatedMimeType('oci', original[i]!.mediaType ?? '', info),
      digest: info.digest,
      size: info.size,
      annotations: info.annotations,
      urls: info.urls,
    }));
    return { kind: 'oci', m: { ...p.m, layers } };
  }
  const layers = infos.map((info, i) => {
    const mediaType = (original[i] as Schema2Descriptor).mediaType;
    if (![MT.s2Layer, MT.s2LayerGzip, MT.s2Foreign, MT.s2ForeignGzip, MT.ociLayer, MT.ociLayerGzip, MT.ociLayerZstd].includes(mediaType as never)) {
      throw badManifest(`unknown media type of original layer ${info.digest}: ${mediaType}`);
    }
    return { mediaType: updatedMimeType('schema2', mediaType, info), size: info.size, digest: info.digest, urls: info.urls };
  });
  return { kind: 'schema2', m: { ...p.m, layers } };
}

/** An OCI descriptor as Go marshals imgspecv1.Descriptor (manifests and index.json alike). */
export function descriptorJson(d: OciDescriptor): GoJsonValue {
  const annotations = emptyToUndef(d.annotations);
  return {
    mediaType: d.mediaType || undefined,
    digest: d.digest,
    size: d.size,
    urls: d.urls && d.urls.length > 0 ? d.urls : undefined,
    annotations: annotations ? new GoMap(annotations) : undefined,
    data: d.data || undefined,
    platform: d.platform
      ? {
          architecture: d.platform.architecture,
          os: d.platform.os,
          'os.version': d.platform['os.version'] || undefined,
          'os.features': d.platform['os.features']?.length ? d.platform['os.features'] : undefined,
          variant: d.platform.variant || undefined,
        }
      : undefined,
    artifactType: d.artifactType || undefined,
  };
}

function schema2DescriptorJson(d: Schema2Descriptor): GoJsonValue {
  return { mediaType: d.mediaType, size: d.size, digest: d.digest, urls: d.urls && d.urls.length > 0 ? d.urls : undefined };
}

/** json.Marshal of the manifest struct. */
export function serializeManifest(p: ParsedManifest): Buffer {
  if (p.kind === 'oci') {
    const annotations = emptyToUndef(p.m.annotations);
    return Buffer.from(
      goMarshal({
        schemaVersion: p.m.schemaVersion,
        mediaType: p.m.mediaType || undefined,
        config: descriptorJson(p.m.config),
        layers: p.m.layers ? p.m.layers.map(descriptorJson) : null,
        subject: p.m.subject ? descriptorJson(p.m.subject) : undefined,
        annotations: annotations ? new GoMap(annotations) : undefined,
      }),
    );
  }
  return Buffer.from(
    goMarshal({
      schemaVersion: p.m.schemaVersion,
      mediaType: p.m.mediaType,
      config: schema2DescriptorJson(p.m.config),
      layers: p.m.layers ? p.m.layers.map(schema2DescriptorJson) : null,
    }),
  );
}

/** manifest.Digest for the manifests this module produces (no schema 1 signatures to strip). */
export function manifestDigest(bytes: Buffer): string {
  return sha256(bytes);
}
