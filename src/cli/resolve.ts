/*
 * Name → image for the CLI. Delegates to the store library's lookup (podman's LookupImage rules,
 * registries.conf short-name aliases and search registries included).
 */
import type { ImageEntry, StoreSnapshot } from '../store/snapshot';
import { lookupImage } from '../store/lookup';

export function resolveImage(snapshot: StoreSnapshot, input: string): ImageEntry {
  return lookupImage(snapshot, input).image;
}
