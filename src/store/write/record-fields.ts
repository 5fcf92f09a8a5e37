/*
 * Setting and removing keys of records read from images.json / layers.json without disturbing
 * anything else: unknown keys (from newer podman versions) stay where they were, and a key that
 * was absent is inserted where c/storage's struct declares it, so the file podman would have
 * written and the file we write are byte-identical. Pure; no I/O.
 */

/** c/storage's Image struct JSON order (1.43 … main). */
export const IMAGE_FIELD_ORDER = [
  'id',
  'digest',
  'names',
  'names-history',
  'layer',
  'mapped-layers',
  'metadata',
  'big-data-names',
  'big-data-sizes',
  'big-data-digests',
  'created',
  'flags',
] as const;

/** c/storage's Layer struct JSON order (main; 1.43 is the same without toc-digest). */
export const LAYER_FIELD_ORDER = [
  'id',
  'names',
  'parent',
  'metadata',
  'mountlabel',
  'created',
  'compressed-diff-digest',
  'compressed-size',
  'diff-digest',
  'toc-digest',
  'diff-size',
  'compression',
  'uidset',
  'gidset',
  'flags',
  'uidmap',
  'gidmap',
  'big-data-names',
] as const;

/**
 * Sets `key` on `record` in place. An existing key keeps its position; a new one goes before the
 * first existing key that Go would write after it.
 */
export function setField(record: Record<string, unknown>, key: string, value: unknown, order: readonly string[]): void {
  if (Object.prototype.hasOwnProperty.call(record, key)) {
    record[key] = value;
    return;
  }
  const rank = order.indexOf(key);
  const keys = Object.keys(record);
  const at = rank < 0 ? -1 : keys.findIndex((k) => order.indexOf(k) > rank);
  if (at < 0) {
    record[key] = value;
    return;
  }
  // Re-insert the tail so the new key lands in its place (object key order is insertion order).
  const tail = keys.slice(at).map((k) => [k, record[k]] as const);
  for (const [k] of tail) delete record[k];
  record[key] = value;
  for (const [k, v] of tail) record[k] = v;
}

/** Sets a list field, or removes it when empty (Go's omitempty). */
export function setListField(record: Record<string, unknown>, key: string, list: string[], order: readonly string[]): void {
  if (list.length === 0) delete record[key];
  else setField(record, key, list, order);
}
