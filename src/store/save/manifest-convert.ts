/*
 * OCI <-> Docker schema 2 conversion as containers/image 5.23 does it when a save changes the
 * manifest format: the manifest's descriptors and media types, and the config re-serialised as
 * an OCI image config (Go's struct field rules: case-insensitive members, later ones winning,
 * unknown fields dropped). Pure.
 */
import { StoreError } from '../errors';
import { GoMap, RawJson, goMarshal, type GoJsonValue } from '../go-json';
import { goTimeRoundTrip } from '../go-format';
import { MT, badManifest, str, strList, strMap, type OciManifest, type Schema2Manifest } from './manifest';
import { sha256 } from '../digest';

/** Layer media types c/image converts between the two formats (foreign layers included). */
const OCI_TO_SCHEMA2_LAYER = new Map<string, string>([
  [MT.ociForeign, MT.s2Foreign],
  [MT.ociForeignGzip, MT.s2ForeignGzip],
  [MT.ociLayer, MT.s2Layer],
  [MT.ociLayerGzip, MT.s2LayerGzip],
]);
const SCHEMA2_TO_OCI_LAYER = new Map([...OCI_TO_SCHEMA2_LAYER].map(([oci, s2]) => [s2, oci]));

/** manifestOCI1.convertToManifestSchema2. */
export function ociToSchema2(m: OciManifest): Schema2Manifest {
  if (m.config.mediaType !== MT.ociConfig) {
    throw new StoreError('InvalidArgument', `This is not a container image (config type ${m.config.mediaType ?? 'none'}); it cannot be saved in Docker format`);
  }
  const layers = (m.layers ?? []).map((d) => {
    const mediaType = OCI_TO_SCHEMA2_LAYER.get(d.mediaType ?? '');
    if (mediaType === undefined) {
      if (d.mediaType === MT.ociLayerZstd || d.mediaType === MT.ociForeignZstd) {
        throw new StoreError('InvalidArgument', `Error during manifest conversion: "${d.mediaType}": zstd compression is not supported for docker images`);
      }
      throw new StoreError('InvalidArgument', `Unknown media type during manifest conversion: "${d.mediaType ?? ''}"`);
    }
    return { mediaType, size: d.size, digest: d.digest, urls: d.urls };
  });
  return {
    schemaVersion: 2,
    mediaType: MT.s2Manifest,
    config: { mediaType: MT.s2Config, size: m.config.size, digest: m.config.digest, urls: m.config.urls },
    layers,
  };
}

/** manifestSchema2.convertToManifestOCI1: the config is re-serialised as an OCI image config. */
export function schema2ToOci(m: Schema2Manifest, config: Buffer): { manifest: OciManifest; config: Buffer } {
  const ociConfig = ociConfigFromDocker(config);
  const layers = (m.layers ?? []).map((d) => {
    const mediaType = SCHEMA2_TO_OCI_LAYER.get(d.mediaType ?? '');
    if (mediaType === undefined) throw new StoreError('InvalidArgument', `Unknown media type during manifest conversion: "${d.mediaType}"`);
    return { mediaType, size: d.size, digest: d.digest, urls: d.urls };
  });
  return {
    manifest: {
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      config: { mediaType: MT.ociConfig, size: ociConfig.length, digest: sha256(ociConfig) },
      layers,
    },
    config: ociConfig,
  };
}

/** Case-insensitive member lookup, later members winning, like Go's json.Unmarshal into a struct. */
function member(obj: Record<string, unknown>, key: string): unknown {
  let found: unknown;
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) found = v;
  return found;
}

function goTime(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  const t = typeof v === 'string' ? goTimeRoundTrip(v) : undefined;
  if (t === undefined) throw badManifest(`the config's ${what} time ${JSON.stringify(v)} is not an RFC 3339 time`);
  return t;
}

function setOf(v: unknown): GoMap | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length === 0) return undefined;
  return new GoMap(Object.fromEntries(keys.map((k) => [k, new RawJson('{}')])));
}

/** json.Marshal(imgspecv1.Image) of the config unmarshalled into that struct (image-spec 1.1.0-rc2). */
function ociConfigFromDocker(config: Buffer): Buffer {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(config.toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw badManifest('the image config is not valid JSON', e);
  }
  const c = (member(obj, 'config') ?? {}) as Record<string, unknown>;
  const labels = strMap(member(c, 'Labels'));
  const rootfs = (member(obj, 'rootfs') ?? {}) as Record<string, unknown>;
  const diffIds = strList(member(rootfs, 'diff_ids'));
  const history = member(obj, 'history');
  const nonEmpty = (s: unknown): string | undefined => (typeof s === 'string' && s !== '' ? s : undefined);
  const list = (v: unknown): string[] | undefined => {
    const l = strList(v);
    return l && l.length > 0 ? l : undefined;
  };
  const out: GoJsonValue = {
    created: goTime(member(obj, 'created'), 'created'),
    author: nonEmpty(member(obj, 'author')),
    architecture: str(member(obj, 'architecture')) ?? '',
    variant: nonEmpty(member(obj, 'variant')),
    os: str(member(obj, 'os')) ?? '',
    'os.version': nonEmpty(member(obj, 'os.version')),
    'os.features': list(member(obj, 'os.features')),
    config: {
      User: nonEmpty(member(c, 'User')),
      ExposedPorts: setOf(member(c, 'ExposedPorts')),
      Env: list(member(c, 'Env')),
      Entrypoint: list(member(c, 'Entrypoint')),
      Cmd: list(member(c, 'Cmd')),
      Volumes: setOf(member(c, 'Volumes')),
      WorkingDir: nonEmpty(member(c, 'WorkingDir')),
      Labels: labels && Object.keys(labels).length > 0 ? new GoMap(labels) : undefined,
      StopSignal: nonEmpty(member(c, 'StopSignal')),
    },
    rootfs: { type: str(member(rootfs, 'type')) ?? '', diff_ids: diffIds ?? null },
    history: Array.isArray(history) && history.length > 0
      ? history.map((h: unknown, i: number) => {
          const e = (h ?? {}) as Record<string, unknown>;
          return {
            created: goTime(member(e, 'created'), `history[${i}]`),
            created_by: nonEmpty(member(e, 'created_by')),
            author: nonEmpty(member(e, 'author')),
            comment: nonEmpty(member(e, 'comment')),
            empty_layer: member(e, 'empty_layer') === true ? true : undefined,
          };
        })
      : undefined,
  };
  return Buffer.from(goMarshal(out));
}
