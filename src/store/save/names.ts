/*
 * Name handling for save: which image each argument means (the store's lookupImage, like
 * libimage's LookupImage) and which names podman records for it: RepoTags in a docker-archive
 * (ParseNamed of the resolved name, plus NormalizeName'd extra tags) or the ref.name annotation
 * of an OCI layout (the resolved name unless the image was given by ID).
 */
import { StoreError } from '../errors';
import { lookupImages, type LookupResult } from '../lookup';
import { normalizeName, parseNormalizedNamed } from '../reference';
import type { StoreSnapshot } from '../snapshot';
import type { RepoTag } from './docker-archive';

export function resolveImages(snapshot: StoreSnapshot, inputs: readonly string[]): LookupResult[] {
  return lookupImages(snapshot, inputs);
}

/** `reference.ParseNamed` + NamedTagged: the RepoTag a resolved name yields, if any. */
export function repoTagOf(resolvedName: string): RepoTag | undefined {
  if (!resolvedName) return undefined;
  try {
    const ref = parseNormalizedNamed(resolvedName);
    // ParseNamed refuses names that are not already in canonical (normalized) form.
    if (ref.toString() !== resolvedName || ref.tag === undefined) return undefined;
    return { name: ref.name, tag: ref.tag };
  } catch {
    return undefined;
  }
}

/**
 * An extra tag for the first image (`podman save IMAGE TAG…`): NormalizeName'd; names that do not
 * parse are dropped silently as podman does, a digested name is an error.
 */
export function extraTagOf(tag: string): RepoTag | undefined {
  let ref;
  try {
    ref = normalizeName(tag);
  } catch {
    return undefined;
  }
  if (ref.tag === undefined) {
    throw new StoreError('InvalidArgument', `invalid additional tag "${tag}": normalized to untagged "${ref.toString()}"`, { tag });
  }
  return { name: ref.name, tag: ref.tag };
}

/** The ref.name annotation of an OCI save: none when the image was named by (a prefix of) its ID. */
export function ociRefName(imageId: string, resolvedName: string): string {
  return imageId.startsWith(resolvedName) ? '' : resolvedName;
}
