/*
 * Parent and child images as libimage (containers/common layer_tree.go, oci.go) decides them:
 * an image B is a child of A when B's top layer is A's top layer or a child layer of it, B's
 * config shares all of A's diff IDs, and B's history is A's plus exactly one entry. podman rmi
 * uses this to report "Deleted" only for images without children and to prune dangling parents.
 * Reads image manifests and configs; callers hold images.lock.
 */
import type { ImageEntry } from '../snapshot';
import type { StoreSnapshot } from '../snapshot';

interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

interface OciView {
  diffIds: string[];
  history: HistoryEntry[];
}

const MANIFEST_LIST_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
]);

/** The libimage layer tree over one snapshot, with a per-instance config cache. */
export class Lineage {
  private readonly configs = new Map<string, OciView | null>();

  constructor(private readonly snap: StoreSnapshot) {}

  private manifest(image: ImageEntry): Record<string, unknown> | undefined {
    try {
      const raw = this.snap.store.readImageBigDataUnlocked(image, 'manifest');
      const m = JSON.parse(raw.toString('utf8')) as unknown;
      return typeof m === 'object' && m !== null ? (m as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  isManifestList(image: ImageEntry): boolean {
    const m = this.manifest(image);
    if (!m) return false;
    if (typeof m.mediaType === 'string' && MANIFEST_LIST_TYPES.has(m.mediaType)) return true;
    // An OCI index may omit mediaType; it has "manifests" and no "config".
    return Array.isArray(m.manifests) && m.config === undefined;
  }

  /** diff IDs and history of the image config, or null when it cannot be read (libimage warns). */
  private oci(image: ImageEntry): OciView | null {
    const id = image.record.id;
    const cached = this.configs.get(id);
    if (cached !== undefined) return cached;
    let view: OciView | null = null;
    try {
      const m = this.manifest(image);
      const config = m?.config as { digest?: unknown } | undefined;
      if (typeof config?.digest === 'string') {
        const raw = this.snap.store.readImageBigDataUnlocked(image, config.digest);
        const c = JSON.parse(raw.toString('utf8')) as { rootfs?: { diff_ids?: unknown }; history?: unknown };
        view = {
          diffIds: Array.isArray(c.rootfs?.diff_ids) ? (c.rootfs!.diff_ids as unknown[]).map(String) : [],
          history: Array.isArray(c.history) ? (c.history as HistoryEntry[]) : [],
        };
      }
    } catch {
      view = null;
    }
    this.configs.set(id, view);
    return view;
  }

  private related(parent: ImageEntry, child: ImageEntry): boolean {
    if (parent.record.id === child.record.id) return false;
    const p = this.oci(parent);
    const c = this.oci(child);
    return p !== null && c !== null && areParentAndChild(p, c);
  }

  private emptyImages(): ImageEntry[] {
    return this.snap.images.filter((i) => !i.record.layer);
  }

  /** Images whose top layer is `layerId` (in store order), as libimage's node.images. */
  private imagesOn(layerId: string): ImageEntry[] {
    return this.snap.images.filter((i) => i.record.layer === layerId);
  }

  /** The first child image of `parent`, or undefined (libimage children(all=false)). */
  firstChild(parent: ImageEntry): ImageEntry | undefined {
    const top = parent.record.layer;
    if (!top) {
      if (this.isManifestList(parent)) return undefined;
      return this.emptyImages().find((e) => this.related(parent, e));
    }
    if (!this.snap.layerById.has(top)) return undefined;
    for (const childLayer of this.snap.childrenOf.get(top) ?? []) {
      const found = this.imagesOn(childLayer.record.id).find((img) => this.related(parent, img));
      if (found) return found;
    }
    return this.imagesOn(top).find((img) => this.related(parent, img));
  }

  /** libimage's Parent(): an image on the same or the parent layer that the history says is the parent. */
  parent(child: ImageEntry): ImageEntry | undefined {
    const top = child.record.layer;
    if (!top) {
      if (this.isManifestList(child)) return undefined;
      return this.emptyImages().find((e) => e.record.id !== child.record.id && this.related(e, child));
    }
    const layer = this.snap.layerById.get(top);
    if (!layer) return undefined;
    const candidates = [...this.imagesOn(top), ...(layer.record.parent ? this.imagesOn(layer.record.parent) : [])];
    return candidates.find((p) => this.related(p, child));
  }

  /** Untagged and without children (libimage isDangling). */
  isDangling(image: ImageEntry): boolean {
    return (image.record.names ?? []).length === 0 && this.firstChild(image) === undefined;
  }
}

function areParentAndChild(parent: OciView, child: OciView): boolean {
  if (parent.diffIds.length > child.diffIds.length) return false;
  for (let i = 0; i < parent.diffIds.length; i++) if (child.diffIds[i] !== parent.diffIds[i]) return false;
  if (parent.history.length + 1 !== child.history.length) return false;
  return historiesMatch(parent.history, child.history) === parent.history.length;
}

function historiesMatch(a: HistoryEntry[], b: HistoryEntry[]): number {
  let i = 0;
  for (; i < a.length && i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if ((x.created === undefined) !== (y.created === undefined)) return i;
    if (x.created !== undefined && y.created !== undefined && !sameInstant(x.created, y.created)) return i;
    if ((x.created_by ?? '') !== (y.created_by ?? '')) return i;
    if ((x.author ?? '') !== (y.author ?? '')) return i;
    if ((x.comment ?? '') !== (y.comment ?? '')) return i;
    if (Boolean(x.empty_layer) !== Boolean(y.empty_layer)) return i;
  }
  return i;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** Go's time.Equal on two RFC 3339 timestamps (nanosecond precision, any zone). */
export function sameInstant(a: string, b: string): boolean {
  const na = instantNs(a);
  const nb = instantNs(b);
  return na !== undefined && nb !== undefined ? na === nb : a === b;
}

function instantNs(s: string): bigint | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return BigInt(ms) * 1_000_000n + BigInt((frac ?? '').padEnd(9, '0') || '0');
}
