/*
 * containers/storage's DeleteImage on an open write transaction (layers, images and containers
 * locked): drop the image record and its big data, then the image's private layer chain — from
 * the top layer down to the first layer another image, a container or a surviving child layer
 * still needs. Layers are deleted with c/storage's crash protocol: all of them are first flagged
 * "incomplete" in one save (so any podman finishes the job if we die), their files are moved to
 * a staging area (deleted after the locks are released), then the records go. Never collects
 * other orphan layers: pulls create layers before their image record.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError } from '../errors';
import type { ContainerRecord, LayerFileKind, LayerRecord } from '../records';
import type { WriteTransaction } from './transaction';
import type { DeletionStage } from './staging';
import { LAYER_FIELD_ORDER, setField } from './record-fields';

const INCOMPLETE_FLAG = 'incomplete';

export interface DeletedImage {
  id: string;
  /** Layer IDs removed, in deletion order. */
  layers: string[];
}

function containerName(c: ContainerRecord): string {
  return c.names?.[0] ?? c.id.slice(0, 12);
}

/** Containers using image `id`, as c/storage checks (containers.json + volatile-containers.json). */
export function containersUsing(tx: WriteTransaction, id: string): ContainerRecord[] {
  return tx.containers.filter((c) => c.image === id);
}

export function inUseError(id: string, users: ContainerRecord[]): StoreError {
  const names = users.map(containerName);
  const list = users.map((c) => `${containerName(c)} (${c.id.slice(0, 12)})`).join(', ');
  return new StoreError(
    'ImageInUse',
    `Image ${id.slice(0, 12)} is in use by ${users.length === 1 ? 'container' : 'containers'} ${list}. ` +
      `Strata does not delete containers (podman keeps their state in its own database): remove ${users.length === 1 ? 'it' : 'them'} first with "podman rm ${names.join(' ')}".`,
    { imageId: id, containers: users.map((c) => ({ id: c.id, names: c.names ?? [] })) },
  );
}

function allLayers(tx: WriteTransaction): LayerRecord[] {
  return [...tx.layerFiles.values()].flat();
}

/** The layers DeleteImage would remove (c/storage store.go DeleteImage with commit=false). */
export function planLayerRemoval(tx: WriteTransaction, id: string): string[] {
  const image = tx.images.find((i) => i.id === id);
  if (!image) return [];
  const layers = allLayers(tx);
  const byId = new Map(layers.map((l) => [l.id, l] as const));
  const childrenByParent = new Map<string, string[]>();
  for (const l of layers) {
    const p = l.parent ?? '';
    childrenByParent.set(p, [...(childrenByParent.get(p) ?? []), l.id]);
  }
  const otherTops = new Set<string>();
  for (const img of tx.images) {
    if (img.id === id) continue;
    if (img.layer) otherTops.add(img.layer);
    for (const m of img['mapped-layers'] ?? []) otherTops.add(m);
  }
  const containerUses = (layerId: string): boolean =>
    tx.containers.some((c) => c.id === layerId || c.layer === layerId || (c.names ?? []).includes(layerId));

  const mapped = image['mapped-layers'] ?? [];
  const toRemove = [...mapped];
  const slated = new Set(mapped);
  let layer = image.layer ?? '';
  while (layer !== '') {
    if (containerUses(layer) || otherTops.has(layer)) break;
    const check = layer === image.layer ? [layer, ...mapped] : [layer];
    const hasOtherChild = check.some((l) => (childrenByParent.get(l) ?? []).some((child) => !slated.has(child)));
    if (hasOtherChild) break;
    toRemove.push(layer);
    slated.add(layer);
    layer = byId.get(layer)?.parent ?? '';
  }
  return toRemove;
}

/** Refuses, before anything changes, a removal that would pull a mounted layer from under a user. */
export function assertNotMounted(tx: WriteTransaction, imageId: string, layerIds: string[]): void {
  const mounted = layerIds.filter((l) => tx.mounts.some((m) => m.id === l && (m.count ?? 0) > 0));
  if (mounted.length > 0) {
    throw new StoreError(
      'ImageInUse',
      `Image ${imageId.slice(0, 12)} has mounted layers (${mounted.map((l) => l.slice(0, 12)).join(', ')}); ` +
        `unmount them first ("podman image unmount ${imageId.slice(0, 12)}" or stop the container using them)`,
      { imageId, layers: mounted },
    );
  }
}

