/*
 * `podman tag` / `podman untag` at the storage level (libimage Image.Tag/Untag over c/storage
 * SetNames), done entirely under images.lock: the image is looked up, its names computed and the
 * file written in one critical section, so concurrent taggers never lose or resurrect a name
 * (podman 4.3 reads the names before locking and loses updates). Unlike podman, a command with
 * several names is all-or-nothing: every name is checked before anything is written.
 */
import { StoreError } from '../errors';
import type { ImageRecord } from '../records';
import type { Store } from '../store';
import { resolveEventsConfig, type EventsConfig } from './events-config';
import { recordEvents, goTimeNow, type ImageEvent } from './events';
import { updateImageNames } from './names';
import { lookupImage } from '../lookup';
import { normalizeName } from '../reference';
import { loadRegistriesConfig, type RegistriesConfig } from '../registries';
import { writeTransaction, type WriteOptions, type WriteTransaction } from './transaction';

export interface NameChangeOptions extends WriteOptions {
  /** Where to record events; default: podman's configuration. `false` records none. */
  events?: EventsConfig | false;
  /** Short-name configuration for lookups; default: the machine's registries.conf. */
  registries?: RegistriesConfig;
}

export interface NameChangeResult {
  /** Full ID of the image. */
  id: string;
  /** The names the command added or removed, normalized as stored. */
  changed: string[];
  /** The image's names afterwards. */
  names: string[];
  /** Problems that did not stop the change (events that could not be logged). */
  warnings: string[];
}

/**
 * c/storage 1.43 updateNames takes layers.lock, then images.lock, both exclusive (it checks
 * whether the ID names a layer first). We take the same locks but read only images.
 */
const NAME_SCOPE = { layers: true, containers: false, loadLayers: false };

/** `manifestList`: podman's tag finds a manifest list itself; untag finds its platform instance. */
function targetRecord(tx: WriteTransaction, input: string, registries: RegistriesConfig, manifestList: boolean): ImageRecord {
  const { image } = lookupImage(tx.snapshot(), input, { registries, manifestList });
  if (image.readOnly) {
    throw new StoreError(
      'ReadOnlyStore',
      `Image ${image.record.id.slice(0, 12)} lives in the read-only image store ${image.tree.root}; its names cannot be changed`,
      { imageId: image.record.id, path: image.tree.root },
    );
  }
  const record = tx.images.find((r) => r.id === image.record.id);
  if (!record) throw new StoreError('ImageNotKnown', `${input}: image not known`, { input });
  return record;
}

function refuseDigest(name: string, verb: 'tag' | 'untag'): void {
  if (name.startsWith('sha256:')) {
    throw new StoreError('InvalidReference', `${name}: ${verb} by digest not supported`, { name });
  }
}

/** Adds `names` to the image `input` names (libimage Tag for each name, in order). */
export async function tagImage(store: Store, input: string, names: readonly string[], opts: NameChangeOptions = {}): Promise<NameChangeResult> {
  if (names.length === 0) throw new StoreError('InvalidArgument', 'No name to tag the image with');
  const normalized = names.map((n) => {
    refuseDigest(n, 'tag');
    const ref = normalizeName(n);
    if (ref.digest !== undefined) throw new StoreError('InvalidReference', `${n}: tag by digest not supported`, { name: n });
    return ref.toString();
  });
  // Configuration is read before any lock is taken.
  const registries = opts.registries ?? loadRegistriesConfig();
  const events = opts.events ?? resolveEventsConfig();
  const times: string[] = [];
  const result = await writeTransaction(
    store,
    NAME_SCOPE,
    (tx) => {
      const target = targetRecord(tx, input, registries, true);
      for (const n of normalized) {
        updateImageNames(tx.images, target, [...(target.names ?? []), n], 'set');
        times.push(goTimeNow());
      }
      tx.saveImages();
      return { id: target.id, changed: normalized, names: [...(target.names ?? [])], warnings: [] as string[] };
    },
    opts,
  );
  const list: ImageEvent[] = names.map((n, i) => ({ status: 'tag', id: result.id, name: n, time: times[i] }));
  result.warnings.push(...(await recordEvents(events, list, opts)));
  return result;
}

/** Removes `names` (all names when empty) from the image `input` (libimage Untag for each). */
export async function untagImage(store: Store, input: string, names: readonly string[] = [], opts: NameChangeOptions = {}): Promise<NameChangeResult> {
  const normalized = names.map((n) => {
    refuseDigest(n, 'untag');
    return normalizeName(n).toString();
  });
  const registries = opts.registries ?? loadRegistriesConfig();
  const events = opts.events ?? resolveEventsConfig();
  const times: string[] = [];
  const result = await writeTransaction(
    store,
    NAME_SCOPE,
    (tx) => {
      const target = targetRecord(tx, input, registries, false);
      const toRemove = normalized.length > 0 ? normalized : [...(target.names ?? [])];
      // Check every name against the names it will have at that step before changing anything.
      const remaining = [...(target.names ?? [])];
      for (const n of toRemove) {
        const at = remaining.indexOf(n);
        if (at < 0) throw new StoreError('ImageNotKnown', `${n}: tag not known`, { name: n, imageId: target.id });
        remaining.splice(at, 1);
      }
      for (const n of toRemove) {
        updateImageNames(tx.images, target, (target.names ?? []).filter((x) => x !== n), 'set');
        times.push(goTimeNow());
      }
      if (toRemove.length > 0) tx.saveImages();
      return { id: target.id, changed: toRemove, names: [...(target.names ?? [])], warnings: [] as string[] };
    },
    opts,
  );
  const list: ImageEvent[] = result.changed.map((n, i) => ({ status: 'untag', id: result.id, name: n, time: times[i] }));
  result.warnings.push(...(await recordEvents(events, list, opts)));
  return result;
}
