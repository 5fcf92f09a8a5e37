/*
 * What a key pressed in the Inspect tree asks for, decided from the visible rows alone: the
 * WAI-ARIA tree pattern (arrows, Home/End, PageUp/PageDown, Enter/Space), F3 for matches and
 * Shift+Alt+C for a jq path. Pure; tree-view.ts carries the intent out.
 */
import type { TreeNode } from './json-tree';
import type { Row } from './tree-state';

/** Rows moved by PageUp/PageDown. */
const PAGE_ROWS = 10;

export type TreeKeyIntent =
  | { kind: 'select'; index: number }
  | { kind: 'selectNode'; node: TreeNode }
  | { kind: 'toggle'; node: TreeNode; open?: boolean }
  | { kind: 'showMore'; parent: TreeNode }
  | { kind: 'step'; dir: 1 | -1 }
  | { kind: 'copyPath'; node: TreeNode }
  /** Handled, nothing to do (Right on a "more" row). */
  | { kind: 'none' };

export interface TreeKey {
  key: string;
  code: string;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

/** The intent of `e` with the row at `index` selected (-1: none), or undefined when the key is not the tree's. */
export function treeKeyIntent(e: TreeKey, rows: readonly Row[], index: number): TreeKeyIntent | undefined {
  const current = rows[index];
  const select = (i: number): TreeKeyIntent => ({ kind: 'select', index: Math.max(0, Math.min(rows.length - 1, i)) });
  if (current?.kind === 'more' && (e.key === 'Enter' || e.key === ' ')) return { kind: 'showMore', parent: current.parent };
  const row = current?.kind === 'node' ? current : undefined;
  switch (e.key) {
    case 'ArrowDown':
      return select(index + 1);
    case 'ArrowUp':
      return select(index < 0 ? 0 : index - 1);
    case 'Home':
      return select(0);
    case 'End':
      return select(rows.length - 1);
    case 'PageDown':
      return select(index + PAGE_ROWS);
    case 'PageUp':
      return select(index - PAGE_ROWS);
    case 'ArrowRight':
      if (current?.kind === 'more') return { kind: 'none' };
      if (!row) return select(0);
      if (row.expandable && !row.expanded) return { kind: 'toggle', node: row.node, open: true };
      return row.expanded ? select(index + 1) : { kind: 'none' };
    case 'ArrowLeft':
      if (current?.kind === 'more' && current.parent.parent) return { kind: 'selectNode', node: current.parent };
      if (!row) return select(0);
      if (row.expanded) return { kind: 'toggle', node: row.node, open: false };
      return row.node.parent?.parent ? { kind: 'selectNode', node: row.node.parent } : { kind: 'none' };
    case 'Enter':
    case ' ':
      return row?.expandable ? { kind: 'toggle', node: row.node } : { kind: 'none' };
    case 'F3':
      return { kind: 'step', dir: e.shiftKey ? -1 : 1 };
  }
  if (row && e.code === 'KeyC' && e.shiftKey && e.altKey && !e.ctrlKey && !e.metaKey) return { kind: 'copyPath', node: row.node };
  return undefined;
}
