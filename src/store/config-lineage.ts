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
  // Children of each trie node, keyed by the step's own strings: Map hashes them natively, which
  // is several times cheaper than building one key string per step.
  private readonly layerSteps = new Map<number, Map<string, number>>();
  private readonly historySteps = new Map<number, Map<string, Map<string, number>>>();
  private readonly instants = new Map<string, string>();
  private nodes = 0;

  lineageOf(config: ImageConfigJson): ConfigLineage {
    const diffIds = Array.isArray(config.rootfs?.diff_ids) ? config.rootfs.diff_ids : [];
    const history = Array.isArray(config.history) ? config.history : [];
    const layers = new Int32Array(diffIds.length);
    let node = 0;
    for (let i = 0; i < diffIds.length; i++) {
      layers[i] = node = this.step(this.layerSteps, node, text(diffIds[i]));
    }
    const steps = new Int32Array(history.length);
    node = 0;
    for (let i = 0; i < history.length; i++) {
      const e: OciHistory = history[i] ?? {};
      let byCommand = this.historySteps.get(node);
      if (!byCommand) this.historySteps.set(node, (byCommand = new Map()));
      // The command tells entries apart; the rest is short. Lengths keep the fields apart.
      const author = text(e.author);
      const rest = `${this.instant(e.created)} ${e.empty_layer ? 1 : 0} ${author.length} ${author}${text(e.comment)}`;
      steps[i] = node = this.step(byCommand, text(e.created_by), rest);
    }
    return { layers, history: steps };
  }

  /** Distinct prefixes seen so far; the owner starts a new interner when this grows too large. */
  get size(): number {
    return this.nodes;
  }

  private step<K>(table: Map<K, Map<string, number>>, from: K, key: string): number {
    let next = table.get(from);
    if (!next) table.set(from, (next = new Map()));
    let id = next.get(key);
    if (id === undefined) next.set(key, (id = ++this.nodes));
    return id;
  }

  /** libimage compares created as instants: an absent time equals only another absent time. */
  private instant(created: unknown): string {
    if (created === undefined) return '-';
    const raw = typeof created === 'string' ? created : '\u0001' + JSON.stringify(created);
    let key = this.instants.get(raw);
    if (key === undefined) {
      // An unparsable time equals only the same text.
      const t = typeof created === 'string' ? parseGoTime(created) : undefined;
      key = t ? `${t.unix}.${t.nanos}` : 'text:' + raw.length + ':' + raw;
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
