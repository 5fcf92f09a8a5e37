/*
 * `podman history`: one row per config history entry, newest first, walking the layer chain
 * down for every entry that is not an empty layer. A row's ID is the first image (store order)
 * whose top layer is the current layer, each ID used once, else "<missing>" (libimage History).
 */
import {
  parseGoTime,
  formatRFC3339,
  formatRFC3339Nano,
  humanDuration,
  podmanTableSize,
  GO_ZERO_TIME,
  MAX_GO_DURATION_SECONDS,
  type GoTime,
} from './go-format';
import { goMarshal, type GoJsonValue } from './go-json';
import type { ImageEntry, LayerEntry, StoreSnapshot } from './snapshot';
import type { Store } from './store';
import { StoreError } from './errors';
import { tabwrite } from './tabwriter';

export interface HistoryRow {
  /** Image ID or "<missing>". */
  id: string;
  /** As stored in the config (RFC 3339), undefined when absent. */
  created?: string;
  createdBy: string;
  size: number;
  comment: string;
  /** The storage layer this row's size comes from, if any (not in podman's output). */
  layerId?: string;
  emptyLayer: boolean;
}

export const MISSING_ID = '<missing>';

export function imageHistory(store: Store, snapshot: StoreSnapshot, image: ImageEntry): HistoryRow[] {
  const config = store.details.get(image).config;
  const entries = config?.history ?? [];
  let layer: LayerEntry | undefined;
  if (image.record.layer) {
    layer = snapshot.layerById.get(image.record.layer);
    if (!layer) {
      throw new StoreError('MissingLayer', `Layer ${image.record.layer.slice(0, 12)} of image ${image.record.id.slice(0, 12)} is not in the store`, {
        imageId: image.record.id,
        layerId: image.record.layer,
      });
    }
  }
  const used = new Set<string>();
  const rows: HistoryRow[] = [];
  for (let x = entries.length - 1; x >= 0; x--) {
    const h = entries[x]!;
    const row: HistoryRow = {
      id: MISSING_ID,
      created: h.created,
      createdBy: h.created_by ?? '',
      comment: h.comment ?? '',
      size: 0,
      emptyLayer: Boolean(h.empty_layer),
    };
    if (layer) {
      if (!h.empty_layer) {
        row.size = layer.record['diff-size'] ?? 0;
        row.layerId = layer.record.id;
      }
      const owners = (snapshot.imagesByTopLayer.get(layer.record.id) ?? []).filter((i) => i.record.layer === layer!.record.id);
      const first = owners[0];
      if (first && !used.has(first.record.id)) {
        row.id = first.record.id;
        used.add(first.record.id);
      }
      if (layer.record.parent && !h.empty_layer) {
        const parent = snapshot.layerById.get(layer.record.parent);
        if (!parent) {
          throw new StoreError('MissingLayer', `Layer ${layer.record.parent.slice(0, 12)} (parent of ${layer.record.id.slice(0, 12)}) is not in the store`, {
            layerId: layer.record.parent,
          });
        }
        layer = parent;
      }
    }
    rows.push(row);
  }
  return rows;
}

function timeOf(row: HistoryRow): GoTime {
  return (row.created !== undefined ? parseGoTime(row.created) : undefined) ?? GO_ZERO_TIME;
}

/** `podman history --format json`: compact json.Encoder (HTML escaped) with a newline; "[]" when empty. */
export function formatHistoryJson(rows: HistoryRow[]): string {
  if (rows.length === 0) return '[]\n';
  const values: GoJsonValue[] = rows.map((r) => ({
    id: r.id,
    created: formatRFC3339Nano(timeOf(r)),
    CreatedBy: r.createdBy || undefined,
    size: r.size,
    comment: r.comment || undefined,
    Created: formatRFC3339(timeOf(r)),
  }));
  return goMarshal(values, { escapeHTML: true }) + '\n';
}

export interface HistoryTableOptions {
  noTrunc?: boolean;
  /** Relative CREATED column (podman's default -H=true). */
  human?: boolean;
  now?: number;
}

/** Go slices CREATED BY by bytes: over 45 bytes, the first 42 and "...". */
function truncateBytes(s: string, noTrunc?: boolean): string {
  const b = Buffer.from(s, 'utf8');
  return !noTrunc && b.length > 45 ? b.subarray(0, 42).toString('utf8') + '...' : s;
}

export function formatHistoryTable(rows: HistoryRow[], opts: HistoryTableOptions = {}): string {
  const now = opts.now ?? Date.now() / 1000;
  const human = opts.human ?? true;
  const lines: string[][] = [['ID', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT']];
  for (const r of rows) {
    const t = timeOf(r);
    const created = human
      ? humanDuration(Math.min(MAX_GO_DURATION_SECONDS, now - (t.unix + t.nanos / 1e9))) + ' ago'
      : formatRFC3339(t);
    const createdBy = truncateBytes(r.createdBy, opts.noTrunc);
    const id = !opts.noTrunc && r.id.length >= 12 ? r.id.slice(0, 12) : r.id;
    lines.push([id, created, createdBy, podmanTableSize(r.size), r.comment]);
  }
  return tabwrite(lines);
}
