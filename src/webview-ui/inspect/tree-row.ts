/*
 * One row of the Inspect tree as DOM: twistie, key, and either the container's summary or the
 * value with its hint, search matches wrapped in <mark>. Text goes in as text nodes only (store
 * strings are attacker-controlled). Pure: what a row looks like is all in its arguments.
 */
import { el, text } from '../dom';
import { icon } from './icons';
import { childSummary, valueHint } from './json-tree';
import { segment, type Range } from './text-ranges';
import { CHILD_PAGE, rowId, type Row, type SearchResult } from './tree-state';

/** Pixels of indentation per tree level. */
export const INDENT_PX = 16;

export interface RowLook {
  selected: boolean;
  /** The search match the user is on. */
  isCurrent: boolean;
  search: SearchResult | null;
}

export function renderNodeRow(row: Extract<Row, { kind: 'node' }>, how: RowLook): HTMLElement {
  const { node } = row;
  const { selected, isCurrent, search } = how;
  const e = el('div', {
    className: `row kind-${node.kind}${selected ? ' selected' : ''}${isCurrent ? ' current-match' : ''}`,
    attrs: {
      role: 'treeitem',
      'aria-level': String(node.depth + 1),
      'aria-selected': String(selected),
      tabindex: '-1',
      'data-id': node.id,
    },
  });
  if (row.expandable) e.setAttribute('aria-expanded', String(row.expanded));
  e.style.paddingLeft = `${node.depth * INDENT_PX + 4}px`;

  e.append(
    row.expandable
      ? el('span', { className: 'twistie', attrs: { 'data-action': 'toggle' } }, [icon(row.expanded ? 'chevronDown' : 'chevronRight')])
      : el('span', { className: 'twistie' }),
  );
  const key = el('span', { className: typeof node.path[node.path.length - 1] === 'number' ? 'key index' : 'key' });
  appendMarked(key, node.keyText, search?.keyRanges.get(node.id));
  e.append(key, el('span', { className: 'colon', text: ': ' }));
  if (row.expandable || node.kind === 'object' || node.kind === 'array') {
    // Collapsed (or empty) containers show their brackets as a stand-in for the hidden content.
    const [open, close] = node.kind === 'array' ? ['[', ']'] : ['{', '}'];
    if (!row.expanded) e.append(el('span', { className: 'punct', text: node.children.length ? `${open}…${close}` : `${open}${close}` }));
    e.append(el('span', { className: 'summary', text: childSummary(node) }));
  } else {
    const value = el('span', { className: `value ${node.kind}` });
    if (node.kind === 'string') value.append(el('span', { className: 'quote', text: '"' }));
    const inner = el('span', { className: 'value-text' });
    appendMarked(inner, node.valueText, search?.valueRanges.get(node.id));
    value.append(inner);
    if (node.kind === 'string') value.append(el('span', { className: 'quote', text: '"' }));
    e.append(value);
    const hint = valueHint(node, Date.now());
    if (hint) e.append(el('span', { className: 'hint', text: hint }));
  }
  return e;
}

/** Appends `s` to `parent` as text nodes, wrapping the given ranges in <mark>. */
function appendMarked(parent: HTMLElement, s: string, ranges: readonly Range[] | undefined): void {
  if (!ranges?.length) {
    parent.append(text(s));
    return;
  }
  for (const seg of segment(s, 0, ranges)) {
    parent.append(seg.mark >= 0 ? el('mark', { text: seg.text }) : text(seg.text));
  }
}

/** The row standing for a container's children past its page: "Show N more (M hidden)". */
export function renderMoreRow(row: Extract<Row, { kind: 'more' }>): HTMLElement {
  const e = el('div', {
    className: 'row more-row',
    text: `Show ${Math.min(row.remaining, CHILD_PAGE)} more (${row.remaining} hidden)`,
    attrs: { role: 'treeitem', 'aria-level': String(row.depth + 1), tabindex: '-1', 'data-id': rowId(row), 'data-action': 'more' },
  });
  e.style.paddingLeft = `${row.depth * INDENT_PX + 22}px`;
  return e;
}
