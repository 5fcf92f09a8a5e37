/*
 * The Inspect tab: a keyboard-driven collapsible JSON tree with search (filter or highlight), match
 * navigation and copy of value / jq path / whole JSON. Model logic lives in json-tree.ts and
 * tree-state.ts, a row's DOM in tree-row.ts, what a key asks for in tree-keys.ts; this file turns
 * events into state and rows into the list.
 */
import type { CopyKind } from '../../shared/webview-protocol';
import { clear, el } from '../dom';
import { icon } from './icons';
import {
  DEFAULT_EXPANDED,
  buildTree,
  copyText,
  jqPath,
  type JsonTreeModel,
  type TreeNode,
} from './json-tree';
import { CHILD_PAGE, TreeExpansion, limitToShow, rowId, searchTree, visibleRows, type Row, type SearchResult } from './tree-state';
import { iconButton, toggleButton } from './widgets';
import { renderMoreRow, renderNodeRow } from './tree-row';
import { treeKeyIntent } from './tree-keys';

/** Delay before a typed query is applied, so typing in a large tree stays smooth. */
const SEARCH_DEBOUNCE_MS = 80;

export interface TreeViewHost {
  copy(kind: CopyKind, text: string): void;
  /** Called after any change the persisted state records. */
  changed(): void;
}

export interface TreeViewState {
  expanded: readonly string[] | null;
  query: string;
  filter: boolean;
  selected: string | null;
}

export class TreeView {
  readonly element: HTMLElement;
  readonly scroller: HTMLElement;
  private readonly tree: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly count: HTMLElement;
  private readonly filterButton: HTMLButtonElement;
  private model: JsonTreeModel = buildTree({});
  private expansion: TreeExpansion;
  private search: SearchResult | null = null;
  private query: string;
  private filter: boolean;
  private selected: string | null;
  private current = -1; // index into search.matches
  private rows: Row[] = [];
  private rowElements = new Map<string, HTMLElement>();
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private value: unknown = {};
  /** Children shown per container beyond the default page (see CHILD_PAGE). */
  private readonly limits = new Map<string, number>();
  /** One action bar (copy value / copy path), moved to the hovered or selected row: not one per row. */
  private readonly actions: HTMLElement;
  private actionTarget: string | null = null;

