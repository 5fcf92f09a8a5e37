/*
 * Name handling for save: which image an argument means and what name podman would record for it
 * (RepoTags in docker-archive, ref.name in OCI layouts). Resolution and normalisation belong to
 * the store's lookup/reference modules; this file only adapts them to save's needs.
 */
import { StoreError } from '../errors';
import type { ImageEntry, StoreSnapshot } from '../snapshot';

export interface Resolved {
  image: ImageEntry;
  /** LookupImage's resolved name: the matching candidate name, or the input for ID lookups. */
  resolvedName: string;
}

/**
 * Interim resolver until the store's lookupImage lands: full or `sha256:`-prefixed IDs, unique ID
 * prefixes and exact stored names.
 */
export function resolveImage(snapshot: StoreSnapshot, input: string): Resolved {
  if (input.startsWith('sha256:')) {
    const hex = input.slice(7);
    if (!/^[0-9a-f]{64}$/.test(hex)) {
      throw new StoreError('InvalidReference', `${input}: invalid format: no 64-byte hexadecimal value`, { input });
    }
    const image = snapshot.imageById.get(hex);
    if (!image) throw new StoreError('ImageNotKnown', `${input}: image not known`, { input });
    return { image, resolvedName: input };
  }
  const byName = snapshot.images.find((i) => (i.record.names ?? []).includes(input));
  if (byName) return { image: byName, resolvedName: input };
  const byId = snapshot.imageById.get(input);
  if (byId) return { image: byId, resolvedName: input };
  if (/^[0-9a-f]+$/.test(input)) {
    const matches = snapshot.images.filter((i) => i.record.id.startsWith(input));
    if (matches.length === 1) return { image: matches[0]!, resolvedName: input };
  }
  throw new StoreError('ImageNotKnown', `${input}: image not known`, { input });
}

/**
 * Interim NormalizeName for extra tags: accepts only names that are already fully qualified
 * ("host/repo:tag"), returning undefined (silently dropped, like podman's parse failures) otherwise.
 */
export function normalizeTag(tag: string): string | undefined {
  const slash = tag.indexOf('/');
  if (slash < 0) return undefined;
  const colon = tag.lastIndexOf(':');
  if (colon < tag.lastIndexOf('/')) return `${tag}:latest`;
  return tag;
}

/** True when the resolved name is an ID reference (podman then writes no tag / no ref.name). */
export function isIdReference(image: ImageEntry, resolvedName: string): boolean {
  return image.record.id.startsWith(resolvedName) || resolvedName === `sha256:${image.record.id}`;
}
