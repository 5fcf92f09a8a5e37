/*
 * The inspect/history panel inside the webview: summary header, tabs, loading and error states,
 * copy confirmations and the persisted state. Receives only messages that passed isHostMessage.
 */
import {
  initialViewState,
  type CopyKind,
  type HistoryDto,
  type HostMessage,
  type PanelImage,
  type InspectDto,
  type InspectTab,
  type InspectViewState,
  type WebviewMessage,
} from '../../shared/webview-protocol';
import { humanAge, humanSize } from '../../shared/human-format';
import { clear, el } from '../dom';
import { HistoryView } from './history-view';
import { icon } from './icons';
import { displayString } from './json-tree';
import { RawView } from './raw-view';
import { TreeView } from './tree-view';
import { iconButton } from './widgets';

/** How long the "Copied …" confirmation stays. */
const TOAST_MS = 1800;
const TAB_LABELS: Record<InspectTab, string> = { inspect: 'Inspect', raw: 'Raw JSON', history: 'History' };
const COPY_LABELS: Record<CopyKind, string> = { value: 'value', path: 'jq path', json: 'JSON', row: 'history row' };

export interface AppHost {
  post(message: WebviewMessage): void;
  saveState(state: InspectViewState): void;
}

export class InspectApp {
  private state: InspectViewState | null;
  private ref: PanelImage | null;
  private readonly header: HTMLElement;
  private readonly title: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly errorBox: HTMLElement;
  private readonly toast: HTMLElement;
  private readonly tabs = new Map<InspectTab, HTMLButtonElement>();
  private readonly panels = new Map<InspectTab, HTMLElement>();
  private readonly tree: TreeView;
  private readonly raw: RawView;
  private readonly history: HistoryView;
  private readonly content: HTMLElement;
  private tab: InspectTab;
  private loaded = false;
  private toastTimer: ReturnType<typeof setTimeout> | undefined;
  private saveScheduled: number | undefined;
  /** Current scroll offset of each tab, kept from scroll events. */
  private readonly scroll: Record<InspectTab, number>;
  /** Saved offsets still to apply, per tab, once that tab shows data. */
  private readonly pendingScroll = new Map<InspectTab, number>();