/** DeleteImage(id, commit=true) on the transaction; the caller checked containers and mounts. */
export function deleteImage(tx: WriteTransaction, stage: DeletionStage, id: string): DeletedImage {
  const toRemove = planLayerRemoval(tx, id);
  const at = tx.images.findIndex((i) => i.id === id);
  if (at < 0) throw new StoreError('ImageNotKnown', `${id}: image not known`, { imageId: id });
  tx.images.splice(at, 1);
  tx.saveImages();
  stage.stage(path.join(tx.store.primary.imagesDir, id));
  deleteLayers(tx, stage, toRemove);
  return { id, layers: toRemove };
}

/**
 * Deletes layer records and their files with the incomplete-flag protocol (c/storage layers.go
 * Delete, all markers in one save as the spec's tighter variant).
 */
export function deleteLayers(tx: WriteTransaction, stage: DeletionStage, ids: string[]): void {
  if (ids.length === 0) return;
  const touched = new Set<LayerFileKind>();
  const records: LayerRecord[] = [];
  for (const id of ids) {
    const kind = tx.layerFileOf(id);
    const rec = kind && tx.layerFiles.get(kind)?.find((l) => l.id === id);
    if (!kind || !rec) continue;
    const flags: Record<string, unknown> = { ...(rec.flags ?? {}), [INCOMPLETE_FLAG]: true };
    // Go writes map keys sorted.
    const sorted = Object.fromEntries(Object.keys(flags).sort().map((k) => [k, flags[k]]));
    setField(rec, 'flags', sorted, LAYER_FIELD_ORDER);
    touched.add(kind);
    records.push(rec);
  }
  tx.saveLayers(touched);
  for (const rec of records) removeLayerFiles(tx, stage, rec.id);
  for (const kind of touched) {
    const list = tx.layerFiles.get(kind)!;
    tx.layerFiles.set(kind, list.filter((l) => !records.includes(l)));
  }
  tx.saveLayers(touched);
}

/** The driver's files of a layer, then its tar-split and layer big data (c/storage order). */
function removeLayerFiles(tx: WriteTransaction, stage: DeletionStage, id: string): void {
  const store = tx.store;
  const home = path.join(store.graphRoot, store.driver);
  if (store.driver === 'overlay') {
    const dir = path.join(home, id);
    let link: string | undefined;
    try {
      link = fs.readFileSync(path.join(dir, 'link'), 'utf8');
    } catch {
      link = undefined;
    }
    // The l/ symlink goes first: after a crash podman's Remove still finds the link file.
    if (link && /^[A-Za-z0-9]+$/.test(link)) fs.rmSync(path.join(home, 'l', link), { force: true });
    stage.stage(dir);
  } else if (store.driver === 'vfs') {
    stage.stage(path.join(home, 'dir', id));
  } else {
    throw new StoreError('UnsupportedDriver', `Deleting layers of the "${store.driver}" driver is not supported`, { driver: store.driver });
  }
  stage.stage(path.join(store.primary.layersDir, `${id}.tar-split.gz`));
  stage.stage(path.join(store.primary.layersDir, id));
}

/**
 * What c/storage does on every load of a writable layer store: finish deleting layers a crashed
 * process flagged incomplete. Only safe under layers.lock (layer creation holds it throughout).
 */
export function recoverIncompleteLayers(tx: WriteTransaction, stage: DeletionStage): string[] {
  const ids = allLayers(tx)
    .filter((l) => l.flags?.[INCOMPLETE_FLAG] === true)
    .map((l) => l.id);
  if (ids.length === 0) return [];
  for (const id of ids) removeLayerFiles(tx, stage, id);
  const touched = new Set<LayerFileKind>();
  for (const [kind, list] of tx.layerFiles) {
    const kept = list.filter((l) => !ids.includes(l.id));
    if (kept.length !== list.length) {
      tx.layerFiles.set(kind, kept);
      touched.add(kind);
    }
  }
  tx.saveLayers(touched);
  return ids;
}
