/*
 * The Raw JSON tab: the inspect output exactly as `podman image inspect` prints it, coloured by
 * token, with a highlighting search, line wrapping toggle and copy. Text goes in via textContent only.
 */
import type { CopyKind } from '../../shared/webview-protocol';
import { clear, el, text } from '../dom';
import { icon } from './icons';
import { escapeInvisible } from './json-tree';
import { podmanInspectText, tokenizeJson } from './raw-json';
import { findRanges, segment, type Range } from './text-ranges';
import { iconButton, toggleButton } from './widgets';

const SEARCH_DEBOUNCE_MS = 80;
/** Above this many characters the raw JSON is shown uncoloured: one text node instead of a span per token. */
const COLOUR_LIMIT = 200_000;

export interface RawViewHost {
  copy(kind: CopyKind, text: string): void;
  changed(): void;
}

export class RawView {
  readonly element: HTMLElement;
  readonly scroller: HTMLElement;
  private readonly pre: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly count: HTMLElement;
  private exact = '';
  private shown = '';
  private ranges: Range[] = [];
  private current = -1;
  private marks: HTMLElement[][] = [];
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private applied = '';

  constructor(
    private readonly host: RawViewHost,
    private wrap: boolean,
  ) {
    this.input = el('input', {
      className: 'search-input',
      attrs: { type: 'search', placeholder: 'Find in JSON', 'aria-label': 'Find in raw JSON (Ctrl+F)', spellcheck: 'false' },
    });
    this.count = el('span', { className: 'match-count', attrs: { 'aria-live': 'polite' } });
    this.pre = el('pre', { className: 'raw-json', attrs: { tabindex: '0', 'aria-label': 'Raw inspect JSON' } });
    this.pre.classList.toggle('wrap', wrap);
    this.scroller = el('div', { className: 'scroller' }, [this.pre]);
    const toolbar = el('div', { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Raw JSON' } }, [
      el('div', { className: 'search-box' }, [icon('search'), this.input, this.count]),
      iconButton('arrowUp', 'Previous match (Shift+Enter)', () => this.step(-1)),
      iconButton('arrowDown', 'Next match (Enter)', () => this.step(1)),
      el('span', { className: 'separator' }),
      toggleButton('wordWrap', 'Wrap long lines', wrap, (on) => {
        this.wrap = on;
        this.pre.classList.toggle('wrap', on);
        this.host.changed();
      }),
      iconButton('copy', 'Copy JSON as podman prints it', () => this.host.copy('json', this.exact)),
    ]);
    this.element = el('div', { className: 'raw-view' }, [toolbar, this.scroller]);
    this.input.addEventListener('input', () => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.setQuery(this.input.value), SEARCH_DEBOUNCE_MS);
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        const pending = this.input.value !== this.applied;
        this.flush();
        if (!pending) this.step(e.shiftKey ? -1 : 1);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        this.input.value = '';
        this.setQuery('');
        this.pre.focus();
      }
    });
  }

  get wrapLines(): boolean {
    return this.wrap;
  }

  setData(inspect: unknown): void {
    this.exact = podmanInspectText(inspect);
    this.shown = escapeInvisible(this.exact);
    this.ranges = findRanges(this.shown, this.input.value);
    this.current = -1;
    this.render();
  }

  focusSearch(): void {
    this.input.focus();
    this.input.select();
  }

  /** Applies a query still waiting for its debounce, so Enter right after typing acts on it. */
  private flush(): void {
    if (this.input.value === this.applied) return;
    clearTimeout(this.debounce);
    this.setQuery(this.input.value);
  }

  private setQuery(q: string): void {
    this.applied = q;
    this.ranges = findRanges(this.shown, q);
    this.current = -1;
    this.render();
    if (this.ranges.length) this.step(1);
  }

  private render(): void {
    clear(this.pre);
    this.marks = this.ranges.map(() => []);
    const frag = document.createDocumentFragment();
    const tokens = this.shown.length > COLOUR_LIMIT ? [{ kind: 'space' as const, text: this.shown, offset: 0 }] : tokenizeJson(this.shown);
    for (const token of tokens) {
      const parts = this.ranges.length ? segment(token.text, token.offset, this.ranges) : [{ text: token.text, mark: -1 }];
      const target = token.kind === 'space' || token.kind === 'punct' ? frag : el('span', { className: `tok-${token.kind}` });
      for (const p of parts) {
        if (p.mark < 0) target.append(text(p.text));
        else {
          const m = el('mark', { text: p.text });
          this.marks[p.mark]?.push(m);
          target.append(m);
        }
      }
      if (target !== frag) frag.append(target);
    }
    this.pre.append(frag);
    this.updateCount();
  }

  private step(dir: 1 | -1): void {
    if (!this.ranges.length) return;
    for (const m of this.marks[this.current] ?? []) m.classList.remove('current');
    this.current = (this.current + dir + this.ranges.length) % this.ranges.length;
    const marks = this.marks[this.current] ?? [];
    for (const m of marks) m.classList.add('current');
    marks[0]?.scrollIntoView({ block: 'center', inline: 'nearest' });
    this.updateCount();
  }

  private updateCount(): void {
    const n = this.ranges.length;
    const q = this.input.value;
    this.count.textContent = !q ? '' : n === 0 ? 'No results' : this.current >= 0 ? `${this.current + 1} of ${n}` : `${n} found`;
    this.input.classList.toggle('no-results', !!q && n === 0);
  }
}
