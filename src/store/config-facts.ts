/*
 * What listing needs from an image's config, reduced to a few short values: its labels, and what
 * libimage compares to decide that two images are parent and child (podman 4.3 layer tree): the
 * parent's diff IDs prefix the child's, and the child's history is the parent's plus exactly one
 * entry, entries compared field by field with times compared as instants.
 *
 * Prefixes are compared by digest: the digest of all diff IDs and of all but the last, the same for
 * the history. A parent and child differ by at most one diff ID whenever the child adds one
 * history entry to the parent's, so two digests per list decide every usual case; the rest
 * (a child with two or more diff IDs more than its parent) is left undecided, for the caller to
 * compare the configs themselves. Facts depend only on the config's bytes, so a config digest
 * names them for ever: they are what the on-disk listing cache keeps (facts-cache.ts).
 */
import { parseGoTime } from './go-format';
import { nodeCrypto } from './random';
import type { ImageConfigJson, OciHistory } from './image-details';

export interface ConfigFacts {
  labels: Record<string, string> | null;
  /** Number of diff IDs, and digests of all of them and of all but the last. */
  layers: number;
  layersId: string;
  layersButLastId: string;
  /** Number of history entries, and digests of all of them and of all but the last. */
  history: number;
  historyId: string;
  historyButLastId: string;
}


/** Digests of all of `parts` but the last and of all of them; each part delimits itself. */
function prefixDigests(parts: string[]): [butLast: string, all: string] {
  const h = nodeCrypto().createHash('sha256');
  if (parts.length > 1) h.update(parts.slice(0, -1).join(''));
  const butLast = h.copy().digest('base64').slice(0, 22);
  if (parts.length > 0) h.update(parts[parts.length - 1]!);
  return [butLast, h.digest('base64').slice(0, 22)];
}

/** Absent (or null) equals empty, as Go's zero value; a non-string equals only its twin. */
function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : '\u0001' + JSON.stringify(v);
}

// Builds share their history entries' times: each distinct text is parsed once.
const instants = new Map<string, string>();
const MAX_INSTANTS = 50_000;

/** libimage compares created as instants: an absent time equals only another absent time. */
function instant(created: unknown): string {
  if (created === undefined) return '-';
  if (typeof created !== 'string') return 'text:' + text(created);
  let key = instants.get(created);
  if (key === undefined) {
    const t = parseGoTime(created);
    // An unparsable time equals only the same text.
    key = t ? `${t.unix}.${t.nanos}` : 'text:' + created;
    if (instants.size >= MAX_INSTANTS) instants.clear();
    instants.set(created, key);
  }
  return key;
}

/** One entry as text that no other entry can share: every field is prefixed by its length. */
function historyPart(entry: OciHistory | undefined): string {
  const e = entry ?? {};
  const t = instant(e.created);
  const by = text(e.created_by);
  const author = text(e.author);
  const comment = text(e.comment);
  return `${t.length}:${t}${by.length}:${by}${author.length}:${author}${comment.length}:${comment}${e.empty_layer ? 'E' : 'L'};`;
}

export function factsOf(config: ImageConfigJson): ConfigFacts {
  const diffIds: unknown[] = Array.isArray(config.rootfs?.diff_ids) ? config.rootfs.diff_ids : [];
  const history: Array<OciHistory | undefined> = Array.isArray(config.history) ? config.history : [];
  const [layersButLastId, layersId] = prefixDigests(
    diffIds.map((d) => {
      const t = text(d);
      return `${t.length}:${t}`;
    }),
  );
  const [historyButLastId, historyId] = prefixDigests(history.map(historyPart));
  const labels = config.config?.Labels;
  return {
    labels: labels && typeof labels === 'object' ? labels : null,
    layers: diffIds.length,
    layersId,
    layersButLastId,
    history: history.length,
    historyId,
    historyButLastId,
  };
}

/**
 * libimage's areParentAndChild from facts: true or false, or undefined when the child has two or
 * more diff IDs more than the parent and only the configs themselves can tell.
 */
export function isParentByFacts(parent: ConfigFacts, child: ConfigFacts): boolean | undefined {
  if (parent.history + 1 !== child.history || parent.historyId !== child.historyButLastId) return false;
  if (parent.layers > child.layers) return false;
  if (parent.layers === child.layers) return parent.layersId === child.layersId;
  if (parent.layers + 1 === child.layers) return parent.layersId === child.layersButLastId;
  return undefined;
}

/** libimage's areParentAndChild on two configs. */
export function areParentAndChild(parent: ImageConfigJson, child: ImageConfigJson): boolean {
  return isParentByFacts(factsOf(parent), factsOf(child)) ?? diffIdsArePrefix(parent, child);
}

/** What facts leave undecided: whether the parent's diff IDs prefix the child's. */
export function diffIdsArePrefix(parent: ImageConfigJson, child: ImageConfigJson): boolean {
  const pd: unknown[] = parent.rootfs?.diff_ids ?? [];
  const cd: unknown[] = child.rootfs?.diff_ids ?? [];
  return pd.every((d, i) => text(d) === text(cd[i]));
}
