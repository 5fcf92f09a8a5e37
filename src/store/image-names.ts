/*
 * What podman derives from an image record's names and digests: RepoTags (tagged names, storage
 * order), RepoDigests (every name × every manifest digest, sorted), the digest list c/storage
 * recomputes on load, and the repository/tag split of `podman images` rows.
 */
import type { ImageRecord } from './records';
import { compareBytes } from './go-format';
import { splitStoredName } from './stored-name';

const MANIFEST_KEY_PREFIX = 'manifest';

/** c/storage recomputeDigests: `digest` first, then digests of big-data items named manifest*. */
export function digestsOf(record: ImageRecord): string[] {
  const out: string[] = [];
  if (record.digest) out.push(record.digest);
  const bd = record['big-data-digests'] ?? {};
  // Go iterates a map here (random order); sort the keys so our choice is at least stable.
  for (const key of Object.keys(bd).sort(compareBytes)) {
    if (!key.startsWith(MANIFEST_KEY_PREFIX)) continue;
    const d = bd[key];
    if (d && !out.includes(d)) out.push(d);
  }
  return out;
}

/** The image's Digest as podman reports it (c/storage fills an empty one from Digests). */
export function effectiveDigest(record: ImageRecord): string {
  return record.digest || digestsOf(record)[0] || '';
}

/** libimage RepoTags: names that are tagged references, in storage order. */
export function repoTagsOf(names: readonly string[]): string[] {
  return names.filter((n) => splitStoredName(n).tag !== undefined);
}

/** Docker's normalization of a stored repository (short names gain docker.io/library/). */
function normalizedRepository(repository: string): string {
  const slash = repository.indexOf('/');
  const first = slash < 0 ? '' : repository.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return first === 'index.docker.io' ? 'docker.io' + repository.slice(slash) : repository;
  }
  return slash < 0 ? `docker.io/library/${repository}` : `docker.io/${repository}`;
}

/** libimage RepoDigests. */
export function repoDigestsOf(record: ImageRecord): string[] {
  const digests = [...digestsOf(record), effectiveDigest(record)].filter(Boolean);
  const seen = new Set<string>();
  for (const name of record.names ?? []) {
    const repo = normalizedRepository(splitStoredName(name).repository);
    for (const d of digests) seen.add(`${repo}@${d}`);
  }
  return [...seen].sort(compareBytes);
}

/** podman images' tokenRepoTag: repository and tag ("<none>" when the name has no tag). */
export function rowNameOf(name: string): { repository: string; tag: string } {
  const { repository, tag } = splitStoredName(name);
  return { repository: repository || '<none>', tag: tag || '<none>' };
}
