/*
 * The handful of codicons the panel uses (CC BY 4.0, © Microsoft, from @vscode/codicons), bundled as
 * constant SVG text and parsed once with DOMParser: themed through currentColor, no font or image
 * request, and only these icons ship.
 */
import arrowDown from '@vscode/codicons/src/icons/arrow-down.svg';
import arrowUp from '@vscode/codicons/src/icons/arrow-up.svg';
import chevronDown from '@vscode/codicons/src/icons/chevron-down.svg';
import chevronRight from '@vscode/codicons/src/icons/chevron-right.svg';
import collapseAll from '@vscode/codicons/src/icons/collapse-all.svg';
import copy from '@vscode/codicons/src/icons/copy.svg';
import error from '@vscode/codicons/src/icons/error.svg';
import expandAll from '@vscode/codicons/src/icons/expand-all.svg';
import filter from '@vscode/codicons/src/icons/filter.svg';
import location from '@vscode/codicons/src/icons/location.svg';
import refresh from '@vscode/codicons/src/icons/refresh.svg';
import search from '@vscode/codicons/src/icons/search.svg';
import wordWrap from '@vscode/codicons/src/icons/word-wrap.svg';

const SOURCES = {
  arrowDown,
  arrowUp,
  chevronDown,
  chevronRight,
  collapseAll,
  copy,
  error,
  expandAll,
  filter,
  path: location,
  refresh,
  search,
  wordWrap,
} as const;

export type IconName = keyof typeof SOURCES;

const parsed = new Map<IconName, SVGElement>();

export function icon(name: IconName): SVGElement {
  let svg = parsed.get(name);
  if (!svg) {
    const doc = new DOMParser().parseFromString(SOURCES[name], 'image/svg+xml');
    svg = doc.documentElement as unknown as SVGElement;
    svg.setAttribute('class', `codicon codicon-${name}`);
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    parsed.set(name, svg);
  }
  return document.importNode(svg, true);
}
