/*
 * containers/storage's name bookkeeping on in-memory image records (images.go updateNames,
 * utils.go applyNameOperation): names are unique across the images of one store, so giving a
 * name to one image takes it from any other; every name an image is given is moved to the front
 * of its names-history. Pure; the caller holds images.lock and saves the file once.
 */
import type { ImageRecord } from '../records';
import { IMAGE_FIELD_ORDER, setListField } from './record-fields';

export type NameOperation = 'set' | 'add' | 'remove';

/** Keeps the first occurrence of each name, in order. */
export function dedupeNames(names: readonly string[]): string[] {
  return [...new Set(names)];
}

export function applyNameOperation(oldNames: readonly string[], given: readonly string[], op: NameOperation): string[] {
  switch (op) {
    case 'set':
      return dedupeNames(given);
    case 'add':
      return dedupeNames([...given, ...oldNames]);
    case 'remove':
      return dedupeNames(oldNames.filter((n) => !given.includes(n)));
  }
}

/**
 * c/storage's SetNames/AddNames/RemoveNames on `target`, one of `images`. Other images lose any
 * name `target` ends up with (their history is left alone, as in c/storage).
 */
export function updateImageNames(images: ImageRecord[], target: ImageRecord, given: readonly string[], op: NameOperation): void {
  const names = applyNameOperation(target.names ?? [], dedupeNames(given), op);
  let history = target['names-history'] ?? [];
  for (const name of names) {
    for (const other of images) {
      if (other === target || !other.names?.includes(name)) continue;
      setListField(other, 'names', other.names.filter((n) => n !== name), IMAGE_FIELD_ORDER);
    }
    history = dedupeNames([name, ...history]);
  }
  setListField(target, 'names', names, IMAGE_FIELD_ORDER);
  setListField(target, 'names-history', history, IMAGE_FIELD_ORDER);
}
