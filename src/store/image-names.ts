/*
 * What podman derives from an image record's names and digests: RepoTags (tagged names, storage
 * order), RepoDigests (every name × every manifest digest, sorted), the digest list c/storage
 * recomputes on load, and the repository/tag split of `podman images` rows.
 */
import type { ImageRecord } from './records';
import { compareBytes } from './go-json';
import { parseReference, parseNormalizedNamed, trimNamed } from './reference';
import { isStoreError } from './errors';

const MANIFEST_KEY_PREFIX = 'manifest';

/** c/storage recomputeDigests: `digest` first, then digests of big-data items named manifest*. */
export function digestsOf(record: ImageRecord): string[] {
  const out: string[] = [];
  if (record.digest) out.push(record.digest);
  const bd = record['big-data-digests'] ?? {};
  // Go iterates a map here (random order); sort the keys so our choice is at least stable.
  const keys = Object.keys(bd).filter((k) => k.startsWith(MANIFEST_KEY_PREFIX));
  for (const key of keys.length > 1 ? keys.sort(compareBytes) : keys) {
    const d = bd[key];
    if (d && !out.includes(d)) out.push(d);
  }
  return out;
}

/** The image's Digest as podman reports it (c/storage fills an empty one from Digests). */
export function effectiveDigest(record: ImageRecord): string {
  return record.digest || digestsOf(record)[0] || '';
}

/** reference.Parse of a stored name, or undefined when the record holds something invalid. */
function parseStored(name: string): ReturnType<typeof parseReference> | undefined {
  try {
    return parseReference(name);
  } catch (e) {
    if (isStoreError(e)) return undefined;
    throw e;
  }
}

/** libimage RepoTags: names that are tagged references, in storage order. */
export function repoTagsOf(names: readonly string[]): string[] {
  return names.filter((n) => parseStored(n)?.tag !== undefined).map((n) => parseStored(n)!.toString());
}

/** libimage RepoDigests. */
export function repoDigestsOf(record: ImageRecord): string[] {
  const all = digestsOf(record);
  const digests = [...all, record.digest || all[0] || ''].filter(Boolean);
  const seen = new Set<string>();
  for (const name of record.names ?? []) {
    let repo: string;
    try {
      repo = trimNamed(parseNormalizedNamed(name)).toString();
    } catch (e) {
      if (isStoreError(e)) continue;
      throw e;
    }
    for (const d of digests) seen.add(`${repo}@${d}`);
  }
  return [...seen].sort(compareBytes);
}

/** podman images' tokenRepoTag: repository and tag ("<none>" when the name has no tag). */
export function rowNameOf(name: string): { repository: string; tag: string } {
  const ref = parseStored(name);
  if (!ref) return { repository: '<none>', tag: '<none>' };
  return { repository: ref.name || '<none>', tag: ref.tag || '<none>' };
}
