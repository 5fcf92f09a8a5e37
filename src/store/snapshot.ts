/*
 * An immutable, indexed view of a store's records at one instant: images (primary store first,
 * then additional read-only stores), layers (all layer files, first record of an ID wins, as in
 * c/storage), containers and mounts. Pure: no I/O here, so every relation is unit-testable.
 */
import type { ContainerRecord, ImageRecord, LayerFileKind, LayerRecord, MountPointRecord } from './records';
import type { Store, StoreTree } from './store';

export interface ImageEntry {
  readonly record: ImageRecord;
  /** Lives in an additional (read-only) image store. */
  readonly readOnly: boolean;
  readonly tree: StoreTree;
}

export interface LayerEntry {
  readonly record: LayerRecord;
  readonly readOnly: boolean;
  readonly tree: StoreTree;
  /** The JSON file the record came from; a writer puts it back there. */
  readonly file: LayerFileKind;
}

/** A problem found while indexing: the entry is still listed, flagged, never silently dropped. */
export interface StoreProblem {
  kind: 'MissingLayer' | 'DuplicateName';
  message: string;
  imageId?: string;
  layerId?: string;
}

export class StoreSnapshot {
  readonly imageById = new Map<string, ImageEntry>();
  readonly layerById = new Map<string, LayerEntry>();
  /** Children of each layer, in layer-file order (the order podman's tree uses). */
  readonly childrenOf = new Map<string, LayerEntry[]>();
  /** Images whose top layer (or a mapped top layer) is the key, in store order. */
  readonly imagesByTopLayer = new Map<string, ImageEntry[]>();
  readonly containersByImage = new Map<string, ContainerRecord[]>();
  readonly containersByLayer = new Map<string, ContainerRecord>();
  readonly problems: StoreProblem[] = [];
  /** Image entries without duplicates of an ID (primary store wins), in store order. */
  readonly images: ImageEntry[] = [];
  readonly layers: LayerEntry[] = [];
  /**
   * Every image record in store order, an ID repeated in a later (additional) store included:
   * what c/storage's per-store lookups and store.Images() see (used by name resolution).
   */
  readonly allImages: readonly ImageEntry[];

  constructor(
    readonly store: Store,
    images: ImageEntry[],
    layers: LayerEntry[],
    readonly containers: ContainerRecord[],
    readonly mounts: MountPointRecord[],
  ) {
    this.allImages = images;
    for (const l of layers) {
      if (this.layerById.has(l.record.id)) continue;
      this.layerById.set(l.record.id, l);
      this.layers.push(l);
    }
    for (const l of this.layers) {
      const parent = l.record.parent;
      if (!parent) continue;
      let kids = this.childrenOf.get(parent);
      if (!kids) this.childrenOf.set(parent, (kids = []));
      kids.push(l);
    }
    for (const img of images) {
      if (this.imageById.has(img.record.id)) continue;
      this.imageById.set(img.record.id, img);
      this.images.push(img);
      for (const top of [img.record.layer, ...(img.record['mapped-layers'] ?? [])]) {
        if (!top) continue;
        let list = this.imagesByTopLayer.get(top);
        if (!list) this.imagesByTopLayer.set(top, (list = []));
        list.push(img);
      }
      if (img.record.layer && !this.layerById.has(img.record.layer)) {
        this.problems.push({
          kind: 'MissingLayer',
          message: `Image ${img.record.id.slice(0, 12)} refers to layer ${img.record.layer.slice(0, 12)}, which is not in the store`,
          imageId: img.record.id,
          layerId: img.record.layer,
        });
      }
    }
    for (const c of containers) {
      if (c.image) {
        let list = this.containersByImage.get(c.image);
        if (!list) this.containersByImage.set(c.image, (list = []));
        list.push(c);
      }
      if (c.layer) this.containersByLayer.set(c.layer, c);
    }
  }

  /** The image's layers from the top layer down to the base; stops at a missing layer. */
  layerChain(image: ImageEntry): LayerEntry[] {
    const chain: LayerEntry[] = [];
    const seen = new Set<string>();
    let id = image.record.layer;
    while (id && !seen.has(id)) {
      seen.add(id);
      const layer = this.layerById.get(id);
      if (!layer) break;
      chain.push(layer);
      id = layer.record.parent;
    }
    return chain;
  }

  /** True when an image's layer chain reaches a layer the store does not record. */
  hasMissingLayer(image: ImageEntry): boolean {
    const chain = this.layerChain(image);
    const last = chain[chain.length - 1];
    if (!image.record.layer) return false;
    return chain.length === 0 || Boolean(last?.record.parent && !this.layerById.has(last.record.parent));
  }

  /**
   * c/storage's ImageSize: the uncompressed size of every distinct layer reachable from the top
   * layer(s), plus the size of every big-data item (so the manifest is counted twice).
   * Returns undefined when a layer is missing (podman then reports an error for the image).
   */
  imageSize(image: ImageEntry): number | undefined {
    const mapped = image.record['mapped-layers'] ?? [];
    let size = mapped.length === 0 ? this.chainSize(image.record.layer) : this.layersSize([image.record.layer, ...mapped]);
    if (size === undefined) return undefined;
    const sizes = image.record['big-data-sizes'] ?? {};
    for (const name of image.record['big-data-names'] ?? []) size += sizes[name] ?? 0;
    return size;
  }

  /** Sizes of the chains below each layer, shared by the images built on them (null: a layer is missing). */
  private readonly chainSizes = new Map<string, number | null>();

  /** Uncompressed size of a layer and everything below it, memoised per layer. */
  private chainSize(top: string | undefined): number | undefined {
    if (!top) return 0;
    const known = this.chainSizes.get(top);
    if (known !== undefined) return known ?? undefined;
    const path: string[] = [];
    const onPath = new Set<string>();
    let below: number | null = 0;
    for (let id: string | undefined = top; id; ) {
      const memo = this.chainSizes.get(id);
      if (memo !== undefined) {
        below = memo;
        break;
      }
      // A parent loop is corrupt metadata; the walk that visits each layer once decides.
      if (onPath.has(id)) return this.layersSize([top]);
      const layer = this.layerById.get(id);
      if (!layer) {
        below = null;
        break;
      }
      path.push(id);
      onPath.add(id);
      id = layer.record.parent;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const id = path[i]!;
      below = below === null ? null : below + (this.layerById.get(id)!.record['diff-size'] ?? 0);
      this.chainSizes.set(id, below);
    }
    return below ?? undefined;
  }

  /** c/storage's walk: every distinct layer reachable from the given tops, each counted once. */
  private layersSize(tops: Array<string | undefined>): number | undefined {
    let size = 0;
    const queue = tops.filter((x): x is string => Boolean(x));
    const visited = new Set<string>();
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (visited.has(id)) continue;
      visited.add(id);
      const layer = this.layerById.get(id);
      if (!layer) return undefined;
      size += layer.record['diff-size'] ?? 0;
      if (layer.record.parent) queue.push(layer.record.parent);
    }
    return size;
  }

  /** Whether a layer is mounted somewhere (podman mount, image mount, running container). */
  isMounted(layerId: string): boolean {
    return this.mounts.some((m) => m.id === layerId && (m.count ?? 0) > 0);
  }
}
