/*
 * What libimage compares to decide that two images are parent and child (podman 4.3 layer tree):
 * the parent's diff IDs prefix the child's, and the child's history is the parent's plus exactly
 * one entry, entries compared field by field with times compared as instants.
 *
 * Listing compares every image with its neighbours, and keeping every parsed config alive for
 * that costs more in garbage collection than the comparisons themselves. So each config is
 * reduced to its lineage: for every prefix of its diff IDs and of its history, the ID of that
 * prefix in a trie shared by the whole store. Two prefixes are equal exactly when their IDs are,
 * so a comparison is two integer tests, and a config keeps two small arrays instead of its text.
 */
import { parseGoTime } from './go-format';
import type { ImageConfigJson, OciHistory } from './image-details';

export interface ConfigLineage {
  /** Trie node of each prefix of rootfs.diff_ids: layers[i] names diff_ids[0..i]. */
  readonly layers: Int32Array;
  /** Trie node of each prefix of the history, entries compared as libimage compares them. */
  readonly history: Int32Array;
}

/** Interns prefixes; lineages are only comparable when made by the same interner. */
export class LineageInterner {
  private readonly nodes = new Map<string, number>();
  private readonly instants = new Map<string, string>();

  lineageOf(config: ImageConfigJson): ConfigLineage {
    const diffIds = Array.isArray(config.rootfs?.diff_ids) ? config.rootfs.diff_ids : [];
    const history = Array.isArray(config.history) ? config.history : [];
    return {
      layers: this.chain(diffIds.length, (i) => String(diffIds[i])),
      history: this.chain(history.length, (i) => this.historyKey(history[i])),
    };
  }

  /** Distinct prefixes seen so far; the owner starts a new interner when this grows too large. */
  get size(): number {
    return this.nodes.size;
  }

  private chain(length: number, part: (i: number) => string): Int32Array {
    const ids = new Int32Array(length);
    let node = 0;
    for (let i = 0; i < length; i++) {
      const key = node + '\u0000' + part(i);
      let id = this.nodes.get(key);
      if (id === undefined) {
        id = this.nodes.size + 1;
        this.nodes.set(key, id);
      }
      ids[i] = node = id;
    }
    return ids;
  }

  /** libimage compares created as instants, and the other fields with absent equal to empty. */
  private historyKey(entry: OciHistory | undefined): string {
    const e = entry ?? {};
    // JSON keeps the fields apart whatever characters they hold.
    return JSON.stringify([this.instant(e.created), text(e.created_by), text(e.author), text(e.comment), Boolean(e.empty_layer)]);
  }

  private instant(created: unknown): string {
    // An absent time equals only another absent time; an unparsable one only the same text.
    if (created === undefined) return '\u0001';
    const raw = String(created);
    let key = this.instants.get(raw);
    if (key === undefined) {
      const t = typeof created === 'string' ? parseGoTime(created) : undefined;
      key = t ? `${t.unix}.${t.nanos}` : 'text:' + raw;
      this.instants.set(raw, key);
    }
    return key;
  }
}

/** Absent (or null) equals empty, as Go's zero value; a non-string equals only its twin. */
function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : '\u0001' + JSON.stringify(v);
}

/** libimage's areParentAndChild on lineages from one interner. */
export function isParentLineage(parent: ConfigLineage, child: ConfigLineage): boolean {
  const pl = parent.layers.length;
  if (pl > child.layers.length) return false;
  if (pl > 0 && parent.layers[pl - 1] !== child.layers[pl - 1]) return false;
  const ph = parent.history.length;
  if (ph + 1 !== child.history.length) return false;
  return ph === 0 || parent.history[ph - 1] === child.history[ph - 1];
}
