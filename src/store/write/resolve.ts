/*
 * Name → image resolution and name normalization for the writers. Temporary stand-in until the
 * shared reference parser and lookup (src/store/reference.ts, lookup.ts) are on main: exact
 * stored name, full ID or unique ID prefix only, and the plain libimage normalization rules
 * for tag names. Replaced by the real modules; keep the two signatures.
 */
import { StoreError } from '../errors';
import type { ImageEntry, StoreSnapshot } from '../snapshot';

export interface Resolved {
  image: ImageEntry;
  /** The name the input resolved to, as podman reports it (the input for IDs). */
  resolvedName: string;
}

export function lookupForWrite(snap: StoreSnapshot, input: string): Resolved {
  const byName = snap.images.find((i) => i.record.names?.includes(input));
  if (byName) return { image: byName, resolvedName: input };
  for (const candidate of [`localhost/${input}`, `localhost/${input}:latest`]) {
    const img = snap.images.find((i) => i.record.names?.includes(candidate));
    if (img) return { image: img, resolvedName: candidate };
  }
  const id = input.startsWith('sha256:') ? input.slice(7) : input;
  if (/^[0-9a-f]+$/.test(id)) {
    const matches = snap.images.filter((i) => i.record.id.startsWith(id));
    if (matches.length === 1) return { image: matches[0]!, resolvedName: input };
    if (matches.length > 1) {
      throw new StoreError('AmbiguousImage', `${input}: several images match: ${matches.map((m) => m.record.id.slice(0, 12)).join(', ')}`);
    }
  }
  throw new StoreError('ImageNotKnown', `${input}: image not known`, { input });
}

export function normalizeForWrite(name: string): { name: string; digested: boolean } {
  if (name !== name.toLowerCase().replace(/:[^/]*$/, (t) => t)) {
    throw new StoreError('InvalidReference', `normalizing name "${name}": repository name must be lowercase`);
  }
  const digested = name.includes('@');
  const first = name.split('/')[0]!;
  const qualified = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? name : `localhost/${name}`;
  const lastPart = qualified.slice(qualified.lastIndexOf('/') + 1);
  return { name: digested || lastPart.includes(':') ? qualified : `${qualified}:latest`, digested };
}
