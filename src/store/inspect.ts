/*
 * `podman image inspect`: libimage's ImageData for one image, built from the store records and
 * the image's manifest and config, with podman's field order and JSON encoding (json.Encoder,
 * 5-space indent, no HTML escaping). The object is also the DTO the extension shows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseGoTime, formatRFC3339Nano } from './go-format';
import { goMarshal, goMap, type GoJsonValue as GoJson } from './go-json';
import { relationsOf } from './image-relations';
import { effectiveDigest, repoDigestsOf, repoTagsOf } from './image-names';
import { MEDIA_TYPES, type ContainerConfigJson, type ImageConfigJson } from './image-details';
import type { ImageEntry, StoreSnapshot } from './snapshot';
import type { Store } from './store';

/** Normalises an RFC 3339 string the way Go re-marshals a time.Time (null when absent). */
function goTimeJson(s: string | undefined): string | null {
  if (s === undefined) return null;
  const t = parseGoTime(s);
  return t ? formatRFC3339Nano(t) : s;
}

function emptyStructMap(m: Record<string, unknown> | undefined): GoJson | undefined {
  if (!m || typeof m !== 'object' || Object.keys(m).length === 0) return undefined;
  const out: Record<string, GoJson> = {};
  for (const k of Object.keys(goMap(m as Record<string, GoJson>) ?? {})) out[k] = {};
  return out;
}

function nonEmptyList(l: string[] | undefined): string[] | undefined {
  return Array.isArray(l) && l.length > 0 ? l : undefined;
}

/** ociv1.ImageConfig re-marshalled: only its nine fields, each omitted when empty. */
export function ociImageConfig(c: ContainerConfigJson | undefined): GoJson {
  if (!c) return {};
  return {
    User: c.User || undefined,
    ExposedPorts: emptyStructMap(c.ExposedPorts),
    Env: nonEmptyList(c.Env),
    Entrypoint: nonEmptyList(c.Entrypoint),
    Cmd: nonEmptyList(c.Cmd),
    Volumes: emptyStructMap(c.Volumes),
    WorkingDir: c.WorkingDir || undefined,
    Labels: c.Labels && Object.keys(c.Labels).length ? (goMap(c.Labels) as GoJson) : undefined,
    StopSignal: c.StopSignal || undefined,
  };
}

function history(config: ImageConfigJson | undefined): GoJson {
  const h = config?.history;
  if (!Array.isArray(h) || h.length === 0) return null;
  return h.map((e) => ({
    created: e.created !== undefined ? (goTimeJson(e.created) ?? undefined) : undefined,
    created_by: e.created_by || undefined,
    author: e.author || undefined,
    comment: e.comment || undefined,
    empty_layer: e.empty_layer ? true : undefined,
  }));
}

/** manifest.Schema2HealthConfig (durations are nanoseconds). */
function healthcheck(h: Record<string, unknown> | undefined): GoJson | undefined {
  if (!h || typeof h !== 'object') return undefined;
  const get = (k: string): unknown => {
    const key = Object.keys(h).find((x) => x.toLowerCase() === k.toLowerCase());
    return key === undefined ? undefined : h[key];
  };
  const num = (k: string): number | undefined => {
    const v = get(k);
    return typeof v === 'number' && v !== 0 ? v : undefined;
  };
  const test = get('Test');
  return {
    Test: Array.isArray(test) && test.length ? (test as string[]) : undefined,
    StartPeriod: num('StartPeriod'),
    Interval: num('Interval'),
    Timeout: num('Timeout'),
    Retries: num('Retries'),
  };
}

/**
 * c/storage overlay's dir(id): <graphroot>/overlay/<id>, or the first additional image store that
 * has it. Lower entries ("l/<short>") and their link targets are found the same way, so a layer
 * built on an additional store's layers names that store's diff directories.
 */
function overlayDir(store: Store, rel: string): string {
  const primary = path.join(store.primary.root, 'overlay', rel);
  if (fs.existsSync(primary)) return primary;
  for (const t of store.additional) {
    const p = path.join(t.root, 'overlay', rel);
    if (fs.existsSync(p)) return p;
  }
  return primary;
}

