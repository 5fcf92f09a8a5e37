/*
 * Parent/child relations between images, as libimage's layer tree defines them (podman 4.3):
 * two images are parent and child when the parent's diff IDs prefix the child's and the child's
 * history is the parent's plus exactly one entry. Drives inspect's Parent, images' ParentId,
 * dangling (untagged, no children) and intermediate (untagged, with children).
 * An image whose config cannot be read has no relations (podman would fail the whole listing).
 */
import type { ImageDetailsCache, ImageConfigView } from './image-details';
import { areParentAndChild } from './config-facts';
import type { ImageEntry, StoreSnapshot } from './snapshot';
import type { Store } from './store';

export class ImageRelations {
  private readonly emptyImages: ImageEntry[];
  private readonly parentCache = new Map<string, ImageEntry | null>();
  private readonly childCache = new Map<string, ImageEntry[]>();

  constructor(
    readonly snapshot: StoreSnapshot,
    private readonly details: ImageDetailsCache,
  ) {
    this.emptyImages = snapshot.images.filter((i) => !i.record.layer);
  }

  /** The image's config view when it has a config that can take part in relations. */
  private withConfig(image: ImageEntry): ImageConfigView | undefined {
    const v = this.details.configView(image);
    return v instanceof Error || v.isManifestList ? undefined : v;
  }

  /** From the listing cache when it knows the pair; otherwise the two configs are compared. */
  private related(parent: ImageEntry, parentView: ImageConfigView, child: ImageEntry, childView: ImageConfigView): boolean {
    const { digest: pd } = parentView;
    const { digest: cd } = childView;
    const known = pd && cd ? this.details.facts.verdict(pd, cd) : undefined;
    if (known !== undefined) return known;
    const p = this.details.config(parent);
    const c = this.details.config(child);
    if (p instanceof Error || c instanceof Error || p === undefined || c === undefined) return false;
    const isParent = areParentAndChild(p, c);
    if (pd && cd) this.details.facts.setVerdict(pd, cd, isParent);
    return isParent;
  }

  private isManifestList(image: ImageEntry): boolean {
    const d = this.details.configView(image);
    return !(d instanceof Error) && d.isManifestList;
  }

  /** Images whose top layer is `layerId`, in store order (libimage layerNode.images). */
  private imagesAt(layerId: string): ImageEntry[] {
    return (this.snapshot.imagesByTopLayer.get(layerId) ?? []).filter((i) => i.record.layer === layerId);
  }

  parent(child: ImageEntry): ImageEntry | undefined {
    const cached = this.parentCache.get(child.record.id);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.findParent(child);
    this.parentCache.set(child.record.id, found ?? null);
    return found;
  }

  private findParent(child: ImageEntry): ImageEntry | undefined {
    if (!child.record.layer && this.isManifestList(child)) return undefined;
    const childView = this.withConfig(child);
    if (!childView) return undefined;
    let candidates: ImageEntry[];
    if (!child.record.layer) {
      candidates = this.emptyImages.filter((e) => !this.isManifestList(e));
    } else {
      const layer = this.snapshot.layerById.get(child.record.layer);
      if (!layer) return undefined;
      candidates = [...this.imagesAt(layer.record.id)];
      // libimage's node.parent exists whenever the layer names a parent, recorded or not.
      if (layer.record.parent) candidates.push(...this.imagesAt(layer.record.parent));
    }
    for (const p of candidates) {
      if (p.record.id === child.record.id) continue;
      const pv = this.withConfig(p);
      if (pv && this.related(p, pv, child, childView)) return p;
    }
    return undefined;
  }

  /** Child images; with all=false at most the first one found (enough for dangling checks). */
  children(parent: ImageEntry, all = true): ImageEntry[] {
    const key = `${parent.record.id}:${all}`;
    const cached = this.childCache.get(key);
    if (cached) return cached;
    const found = this.findChildren(parent, all);
    this.childCache.set(key, found);
    return found;
  }

  private findChildren(parent: ImageEntry, all: boolean): ImageEntry[] {
    if (!parent.record.layer && this.isManifestList(parent)) return [];
    const parentView = this.withConfig(parent);
    if (!parentView) return [];
    const isChild = (c: ImageEntry): boolean => {
      if (c.record.id === parent.record.id) return false;
      const cv = this.withConfig(c);
      return cv !== undefined && this.related(parent, parentView, c, cv);
    };
    const out: ImageEntry[] = [];
    if (!parent.record.layer) {
      for (const e of this.emptyImages) {
        if (this.isManifestList(e)) continue;
        if (isChild(e)) {
          out.push(e);
          if (!all) break;
        }
      }
      return out;
    }
    if (!this.snapshot.layerById.has(parent.record.layer)) return out;
    // libimage: child layers first; with all=true it stops after the first node holding a child
    // (a quirk we keep so `Children` lists what podman lists).
    const fromNode = (images: ImageEntry[]): boolean => {
      let found = false;
      for (const c of images) {
        if (isChild(c)) {
          found = true;
          out.push(c);
          if (all) return found;
        }
      }
      return found;
    };
    for (const childLayer of this.snapshot.childrenOf.get(parent.record.layer) ?? []) {
      const found = fromNode(this.imagesAt(childLayer.record.id));
      if (found && all) return out;
    }
    fromNode(this.imagesAt(parent.record.layer));
    return out;
  }

  hasChildren(image: ImageEntry): boolean {
    return this.children(image, false).length > 0;
  }

  isDangling(image: ImageEntry): boolean {
    return (image.record.names ?? []).length === 0 && !this.hasChildren(image);
  }

  isIntermediate(image: ImageEntry): boolean {
    return (image.record.names ?? []).length === 0 && this.hasChildren(image);
  }
}

const relationsBySnapshot = new WeakMap<StoreSnapshot, ImageRelations>();

/** The relations of one snapshot, computed lazily and shared by every caller of that snapshot. */
export function relationsOf(store: Store, snapshot: StoreSnapshot): ImageRelations {
  let rel = relationsBySnapshot.get(snapshot);
  if (!rel) {
    rel = new ImageRelations(snapshot, store.details);
    relationsBySnapshot.set(snapshot, rel);
  }
  return rel;
}
