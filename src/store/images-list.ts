/*
 * `podman images`: one summary per image (what libimage/podman compute: parent, dangling,
 * intermediate, size, labels, containers, repo digests), and podman's rendering of them as JSON
 * rows (one per name) and as the table. Reads nothing itself beyond cached image details.
 */
import { StoreError } from './errors';
import { parseGoTime, podmanTableSize, humanDuration, formatRFC3339Nano, GO_ZERO_TIME, MAX_GO_DURATION_SECONDS } from './go-format';
import { goMarshal, goMap, type GoJsonValue } from './go-json';
import { relationsOf } from './image-relations';
import { effectiveDigest, repoDigestsOf, repoTagsOf, rowNameOf } from './image-names';
import type { ImageEntry, StoreSnapshot } from './snapshot';
import type { Store } from './store';
import { tabwrite } from './tabwriter';

export interface ImageSummary {
  id: string;
  /** Parent image per libimage's layer tree, "" when none. */
  parentId: string;
  names: string[];
  repoTags: string[];
  repoDigests: string[];
  namesHistory: string[];
  digest: string;
  /** Storage `created` as Unix seconds (podman's Created). */
  created: number;
  /** Storage `created` as stored (RFC 3339), for display. */
  createdTime?: string;
  /** c/storage ImageSize; -1 when a layer is missing. */
  size: number;
  labels: Record<string, string> | null;
  containers: number;
  containerIds: string[];
  readOnly: boolean;
  dangling: boolean;
  intermediate: boolean;
  topLayer?: string;
  isManifestList: boolean;
  /** What is wrong with this image's records, in plain words; empty when healthy. */
  problems: string[];
}

export interface ListOptions {
  /** Include intermediate images (podman images -a). */
  all?: boolean;
  /** Called before each image, to stop a long listing (throws to cancel). */
  beforeEach?: () => void;
}

function unixSeconds(created: string | undefined): number {
  const t = created ? parseGoTime(created) : undefined;
  return (t ?? GO_ZERO_TIME).unix;
}

export function summarizeImage(store: Store, snapshot: StoreSnapshot, image: ImageEntry): ImageSummary {
  const rel = relationsOf(store, snapshot);
  const problems: string[] = [];
  const details = store.details.configView(image);
  let labels: Record<string, string> | null = null;
  let isManifestList = false;
  if (details instanceof StoreError) problems.push(details.message);
  else {
    isManifestList = details.isManifestList;
    labels = details.labels;
  }
  const size = snapshot.imageSize(image);
  if (size === undefined) problems.push(`A layer of image ${image.record.id.slice(0, 12)} is missing from the store`);
  const containerIds = (snapshot.containersByImage.get(image.record.id) ?? []).map((c) => c.id);
  const names = image.record.names ?? [];
  const children = rel.hasChildren(image);
  return {
    id: image.record.id,
    parentId: rel.parent(image)?.record.id ?? '',
    names,
    repoTags: repoTagsOf(names),
    repoDigests: repoDigestsOf(image.record),
    namesHistory: image.record['names-history'] ?? [],
    digest: effectiveDigest(image.record),
    created: unixSeconds(image.record.created),
    createdTime: image.record.created,
    size: size ?? -1,
    labels,
    containers: containerIds.length,
    containerIds,
    readOnly: image.readOnly,
    dangling: names.length === 0 && !children,
    intermediate: names.length === 0 && children,
    topLayer: image.record.layer,
    isManifestList,
    problems,
  };
}

/**
 * Summaries of the images `podman images [-a]` shows, in store order (not yet sorted). Every
 * image's labels and relations were asked for, so the listing cache is written here: the next
 * listing reads them from one file.
 */
export function listImages(store: Store, snapshot: StoreSnapshot, opts: ListOptions = {}): ImageSummary[] {
  const out: ImageSummary[] = [];
  for (const image of snapshot.images) {
    opts.beforeEach?.();
    const s = summarizeImage(store, snapshot, image);
    if (!opts.all && s.intermediate) continue;
    out.push(s);
  }
  store.details.facts.save();
  return out;
}

/** One table/JSON row of `podman images`: an image under one of its names. */
export interface ImageRow {
  summary: ImageSummary;
  repository: string;
  tag: string;
}

/** podman's sortImages: rows per tagged name (or one <none> row), sorted newest first. */
export function imageRows(summaries: ImageSummary[]): ImageRow[] {
  const rows: ImageRow[] = [];
  for (const s of summaries) {
    if (s.names.length === 0) {
      rows.push({ summary: s, repository: '<none>', tag: '<none>' });
      continue;
    }
    const tagged: ImageRow[] = [];
    const untagged: ImageRow[] = [];
    for (const name of s.names) {
      const { repository, tag } = rowNameOf(name);
      (tag === '<none>' ? untagged : tagged).push({ summary: s, repository, tag });
    }
    rows.push(...(tagged.length > 0 ? tagged : untagged.slice(0, 1)));
  }
  // Go's sort.Slice is an insertion sort (stable) up to 12 elements; beyond that podman's order of
  // equal keys is unspecified, so a stable sort is as faithful as any.
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.summary.created - a.r.summary.created || a.i - b.i)
    .map((x) => x.r);
}

/** `podman images --format json`: MarshalIndent with 4 spaces, HTML escaped, trailing newline. */
export function formatImagesJson(rows: ImageRow[]): string {
  const values: GoJsonValue[] = rows.map(({ summary: s }) => ({
    Id: s.id,
    ParentId: s.parentId,
    RepoTags: null,
    RepoDigests: s.repoDigests,
    Size: s.size,
    SharedSize: 0,
    VirtualSize: s.size,
    Labels: goMap(s.labels),
    Containers: s.containers,
    ReadOnly: s.readOnly ? true : undefined,
    Dangling: s.dangling ? true : undefined,
    Names: s.names.length ? s.names : undefined,
    Digest: s.digest || undefined,
    History: s.namesHistory.length ? s.namesHistory : undefined,
    Created: s.created,
    CreatedAt: formatRFC3339Nano({ unix: s.created, nanos: 0, offsetSeconds: null }),
  }));
  return goMarshal(values, { indent: '    ', escapeHTML: true }) + '\n';
}

export interface TableOptions {
  noTrunc?: boolean;
  noHeading?: boolean;
  digests?: boolean;
  /** Seconds since the epoch used for the CREATED column (defaults to now). */
  now?: number;
}

/** `podman images` table. */
export function formatImagesTable(rows: ImageRow[], summaries: ImageSummary[], opts: TableOptions = {}): string {
  const now = opts.now ?? Date.now() / 1000;
  // podman shows R/O when the last image it listed (before sorting) is read-only.
  const readOnlyColumn = summaries.length > 0 && summaries[summaries.length - 1]!.readOnly;
  const header = ['REPOSITORY', 'TAG', ...(opts.digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE', ...(readOnlyColumn ? ['R/O'] : [])];
  const lines: string[][] = opts.noHeading ? [] : [header];
  for (const r of rows) {
    const s = r.summary;
    lines.push([
      r.repository || '<none>',
      r.tag || '<none>',
      ...(opts.digests ? [s.digest] : []),
      opts.noTrunc ? 'sha256:' + s.id : s.id.slice(0, 12),
      humanDuration(Math.min(MAX_GO_DURATION_SECONDS, now - s.created)) + ' ago',
      podmanTableSize(s.size),
      ...(readOnlyColumn ? [String(s.readOnly)] : []),
    ]);
  }
  return tabwrite(lines);
}
