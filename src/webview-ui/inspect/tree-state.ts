/*
 * Which rows of the inspect tree are shown: the user's expansion, the search (matches, highlight
 * ranges, the ancestors it opens) and the filter. Pure: the DOM view renders `visibleRows()` and
 * calls back into this on clicks and keys.
 */
import type { JsonTreeModel, TreeNode } from './json-tree';
import { findRanges, type Range } from './text-ranges';

export interface SearchResult {
  readonly query: string;
  /** Matching nodes in document order. */
  readonly matches: readonly TreeNode[];
  readonly keyRanges: ReadonlyMap<string, readonly Range[]>;
  readonly valueRanges: ReadonlyMap<string, readonly Range[]>;
  /** Ancestors of matches: opened while the query stands so every match is reachable. */
  readonly opened: ReadonlySet<string>;
  /** Matches, their ancestors and their descendants: the rows the filter keeps. */
  readonly kept: ReadonlySet<string>;
}

/** Matches `query` (case-insensitive) against each node's key and scalar text. Null for an empty query. */
export function searchTree(model: JsonTreeModel, query: string): SearchResult | null {
  if (!query) return null;
  const matches: TreeNode[] = [];
  const keyRanges = new Map<string, Range[]>();
  const valueRanges = new Map<string, Range[]>();
  const opened = new Set<string>();
  const kept = new Set<string>();
  for (const node of model.nodes) {
    const k = findRanges(node.keyText, query);
    const v = findRanges(node.valueText, query);
    if (!k.length && !v.length) continue;
    matches.push(node);
    if (k.length) keyRanges.set(node.id, k);
    if (v.length) valueRanges.set(node.id, v);
    for (let p = node.parent; p && p.parent; p = p.parent) {
      opened.add(p.id);
      kept.add(p.id);
    }
    const stack = [node];
    while (stack.length) {
      const n = stack.pop() as TreeNode;
      if (kept.has(n.id) && n !== node) continue;
      kept.add(n.id);
      stack.push(...n.children);
    }
  }
  return { query, matches, keyRanges, valueRanges, opened, kept };
}

/**
 * Children shown per container before a "show more" row, as VS Code's debug views page large arrays:
 * a hostile image with thousands of labels must not make a page of tens of thousands of elements.
 */
export const CHILD_PAGE = 200;

export interface NodeRow {
  readonly kind: 'node';
  readonly node: TreeNode;
  readonly expandable: boolean;
  readonly expanded: boolean;
}

/** Stands for the children of `parent` past its current limit. */
export interface MoreRow {
  readonly kind: 'more';
  readonly parent: TreeNode;
  readonly depth: number;
  readonly remaining: number;
}

export type Row = NodeRow | MoreRow;

/** A stable id for any row: the node's pointer, or "more:" + the parent's pointer. */
export function rowId(row: Row): string {
  return row.kind === 'node' ? row.node.id : `more:${row.parent.id}`;
}

/** The smallest page-aligned limit for `parent` that shows its child `child` (unfiltered index). */
export function limitToShow(parent: TreeNode, child: TreeNode): number {
  const index = parent.children.indexOf(child);
  return (Math.floor(index / CHILD_PAGE) + 1) * CHILD_PAGE;
}

/**
 * Expansion = the user's set, plus what the current search opens, minus what the user closed during
 * this search. Closing a search-opened node therefore works, and clearing the search brings back
 * the expansion the user had before.
 */
export class TreeExpansion {
  private readonly user: Set<string>;
  private searchOpened: ReadonlySet<string> = new Set();
  private searchClosed = new Set<string>();

  constructor(initial: Iterable<string>) {
    this.user = new Set(initial);
  }

  /** Called whenever the search result changes: a new query starts with a fresh overlay. */
  setSearch(result: SearchResult | null): void {
    this.searchOpened = result?.opened ?? new Set();
    this.searchClosed = new Set();
  }

  isExpanded(id: string): boolean {
    return this.user.has(id) || (this.searchOpened.has(id) && !this.searchClosed.has(id));
  }

  setExpanded(id: string, open: boolean): void {
    if (open) {
      this.user.add(id);
      this.searchClosed.delete(id);
    } else {
      this.user.delete(id);
      if (this.searchOpened.has(id)) this.searchClosed.add(id);
    }
  }

  toggle(id: string): void {
    this.setExpanded(id, !this.isExpanded(id));
  }

  expandAll(model: JsonTreeModel): void {
    for (const n of model.nodes) if (n.children.length) this.setExpanded(n.id, true);
  }

  collapseAll(model: JsonTreeModel): void {
    for (const n of model.nodes) if (n.children.length) this.setExpanded(n.id, false);
  }

  /** The user's own expansion, for the persisted state. */
  userExpanded(): string[] {
    return [...this.user];
  }
}

/**
 * The rows to render, in order: children of expanded nodes, restricted to the search's kept rows when
 * filtering, at most `limits.get(container)` (default CHILD_PAGE) children per container.
 */
export function visibleRows(
  model: JsonTreeModel,
  expansion: TreeExpansion,
  search: SearchResult | null,
  filter: boolean,
  limits: ReadonlyMap<string, number> = new Map(),
): Row[] {
  const rows: Row[] = [];
  const keep = filter && search ? search.kept : null;
  const walk = (node: TreeNode): void => {
    const children = keep ? node.children.filter((c) => keep.has(c.id)) : node.children;
    const limit = limits.get(node.id) ?? CHILD_PAGE;
    for (const child of children.slice(0, limit)) {
      const expandable = child.children.length > 0;
      const expanded = expandable && expansion.isExpanded(child.id);
      rows.push({ kind: 'node', node: child, expandable, expanded });
      if (expanded) walk(child);
    }
    if (children.length > limit) rows.push({ kind: 'more', parent: node, depth: node.depth + 1, remaining: children.length - limit });
  };
  walk(model.root);
  return rows;
}
