/*
 * `podman rmi` at the storage level: libimage's RemoveImages/removeRecursive policy (containers/
 * common v0.50.1) over c/storage's DeleteImage. Removing by one of several names only untags;
 * removing by ID or digest an image with several names needs --force; an image a container uses
 * is refused (Strata never deletes containers: podman keeps their state in its own database);
 * after a removal, the image's parent is removed too when it is left dangling (no names, no
 * children). Errors for one name do not stop the others, as with podman.
 *
 * All lookups and changes happen in one write transaction (layers → images → containers locks).
 * Layer trees are only renamed into a staging area inside it and deleted after the locks are
 * released, so podman is never blocked behind a slow delete.
 */
import * as path from 'node:path';
import { StoreError, isStoreError } from '../errors';
import type { ImageRecord } from '../records';
import type { ImageEntry, StoreSnapshot } from '../snapshot';
import type { Store } from '../store';
import { resolveEventsConfig, type EventsConfig } from './events-config';
import { recordEvents, goTimeNow, type ImageEvent } from './events';
import { ImageRelations } from '../image-relations';
import { updateImageNames } from './names';
import { lookupImage } from '../lookup';
import { normalizeName } from '../reference';
import { loadRegistriesConfig, type RegistriesConfig } from '../registries';
import { DeletionStage, recoverStaleStages } from './staging';
import { writeTransaction, type WriteOptions, type WriteTransaction } from './transaction';
import { assertNotMounted, containersUsing, deleteImage, inUseError, planLayerRemoval, recoverIncompleteLayers } from './delete-image';

export interface RemoveOptions extends WriteOptions {
  /** podman rmi --force: remove by ID/digest even with several names (containers are still refused). */
  force?: boolean;
  /** podman rmi --ignore: unknown images are not errors. */
  ignore?: boolean;
  /** podman rmi --no-prune: keep dangling parents. */
  noPrune?: boolean;
  events?: EventsConfig | false;
  /** Short-name configuration for lookups; default: the machine's registries.conf. */
  registries?: RegistriesConfig;
}

/** One image's outcome, as libimage's RemoveImageReport. */
export interface RemovedImage {
  id: string;
  /** The record is gone and the image had no children ("Deleted:" in podman's output). */
  removed: boolean;
  untagged: string[];
  /** Layer IDs deleted with it. */
  layers: string[];
  /** c/storage's image size before removal (layers' uncompressed size + big data). */
  size: number;
}

export interface RemoveReport {
  images: RemovedImage[];
  /** Errors per input, in input order; the other inputs were still processed. */
  errors: StoreError[];
  /** Disk space actually released (measured while deleting). */
  freedBytes: number;
  /** Files that could not be deleted (left in a staging area Strata retries later). */
  leftovers: string[];
  /** Layers of earlier crashed removals that were finished on the way. */
  recoveredLayers: string[];
  /** Problems that did not stop the removal (events that could not be logged). */
  warnings: string[];
}

const REMOVE_SCOPE = { layers: true, containers: true };

/** podman's exit code for a set of rmi errors (pkg/domain/infra/abi removeErrorsToExitCode). */
export function removeExitCode(errors: readonly StoreError[]): number {
  if (errors.length === 0) return 0;
  if (errors.some((e) => e.code === 'ImageInUse')) return 2;
  // podman reports an ambiguous ID prefix as "image not known".
  if (errors.every((e) => e.code === 'ImageNotKnown' || e.code === 'AmbiguousImage')) return 1;
  return 125;
}

interface Session {
  tx: WriteTransaction;
  stage: DeletionStage;
  opts: RemoveOptions;
  reports: Map<string, RemovedImage>;
  order: string[];
  events: ImageEvent[];
}

function entryOf(snap: StoreSnapshot, id: string): ImageEntry | undefined {
  return snap.imageById.get(id);
}

function recordOf(s: Session, id: string): ImageRecord | undefined {
  return s.tx.images.find((i) => i.id === id);
}