  constructor(
    root: HTMLElement,
    private readonly host: AppHost,
    saved: InspectViewState | null,
  ) {
    this.state = saved;
    this.ref = saved?.ref ?? null;
    this.tab = saved?.tab ?? 'inspect';
    this.scroll = { ...(saved?.scroll ?? { inspect: 0, raw: 0, history: 0 }) };
    for (const t of ['inspect', 'raw', 'history'] as const) if (this.scroll[t] > 0) this.pendingScroll.set(t, this.scroll[t]);
    const changed = (): void => this.save();
    const copy = (kind: CopyKind, text: string): void => this.host.post({ type: 'inspect/copy', kind, text });
    this.tree = new TreeView(
      { copy, changed },
      { expanded: saved?.expanded ?? null, query: saved?.query ?? '', filter: saved?.filter ?? true, selected: saved?.selected ?? null },
    );
    this.raw = new RawView({ copy, changed }, saved?.wrapRaw ?? false);
    this.history = new HistoryView({ copy });

    this.title = el('h1', { className: 'title', text: this.ref ? `Image ${this.ref.imageId.slice(0, 12)}` : 'Image' });
    this.meta = el('div', { className: 'meta' });
    this.progress = el('div', { className: 'progress', attrs: { role: 'progressbar', 'aria-label': 'Loading', hidden: '' } });
    this.header = el('header', { className: 'image-summary' }, [
      el('div', { className: 'summary-text' }, [this.title, this.meta]),
      iconButton('refresh', 'Reload from the store', () => this.host.post({ type: 'inspect/refresh' })),
    ]);
    const tablist = el('div', { className: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Views' } });
    for (const tab of ['inspect', 'raw', 'history'] as const) {
      const b = el('button', {
        className: 'tab',
        text: TAB_LABELS[tab],
        attrs: { role: 'tab', type: 'button', id: `tab-${tab}`, 'aria-controls': `panel-${tab}` },
      });
      b.addEventListener('click', () => this.showTab(tab, true));
      b.addEventListener('keydown', (e) => this.onTabKey(e, tab));
      this.tabs.set(tab, b);
      tablist.append(b);
    }
    const views: Record<InspectTab, { element: HTMLElement; scroller: HTMLElement }> = {
      inspect: this.tree,
      raw: this.raw,
      history: this.history,
    };
    this.content = el('main', { className: 'content' });
    for (const tab of ['inspect', 'raw', 'history'] as const) {
      const panel = el('section', {
        className: 'tab-panel',
        attrs: { role: 'tabpanel', id: `panel-${tab}`, 'aria-labelledby': `tab-${tab}`, hidden: '' },
      }, [views[tab].element]);
      const scroller = views[tab].scroller;
      scroller.addEventListener(
        'scroll',
        () => {
          // Read here, where layout is clean, so saving never forces a layout.
          this.scroll[tab] = scroller.scrollTop;
          this.save();
        },
        { passive: true },
      );
      this.panels.set(tab, panel);
      this.content.append(panel);
    }
    this.errorBox = el('div', { className: 'error-box', attrs: { role: 'alert', hidden: '' } });
    this.toast = el('div', { className: 'toast', attrs: { role: 'status', 'aria-live': 'polite' } });
    clear(root);
    root.append(this.progress, this.header, tablist, this.errorBox, this.content, this.toast);
    root.removeAttribute('aria-busy');
    this.showTab(this.tab, false);
    this.setLoading(true);
    document.addEventListener('keydown', (e) => this.onGlobalKey(e));
  }

  handle(message: HostMessage): void {
    switch (message.type) {
      case 'inspect/loading':
        this.adoptRef(message.ref);
        this.setLoading(true);
        break;
      case 'inspect/didLoad':
        this.adoptRef(message.ref);
        this.setLoading(false);
        if ('error' in message) this.showError(message.error.message, message.error.code);
        else this.showData(message.inspect, message.history);
        break;
      case 'inspect/showTab':
        this.showTab(message.tab, true);
        break;
      case 'inspect/didCopy':
        this.showToast(message.ok ? `Copied ${COPY_LABELS[message.kind]}` : `Could not copy the ${COPY_LABELS[message.kind]}`);
        break;
    }
  }

  private adoptRef(ref: PanelImage): void {
    if (this.ref && this.ref.storeId === ref.storeId && this.ref.imageId === ref.imageId) return;
    this.ref = ref;
    if (!this.state) this.state = initialViewState(ref, this.tab);
    if (!this.loaded) this.title.textContent = `Image ${ref.imageId.slice(0, 12)}`;
    this.save();
  }

  private setLoading(on: boolean): void {
    this.progress.hidden = !on;
    document.body.setAttribute('aria-busy', String(on));
  }

  private showError(message: string, code: string | undefined): void {
    clear(this.errorBox);
    this.errorBox.append(icon('error'), el('span', { className: 'error-message', text: message }));
    if (code) this.errorBox.append(el('span', { className: 'error-code', text: code }));
    this.errorBox.append(el('button', { className: 'text-button', text: 'Retry', attrs: { type: 'button' } }));
    this.errorBox.querySelector('button')?.addEventListener('click', () => this.host.post({ type: 'inspect/refresh' }));
    this.errorBox.hidden = false;
    this.content.hidden = true;
  }

  private showData(inspect: InspectDto, history: readonly HistoryDto[]): void {
    this.errorBox.hidden = true;
    this.content.hidden = false;
    const firstLoad = !this.loaded;
    this.loaded = true;
    const tags = Array.isArray(inspect.RepoTags) ? inspect.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    this.title.textContent = displayString(tags[0] ?? `<none> ${inspect.Id.slice(0, 12)}`);
    clear(this.meta);
    const facts: [string, string, string?][] = [['ID', inspect.Id.slice(0, 12), inspect.Id]];
    if (tags.length > 1) facts.push(['Tags', `+${tags.length - 1} more`, tags.slice(1).join('\n')]);
    const age = humanAge(typeof inspect.Created === 'string' ? inspect.Created : null, Date.now());
    if (age) facts.push(['Created', age, String(inspect.Created)]);
    if (typeof inspect.Size === 'number') facts.push(['Size', humanSize(inspect.Size), `${inspect.Size} bytes`]);
    if (typeof inspect.Os === 'string' && typeof inspect.Architecture === 'string') facts.push(['Platform', `${inspect.Os}/${inspect.Architecture}`]);
    facts.push(['Layers in history', String(history.filter((h) => h.size > 0).length)]);
    for (const [label, value, title] of facts) {
      this.meta.append(el('span', { className: 'fact' }, [el('span', { className: 'fact-label', text: label }), el('span', { className: 'fact-value', text: displayString(value), title: title ?? '' })]));
    }
    this.tree.setData(inspect);
    this.raw.setData(inspect);
    this.history.setData(history);
    if (firstLoad) this.applyPendingScroll();
  }

  private showTab(tab: InspectTab, focus: boolean): void {
    this.tab = tab;
    for (const [t, b] of this.tabs) {
      const on = t === tab;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      b.classList.toggle('active', on);
      const panel = this.panels.get(t);
      if (panel) panel.hidden = !on;
    }
    if (focus) this.tabs.get(tab)?.focus();
    if (this.loaded) this.applyPendingScroll();
    // Saved at once, not on the next frame: a reload right after switching must reopen this tab
    // (frames do not run while the panel is hidden or the page is going away).
    this.saveNow();
  }

  private onTabKey(e: KeyboardEvent, tab: InspectTab): void {
    const order: InspectTab[] = ['inspect', 'raw', 'history'];
    const i = order.indexOf(tab);
    let next: InspectTab | undefined;
    if (e.key === 'ArrowRight') next = order[(i + 1) % order.length];
    else if (e.key === 'ArrowLeft') next = order[(i + order.length - 1) % order.length];
    else if (e.key === 'Home') next = order[0];
    else if (e.key === 'End') next = order[order.length - 1];
    if (next) {
      e.preventDefault();
      this.showTab(next, true);
    }
  }

  private onGlobalKey(e: KeyboardEvent): void {
    const mod = e.ctrlKey || e.metaKey;
    const inField = e.target instanceof HTMLInputElement;
    if ((mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f') || (e.key === '/' && !inField && !mod)) {
      if (this.tab === 'history') return;
      e.preventDefault();
      if (this.tab === 'inspect') this.tree.focusSearch();
      else this.raw.focusSearch();
    }
  }

  private showToast(message: string): void {
    this.toast.textContent = message;
    this.toast.classList.add('visible');
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => this.toast.classList.remove('visible'), TOAST_MS);
  }

  private scrollers(): Record<InspectTab, HTMLElement> {
    return { inspect: this.tree.scroller, raw: this.raw.scroller, history: this.history.scroller };
  }

  /** Restores the saved offset of the visible tab (hidden tabs have no layout: theirs waits until shown). */
  private applyPendingScroll(): void {
    const top = this.pendingScroll.get(this.tab);
    if (top === undefined) return;
    this.pendingScroll.delete(this.tab);
    this.scrollers()[this.tab].scrollTop = top;
  }

  /** Persists state once per frame at most; never reads layout. */
  private save(): void {
    if (this.saveScheduled !== undefined) return;
    this.saveScheduled = requestAnimationFrame(() => {
      this.saveScheduled = undefined;
      this.saveNow();
    });
  }

  private saveNow(): void {
    if (!this.ref) return;
    const base = this.state ?? initialViewState(this.ref, this.tab);
    const tree = this.tree.state();
    this.state = {
      ...base,
      ref: this.ref,
      tab: this.tab,
      expanded: tree.expanded,
      query: tree.query,
      filter: tree.filter,
      selected: tree.selected,
      wrapRaw: this.raw.wrapLines,
      scroll: { ...this.scroll },
    };
    this.host.saveState(this.state);
  }
}