  constructor(
    private readonly host: TreeViewHost,
    state: TreeViewState,
  ) {
    this.expansion = new TreeExpansion(state.expanded ?? DEFAULT_EXPANDED);
    this.query = state.query;
    this.filter = state.filter;
    this.selected = state.selected;

    this.input = el('input', {
      className: 'search-input',
      attrs: {
        type: 'search',
        placeholder: 'Search keys and values',
        'aria-label': 'Search keys and values (Ctrl+F)',
        spellcheck: 'false',
        'aria-controls': 'inspect-tree',
      },
    });
    this.input.value = this.query;
    this.count = el('span', { className: 'match-count', attrs: { 'aria-live': 'polite' } });
    this.filterButton = toggleButton('filter', 'Show only matching rows', this.filter, (on) => {
      this.filter = on;
      this.render();
      this.host.changed();
    });
    const toolbar = el('div', { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Inspect tree' } }, [
      el('div', { className: 'search-box' }, [icon('search'), this.input, this.count]),
      iconButton('arrowUp', 'Previous match (Shift+Enter)', () => this.step(-1)),
      iconButton('arrowDown', 'Next match (Enter)', () => this.step(1)),
      this.filterButton,
      el('span', { className: 'separator' }),
      iconButton('expandAll', 'Expand all', () => {
        this.expansion.expandAll(this.model);
        this.render();
        this.host.changed();
      }),
      iconButton('collapseAll', 'Collapse all', () => {
        this.expansion.collapseAll(this.model);
        this.render();
        this.host.changed();
      }),
      iconButton('copy', 'Copy whole JSON', () => this.host.copy('json', JSON.stringify(this.value, null, 2))),
    ]);
    this.tree = el('div', {
      className: 'json-tree',
      attrs: { role: 'tree', id: 'inspect-tree', 'aria-label': 'Image inspect data', tabindex: '0' },
    });
    this.scroller = el('div', { className: 'scroller' }, [this.tree]);
    this.element = el('div', { className: 'tree-view' }, [toolbar, this.scroller]);

    this.actions = el('span', { className: 'row-actions' }, [
      iconButton('copy', 'Copy value (Ctrl+C)', () => this.copyTarget('value'), -1),
      iconButton('path', 'Copy jq path (Shift+Alt+C)', () => this.copyTarget('path'), -1),
    ]);
    this.tree.addEventListener('mouseover', (e) => {
      const id = this.rowIdFromEvent(e);
      if (id !== null && this.model.byId.has(id)) this.attachActions(id);
    });
    this.tree.addEventListener('mouseleave', () => this.attachActions(this.selected));

    this.input.addEventListener('input', () => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.setQuery(this.input.value), SEARCH_DEBOUNCE_MS);
    });
    this.input.addEventListener('keydown', (e) => this.onSearchKey(e));
    this.tree.addEventListener('keydown', (e) => this.onTreeKey(e));
    this.tree.addEventListener('click', (e) => this.onClick(e));
    this.tree.addEventListener('dblclick', (e) => this.onDoubleClick(e));
    this.tree.addEventListener('focus', () => {
      // Focus landing on the container moves to the selected row (roving tabindex).
      if (!this.selectedRow() && this.rows[0]) this.select(rowId(this.rows[0]));
      this.selectedRow()?.focus();
    });
    this.tree.addEventListener('copy', (e) => this.onCopyEvent(e));
  }

  setData(value: unknown): void {
    this.value = value;
    this.model = buildTree(value);
    this.search = searchTree(this.model, this.query);
    this.expansion.setSearch(this.search);
    if (this.selected !== null && !this.model.byId.has(this.selected)) this.selected = null;
    this.current = -1;
    this.render();
  }

  state(): TreeViewState {
    return { expanded: this.expansion.userExpanded(), query: this.query, filter: this.filter, selected: this.selected };
  }

  focusSearch(): void {
    this.input.focus();
    this.input.select();
  }

  private setQuery(q: string): void {
    if (q === this.query) return;
    this.query = q;
    this.search = searchTree(this.model, q);
    this.expansion.setSearch(this.search);
    this.current = -1;
    this.render();
    if (this.search?.matches.length) this.step(1, false);
    this.host.changed();
  }

  /** Moves to the next (+1) or previous (-1) match, selecting and revealing it. */
  private step(dir: 1 | -1, focusTree = false): void {
    if (this.input.value !== this.query) {
      clearTimeout(this.debounce);
      this.setQuery(this.input.value);
      if (dir === 1) return; // setQuery already moved to the first match
    }
    const matches = this.search?.matches ?? [];
    if (!matches.length) return;
    this.current = (this.current + dir + matches.length) % matches.length;
    const node = matches[this.current] as TreeNode;
    // Make sure the match is reachable even if the user collapsed one of its ancestors or it sits
    // past a container's page of children.
    for (let p = node.parent; p && p.parent; p = p.parent) this.expansion.setExpanded(p.id, true);
    for (let c: TreeNode = node; c.parent; c = c.parent) this.showChild(c.parent, c);
    this.selected = node.id;
    this.render();
    const row = this.rowElements.get(node.id);
    row?.scrollIntoView({ block: 'nearest' });
    if (focusTree) row?.focus();
    this.host.changed();
  }

  private render(): void {
    const hadFocus = this.tree.contains(document.activeElement);
    this.rows = visibleRows(this.model, this.expansion, this.search, this.filter, this.limits);
    this.rowElements.clear();
    const frag = document.createDocumentFragment();
    const currentId = this.current >= 0 ? this.search?.matches[this.current]?.id : undefined;
    for (const row of this.rows) {
      const e = row.kind === 'node' ? renderNodeRow(row, { selected: row.node.id === this.selected, isCurrent: row.node.id === currentId, search: this.search }) : renderMoreRow(row);
      this.rowElements.set(rowId(row), e);
      frag.append(e);
    }
    clear(this.tree);
    if (!this.rows.length) {
      this.tree.append(el('div', { className: 'empty', text: this.query ? 'No key or value matches.' : 'Empty.' }));
    }
    this.tree.append(frag);
    if (this.selected !== null && !this.rowElements.has(this.selected)) this.selected = null;
    const sel = this.selectedRow() ?? (this.rows[0] ? this.rowElements.get(rowId(this.rows[0])) : undefined);
    sel?.setAttribute('tabindex', '0');
    this.tree.setAttribute('tabindex', sel ? '-1' : '0');
    if (hadFocus) sel?.focus();
    this.actionTarget = null;
    this.attachActions(this.selected);
    this.updateCount();
  }

  private updateCount(): void {
    const n = this.search?.matches.length ?? 0;
    this.count.textContent = !this.query ? '' : n === 0 ? 'No results' : this.current >= 0 ? `${this.current + 1} of ${n}` : `${n} found`;
    this.input.classList.toggle('no-results', !!this.query && n === 0);
  }

  /** Raises `parent`'s page limit so that `child` is rendered. */
  private showChild(parent: TreeNode, child: TreeNode): void {
    const need = limitToShow(parent, child);
    if ((this.limits.get(parent.id) ?? CHILD_PAGE) < need) this.limits.set(parent.id, need);
  }

  private showMore(parentId: string): void {
    this.limits.set(parentId, (this.limits.get(parentId) ?? CHILD_PAGE) + CHILD_PAGE);
    this.render();
    this.rowElements.get(this.selected ?? '')?.focus();
  }

  private attachActions(id: string | null): void {
    if (id === this.actionTarget && this.actions.isConnected) return;
    const row = id === null ? undefined : this.rowElements.get(id);
    if (!row || !this.model.byId.has(id as string)) {
      this.actions.remove();
      this.actionTarget = null;
      return;
    }
    this.actionTarget = id;
    row.append(this.actions);
  }

  private copyTarget(kind: 'value' | 'path'): void {
    const node = this.actionTarget === null ? undefined : this.model.byId.get(this.actionTarget);
    if (node) this.copyNode(node, kind);
  }

  private copyNode(node: TreeNode, kind: 'value' | 'path'): void {
    this.host.copy(kind, kind === 'value' ? copyText(node) : jqPath(node.path));
  }

  private selectedRow(): HTMLElement | undefined {
    return this.selected === null ? undefined : this.rowElements.get(this.selected);
  }

  private select(id: string, focus = true): void {
    const prev = this.selectedRow();
    if (prev) {
      prev.classList.remove('selected');
      prev.setAttribute('aria-selected', 'false');
      prev.setAttribute('tabindex', '-1');
    }
    this.selected = id;
    const row = this.rowElements.get(id);
    if (row) {
      row.classList.add('selected');
      row.setAttribute('aria-selected', 'true');
      row.setAttribute('tabindex', '0');
      row.scrollIntoView({ block: 'nearest' });
      if (focus) row.focus();
      this.attachActions(id);
    }
    this.host.changed();
  }

  private toggle(id: string, open?: boolean): void {
    if (open === undefined) this.expansion.toggle(id);
    else this.expansion.setExpanded(id, open);
    this.selected = id;
    this.render();
    this.selectedRow()?.focus();
    this.host.changed();
  }

  private rowIdFromEvent(e: Event): string | null {
    const row = (e.target as Element | null)?.closest?.('.row');
    return row?.getAttribute('data-id') ?? null;
  }

  private onClick(e: MouseEvent): void {
    const id = this.rowIdFromEvent(e);
    if (id === null) return;
    if ((e.target as Element).closest('button')) return; // row action buttons handle themselves
    if (id.startsWith('more:')) this.showMore(id.slice('more:'.length));
    else if ((e.target as Element).closest('[data-action="toggle"]')) this.toggle(id);
    else this.select(id);
  }

  private onDoubleClick(e: MouseEvent): void {
    const id = this.rowIdFromEvent(e);
    const node = id === null ? undefined : this.model.byId.get(id);
    if (node?.children.length && !(e.target as Element).closest('button, [data-action="toggle"]')) this.toggle(node.id);
  }

  private onCopyEvent(e: ClipboardEvent): void {
    // A text selection inside the tree copies as the browser would; otherwise Ctrl+C copies the row's value.
    const selection = document.getSelection();
    if (selection && !selection.isCollapsed && selection.toString()) return;
    const node = this.selected === null ? undefined : this.model.byId.get(this.selected);
    if (!node) return;
    e.preventDefault();
    this.copyNode(node, 'value');
  }

  private onSearchKey(e: KeyboardEvent): void {
    if (e.key === 'Enter') {
      e.preventDefault();
      this.step(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (this.input.value) {
        this.input.value = '';
        this.setQuery('');
      } else {
        this.tree.focus();
      }
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      this.tree.focus();
    }
  }

  private onTreeKey(e: KeyboardEvent): void {
    const index = this.rows.findIndex((r) => rowId(r) === this.selected);
    const intent = treeKeyIntent(e, this.rows, index);
    if (!intent) return;
    e.preventDefault();
    if (intent.kind === 'showMore') {
      this.showMore(intent.parent.id);
      return;
    }
    e.stopPropagation();
    switch (intent.kind) {
      case 'select': {
        const target = this.rows[intent.index];
        if (target) this.select(rowId(target));
        break;
      }
      case 'selectNode':
        this.select(intent.node.id);
        break;
      case 'toggle':
        this.toggle(intent.node.id, intent.open);
        break;
      case 'step':
        this.step(intent.dir, true);
        break;
      case 'copyPath':
        this.copyNode(intent.node, 'path');
        break;
    }
  }
}
