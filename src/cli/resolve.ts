/*
 * Name → image for the CLI. Delegates to the store library's lookup (podman's LookupImage rules).
 */
import type { ImageEntry, StoreSnapshot } from '../store/snapshot';
import { StoreError } from '../store/errors';

// FIXME(issue 2): replace with src/store/lookup.ts (lookupImage) once it lands on main.
export function resolveImage(snapshot: StoreSnapshot, input: string): ImageEntry {
  const id = input.startsWith('sha256:') ? input.slice(7) : input;
  const byId = snapshot.imageById.get(id);
  if (byId) return byId;
  const candidates = [input, `localhost/${input}`, input.includes(':') ? undefined : `${input}:latest`, input.includes(':') ? undefined : `localhost/${input}:latest`];
  for (const c of candidates) {
    if (!c) continue;
    const hit = snapshot.images.find((i) => (i.record.names ?? []).includes(c));
    if (hit) return hit;
  }
  const prefix = snapshot.images.filter((i) => i.record.id.startsWith(id));
  if (prefix.length === 1) return prefix[0]!;
  throw new StoreError('ImageNotKnown', `${input}: image not known`, { input });
}