/** libimage removeRecursive for one image and one way it was named ('' = as a pruned parent). */
function removeRecursive(s: Session, id: string, referencedBy: string): void {
  const snap = s.tx.snapshot();
  const entry = entryOf(snap, id);
  if (!entry) return;
  if (entry.readOnly) {
    throw new StoreError('ReadOnlyStore', `cannot remove read-only image "${id}"`, { imageId: id, path: entry.tree.root });
  }
  const removeEventTime = goTimeNow();
  let report = s.reports.get(id);
  if (report?.removed) return;
  if (!report) {
    report = { id, removed: false, untagged: [], layers: [], size: snap.imageSize(entry) ?? 0 };
    s.reports.set(id, report);
  }
  const record = recordOf(s, id)!;
  const names = record.names ?? [];
  const pending: ImageEvent[] = [];
  let skipRemove = false;
  if (referencedBy !== '' && names.length !== 1) {
    const byId = id.startsWith(referencedBy);
    const byDigest = referencedBy.startsWith('sha256:');
    if (!s.opts.force && names.length > 1 && (byId || byDigest)) {
      throw new StoreError(
        'InvalidArgument',
        `unable to delete image "${id}" by ${byId ? 'ID' : 'digest'} with more than one tag ([${names.join(' ')}]): please force removal`,
        { imageId: id, names },
      );
    }
    if (!byId && !byDigest) {
      const name = normalizeName(referencedBy).toString();
      if (!names.includes(name)) throw new StoreError('ImageNotKnown', `${name}: tag not known`, { name, imageId: id });
      updateImageNames(s.tx.images, record, names.filter((n) => n !== name), 'set');
      s.tx.saveImages();
      pending.push({ status: 'untag', id, name, time: goTimeNow() });
      report.untagged.push(referencedBy);
      skipRemove = (record.names ?? []).length > 0;
    }
  }
  if (!s.order.includes(id)) s.order.push(id);
  if (skipRemove) {
    s.events.push(...pending, { status: 'remove', id, name: referencedBy || undefined, time: removeEventTime });
    return;
  }

  const users = containersUsing(s.tx, id);
  if (users.length > 0) throw inUseError(id, users);
  assertNotMounted(s.tx, id, planLayerRemoval(s.tx, id));

  const snapNow = s.tx.snapshot();
  const relations = new ImageRelations(snapNow, s.tx.store.details);
  const current = entryOf(snapNow, id)!;
  const hasChildren = relations.hasChildren(current);
  const parentId = relations.parent(current)?.record.id;

  const namesNow = [...(record.names ?? [])];
  const deleted = deleteImage(s.tx, s.stage, id);
  report.layers.push(...deleted.layers);
  report.untagged.push(...namesNow);
  for (const n of namesNow) pending.push({ status: 'untag', id, name: n, time: goTimeNow() });
  if (!hasChildren) report.removed = true;
  s.events.push(...pending);

  if (!s.opts.noPrune && parentId) {
    const after = s.tx.snapshot();
    const parent = entryOf(after, parentId);
    if (parent && !parent.readOnly && new ImageRelations(after, s.tx.store.details).isDangling(parent)) {
      try {
        removeRecursive(s, parentId, '');
      } catch (e) {
        // libimage reports a failed parent removal as an error of this removal.
        s.events.push({ status: 'remove', id, name: referencedBy || undefined, time: removeEventTime });
        throw e;
      }
    }
  }
  s.events.push({ status: 'remove', id, name: referencedBy || undefined, time: removeEventTime });
}

/** Removes images like `podman rmi [--force] NAME...`. */
export async function removeImages(store: Store, inputs: readonly string[], opts: RemoveOptions = {}): Promise<RemoveReport> {
  if (inputs.length === 0) throw new StoreError('InvalidArgument', 'image name or ID must be specified');
  store.assertContentDriver('Removing images');
  const events = opts.events ?? resolveEventsConfig();
  const registries = opts.registries ?? loadRegistriesConfig();
  const stageRoot = path.join(store.primary.layersDir, 'tmp');
  const errors: StoreError[] = [];
  let stage: DeletionStage | undefined;
  const session = await writeTransaction(
    store,
    REMOVE_SCOPE,
    (tx) => {
      stage = DeletionStage.create(stageRoot);
      const s: Session = { tx, stage, opts, reports: new Map(), order: [], events: [] };
      const recoveredLayers = recoverIncompleteLayers(tx, stage);

      // Resolve every input first (libimage looks all of them up before removing any).
      const toDelete: string[] = [];
      const refs = new Map<string, string[]>();
      for (const input of inputs) {
        try {
          // libimage RemoveImages: a manifest list resolves to its instance when present, else itself.
          const { image, resolvedName } = lookupImage(tx.snapshot(), input, { registries, manifestListIfNoInstance: true });
          if (!refs.has(image.record.id)) {
            toDelete.push(image.record.id);
            refs.set(image.record.id, []);
          }
          refs.get(image.record.id)!.push(resolvedName);
        } catch (e) {
          if (opts.ignore && isStoreError(e, 'ImageNotKnown')) continue;
          errors.push(toStoreError(e));
        }
      }
      for (const id of toDelete) {
        for (const ref of refs.get(id)!) {
          try {
            removeRecursive(s, id, ref);
          } catch (e) {
            errors.push(toStoreError(e));
          }
        }
      }
      return { s, recoveredLayers };
    },
    opts,
  ).catch((e: unknown) => {
    // The staging area holds only what was moved before the failure; finish deleting it.
    stage?.cleanup();
    throw e;
  });

  // Locks are released: now the slow part.
  const cleaned = stage!.cleanup();
  const stale = recoverStaleStages(stageRoot);
  const warnings = await recordEvents(events, session.s.events, opts);
  return {
    warnings,
    images: session.s.order.map((id) => session.s.reports.get(id)!).filter(Boolean),
    errors,
    freedBytes: cleaned.freedBytes + stale.freedBytes,
    leftovers: [...cleaned.leftovers, ...stale.leftovers],
    recoveredLayers: session.recoveredLayers,
  };
}

function toStoreError(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  return new StoreError('IoError', (e as Error)?.message ?? String(e), {}, { cause: e });
}
