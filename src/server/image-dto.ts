/*
 * Store snapshot → protocol DTOs (src/shared/model.ts). Pure over a StoreSnapshot plus a config
 * reader, so the whole mapping is unit-tested on synthesised stores. Never writes, never throws for
 * one bad image: an image whose config cannot be read is still listed, with what the store knows.
 */
import type { ImageEntry, LayerEntry, StoreSnapshot } from '../store/snapshot';
import type { ContainerSummary, ImageDetails, ImageRef, ImageSummary, LayerSummary, RemovalPlan } from '../shared/model';

/** The parts of an OCI/Docker image config the tree shows. */
export interface ImageConfigFacts {
  labels: Record<string, string>;
}

export type ConfigReader = (image: ImageEntry) => ImageConfigFacts | undefined;

/** Parses the labels out of a config blob; undefined when it is not a JSON object. */
export function configFacts(raw: Buffer | string): ImageConfigFacts | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const config = (doc as { config?: { Labels?: unknown } }).config;
  const labels: Record<string, string> = {};
  if (config && typeof config.Labels === 'object' && config.Labels !== null) {
    for (const [k, v] of Object.entries(config.Labels as Record<string, unknown>)) {
      if (typeof v === 'string') labels[k] = v;
    }
  }
  return { labels };
}

/**
 * Relations between images by layer: the images whose layer chain passes through another image's
 * top layer (below their own top) are built on it. Computed once per snapshot.
 */
export class ImageRelations {
  /** image ID → images built on it (direct descendants: no other image's top layer in between). */
  private readonly childrenOf = new Map<string, ImageEntry[]>();
  /** layer ID → images whose chain contains it (shared-by). */
  readonly imagesUsingLayer = new Map<string, ImageEntry[]>();
  /** image ID → nearest ancestor image by layers. */
  readonly parentOf = new Map<string, ImageEntry>();

  constructor(readonly snapshot: StoreSnapshot) {
    for (const img of snapshot.images) {
      const chain = snapshot.layerChain(img);
      for (const layer of chain) {
        let list = this.imagesUsingLayer.get(layer.record.id);
        if (!list) this.imagesUsingLayer.set(layer.record.id, (list = []));
        list.push(img);
      }
      // The nearest layer below the top that is some other image's top layer names the parent.
      for (const layer of chain.slice(1)) {
        const owners = snapshot.imagesByTopLayer.get(layer.record.id)?.filter((o) => o.record.id !== img.record.id);
        if (owners && owners.length > 0) {
          const parent = owners[0]!;
          this.parentOf.set(img.record.id, parent);
          for (const o of owners) {
            let kids = this.childrenOf.get(o.record.id);
            if (!kids) this.childrenOf.set(o.record.id, (kids = []));
            kids.push(img);
          }
          break;
        }
      }
    }
  }

  children(image: ImageEntry): ImageEntry[] {
    return this.childrenOf.get(image.record.id) ?? [];
  }
}

export function imageRef(image: ImageEntry): ImageRef {
  return { id: image.record.id, names: [...(image.record.names ?? [])] };
}

export function summarizeImage(snapshot: StoreSnapshot, relations: ImageRelations, image: ImageEntry, facts: ImageConfigFacts | undefined): ImageSummary {
  const names = image.record.names ?? [];
  const hasChildren = relations.children(image).length > 0;
  return {
    id: image.record.id,
    names: [...names],
    digest: image.record.digest ?? '',
    size: snapshot.imageSize(image) ?? -1,
    created: image.record.created ?? '',
    topLayer: image.record.layer ?? '',
    parentId: relations.parentOf.get(image.record.id)?.record.id ?? '',
    dangling: names.length === 0 && !hasChildren,
    intermediate: names.length === 0 && hasChildren,
    readOnly: image.readOnly,
    containers: snapshot.containersByImage.get(image.record.id)?.length ?? 0,
    labels: facts?.labels ?? {},
  };
}

export function summarizeImages(snapshot: StoreSnapshot, readConfig: ConfigReader): ImageSummary[] {
  const relations = new ImageRelations(snapshot);
  return snapshot.images.map((img) => summarizeImage(snapshot, relations, img, readConfig(img)));
}

function layerSummary(layer: LayerEntry, self: ImageEntry, snapshot: StoreSnapshot, relations: ImageRelations): LayerSummary {
  const id = layer.record.id;
  return {
    id,
    size: layer.record['diff-size'] ?? -1,
    created: layer.record.created ?? '',
    diffDigest: layer.record['diff-digest'] ?? '',
    compressedDigest: layer.record['compressed-diff-digest'] ?? '',
    sharedBy: (relations.imagesUsingLayer.get(id) ?? []).filter((i) => i.record.id !== self.record.id).map(imageRef),
    topOf: (snapshot.imagesByTopLayer.get(id) ?? []).map(imageRef),
  };
}

export function imageDetails(snapshot: StoreSnapshot, image: ImageEntry, facts: ImageConfigFacts | undefined): ImageDetails {
  const relations = new ImageRelations(snapshot);
  const containers: ContainerSummary[] = (snapshot.containersByImage.get(image.record.id) ?? []).map((c) => ({
    id: c.id,
    names: [...(c.names ?? [])],
    created: c.created ?? '',
  }));
  return {
    image: summarizeImage(snapshot, relations, image, facts),
    layers: snapshot.layerChain(image).map((l) => layerSummary(l, image, snapshot, relations)),
    children: relations.children(image).map(imageRef),
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
