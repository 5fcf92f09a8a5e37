/*
 * Store library results → protocol DTOs (src/shared/model.ts), plus the layer-only relations the
 * tree needs (who shares a layer, what is built on an image, what a removal deletes). Pure over a
 * StoreSnapshot, so the mapping is unit-tested on synthesised stores. Never writes.
 */
import type { ImageEntry, LayerEntry, StoreSnapshot } from '../store/snapshot';
import type { ImageSummary as LibImageSummary } from '../store/images-list';
import type { ContainerSummary, ImageDetails, ImageRef, ImageSummary, LayerSummary, RemovalPlan } from '../shared/model';

/** The library's `podman images` summary as the protocol DTO. */
export function toImageSummary(s: LibImageSummary): ImageSummary {
  return {
    id: s.id,
    names: [...s.names],
    digest: s.digest,
    size: s.size,
    created: s.createdTime ?? '',
    topLayer: s.topLayer ?? '',
    parentId: s.parentId,
    dangling: s.dangling,
    intermediate: s.intermediate,
    readOnly: s.readOnly,
    containers: s.containers,
    labels: { ...(s.labels ?? {}) },
    problems: [...s.problems],
  };
}

/**
 * Which images use each layer, and which images sit on top of an image's top layer
 * (`podman image tree --whatrequires`). By layers only; computed once per snapshot.
 */
export class LayerIndex {
  /** layer ID → images whose chain contains it, in store order. */
  readonly imagesUsingLayer = new Map<string, ImageEntry[]>();

  constructor(readonly snapshot: StoreSnapshot) {
    for (const img of snapshot.images) {
      for (const layer of snapshot.layerChain(img)) {
        let list = this.imagesUsingLayer.get(layer.record.id);
        if (!list) this.imagesUsingLayer.set(layer.record.id, (list = []));
        list.push(img);
      }
    }
  }

  /** Images whose top layer descends from `image`'s top layer (not sharing it), nearest first. */
  builtOn(image: ImageEntry): ImageEntry[] {
    const top = image.record.layer;
    if (!top) return [];
    const out: ImageEntry[] = [];
    const queue = [...(this.snapshot.childrenOf.get(top) ?? [])];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const layer = queue.shift()!;
      if (seen.has(layer.record.id)) continue;
      seen.add(layer.record.id);
      for (const img of this.snapshot.imagesByTopLayer.get(layer.record.id) ?? []) if (img.record.layer === layer.record.id) out.push(img);
      queue.push(...(this.snapshot.childrenOf.get(layer.record.id) ?? []));
    }
    return out;
  }
}

const indexBySnapshot = new WeakMap<StoreSnapshot, LayerIndex>();

export function layerIndexOf(snapshot: StoreSnapshot): LayerIndex {
  let idx = indexBySnapshot.get(snapshot);
  if (!idx) indexBySnapshot.set(snapshot, (idx = new LayerIndex(snapshot)));
  return idx;
}

export function imageRef(image: ImageEntry): ImageRef {
  return { id: image.record.id, names: [...(image.record.names ?? [])] };
}

function layerSummary(layer: LayerEntry, self: ImageEntry, snapshot: StoreSnapshot, index: LayerIndex): LayerSummary {
  const id = layer.record.id;
  return {
    id,
    size: layer.record['diff-size'] ?? -1,
    created: layer.record.created ?? '',
    diffDigest: layer.record['diff-digest'] ?? '',
    compressedDigest: layer.record['compressed-diff-digest'] ?? '',
    sharedBy: (index.imagesUsingLayer.get(id) ?? []).filter((i) => i.record.id !== self.record.id).map(imageRef),
    topOf: (snapshot.imagesByTopLayer.get(id) ?? []).map(imageRef),
  };
}

/** What the tree shows under an image, from the library's summary and the layer records. */
export function imageDetails(snapshot: StoreSnapshot, image: ImageEntry, summary: ImageSummary): ImageDetails {
  const index = layerIndexOf(snapshot);
  const containers: ContainerSummary[] = (snapshot.containersByImage.get(image.record.id) ?? []).map((c) => ({
    id: c.id,
    names: [...(c.names ?? [])],
    created: c.created ?? '',
  }));
  return {
    image: summary,
    layers: snapshot.layerChain(image).map((l) => layerSummary(l, image, snapshot, index)),
    children: index.builtOn(image).map(imageRef),
    containers,
  };
}

/**
 * What removing `images` deletes: each image's layers from the top down, stopping at the first
 * layer another remaining image or a container still builds on. Images used by a container or in
 * a read-only store are blocked (podman refuses them without --force, and so do we).
 */
export function planRemoval(snapshot: StoreSnapshot, images: ImageEntry[]): RemovalPlan {
  const blocked: RemovalPlan['blocked'] = [];
  const going: ImageEntry[] = [];
  for (const img of images) {
    const users = snapshot.containersByImage.get(img.record.id) ?? [];
    if (img.readOnly) {
      blocked.push({ image: imageRef(img), code: 'ReadOnlyStore', message: `${label(img)} is in a read-only image store` });
    } else if (users.length > 0) {
      blocked.push({
        image: imageRef(img),
        code: 'ImageInUse',
        message: `${label(img)} is used by ${users.length === 1 ? 'container' : 'containers'} ${users.map((c) => (c.names ?? [])[0] ?? c.id.slice(0, 12)).join(', ')}`,
      });
    } else {
      going.push(img);
    }
  }
  const goingIds = new Set(going.map((i) => i.record.id));
  // Layers still needed: every layer in the chain of an image that stays or under a container layer.
  const needed = new Set<string>();
  for (const img of snapshot.images) {
    if (goingIds.has(img.record.id)) continue;
    for (const l of snapshot.layerChain(img)) needed.add(l.record.id);
  }
  for (const c of snapshot.containers) {
    let id: string | undefined = snapshot.layerById.get(c.layer)?.record.parent;
    while (id && !needed.has(id)) {
      needed.add(id);
      id = snapshot.layerById.get(id)?.record.parent;
    }
  }
  const deleted = new Map<string, number>();
  for (const img of going) {
    for (const l of snapshot.layerChain(img)) {
      if (needed.has(l.record.id) || l.readOnly) break;
      deleted.set(l.record.id, l.record['diff-size'] ?? 0);
    }
  }
  let bytes = 0;
  for (const size of deleted.values()) bytes += size;
  return { images: going.map(imageRef), layers: deleted.size, bytes, blocked };
}

function label(img: ImageEntry): string {
  return (img.record.names ?? [])[0] ?? img.record.id.slice(0, 12);
}