/** GraphDriver.Data as the driver's Metadata reports it (overlay: Lower/Upper/Work dirs). */
function driverData(store: Store, snapshot: StoreSnapshot, image: ImageEntry): GoJson {
  if (store.driver !== 'overlay') return null;
  const layerId = image.record.layer ?? '';
  const dir = overlayDir(store, layerId);
  const data: Record<string, string> = {
    WorkDir: path.join(dir, 'work'),
    MergedDir: path.join(dir, 'merged'),
    UpperDir: path.join(dir, 'diff'),
  };
  let lower: string | undefined;
  try {
    lower = fs.readFileSync(path.join(dir, 'lower'), 'utf8');
  } catch {
    lower = undefined;
  }
  if (lower) {
    const dirs: string[] = [];
    for (const entry of lower.split(':')) {
      const link = overlayDir(store, entry);
      try {
        // The link reads "../<id>/diff"; joined under "link/" that is "<id>/diff".
        dirs.push(overlayDir(store, path.join('link', fs.readlinkSync(link))));
      } catch {
        // podman would recreate lost l/ links here (a write); we show the entry as recorded.
        dirs.push(link);
      }
    }
    data.LowerDir = dirs.join(':');
  }
  if (!layerId || !snapshot.isMounted(layerId)) delete data.MergedDir;
  return goMap(data);
}

export interface InspectResult {
  /** The podman-shaped object (field order = podman's). */
  data: { [key: string]: GoJson | undefined };
  /** Plain-words problems (missing manifest, corrupt config, missing layer). */
  problems: string[];
}

/** libimage Inspect with WithParent and WithSize, as `podman image inspect` asks for it. */
export function inspectImage(store: Store, snapshot: StoreSnapshot, image: ImageEntry): InspectResult {
  const details = store.details.get(image);
  const config = details.config;
  const rel = relationsOf(store, snapshot);
  const problems: string[] = [];
  const size = snapshot.imageSize(image);
  if (size === undefined) problems.push(`A layer of image ${image.record.id.slice(0, 12)} is missing from the store`);
  const manifestType = details.manifestType;
  let comment = '';
  let annotations: GoJson = {};
  let health: GoJson | undefined;
  if (manifestType === MEDIA_TYPES.ociManifest) {
    annotations = goMap(details.manifest.annotations as Record<string, string> | undefined) ?? {};
    comment = config?.history?.[0]?.comment ?? '';
  } else if (manifestType === MEDIA_TYPES.dockerV2Schema2 || manifestType === MEDIA_TYPES.dockerV2Schema1) {
    comment = typeof config?.comment === 'string' ? config.comment : '';
    health = healthcheck(config?.container_config?.Healthcheck) ?? healthcheck(config?.config?.Healthcheck);
  }
  const names = image.record.names ?? [];
  const data: { [key: string]: GoJson | undefined } = {
    Id: image.record.id,
    Digest: effectiveDigest(image.record),
    RepoTags: repoTagsOf(names),
    RepoDigests: repoDigestsOf(image.record),
    Parent: rel.parent(image)?.record.id ?? '',
    Comment: comment,
    Created: goTimeJson(config?.created),
    Config: ociImageConfig(config?.config),
    Version: typeof config?.docker_version === 'string' ? config.docker_version : '',
    Author: config?.author ?? '',
    Architecture: config?.architecture ?? '',
    Os: config?.os ?? '',
    Size: size ?? -1,
    VirtualSize: size ?? -1,
    GraphDriver: { Name: store.driver, Data: driverData(store, snapshot, image) },
    RootFS: { Type: config?.rootfs?.type ?? '', Layers: config?.rootfs?.diff_ids ?? null },
    Labels: goMap(config?.config?.Labels) ?? null,
    Annotations: annotations,
    ManifestType: manifestType,
    User: config?.config?.User ?? '',
    History: history(config),
    NamesHistory: image.record['names-history'] ?? null,
    Healthcheck: health,
  };
  return { data, problems };
}

/** `podman image inspect` output for several images: 5-space indent, no HTML escaping. */
export function formatInspectJson(results: InspectResult[]): string {
  return goMarshal(results.map((r) => r.data), { indent: '     ', escapeHTML: false }) + '\n';
}
