/*
 * The History tab: podman's history rows as a table (ID, created, created by, size with a bar,
 * comment), newest first, with a total. `created by` and comments come from image configs anyone
 * can write, so every cell is filled with textContent.
 */
import type { CopyKind, HistoryDto } from '../../shared/webview-protocol';
import { humanSize } from '../../shared/human-format';
import { clear, el } from '../dom';
import { historyRows, historyTotal, rowText } from './history-model';
import { iconButton } from './widgets';

export interface HistoryViewHost {
  copy(kind: CopyKind, text: string): void;
}

export class HistoryView {
  readonly element: HTMLElement;
  readonly scroller: HTMLElement;
  private readonly body: HTMLElement;
  private readonly footer: HTMLElement;

  constructor(private readonly host: HistoryViewHost) {
    this.body = el('tbody');
    this.footer = el('div', { className: 'history-footer' });
    const head = el('thead', {}, [
      el('tr', {}, [
        el('th', { className: 'col-id', text: 'ID', attrs: { scope: 'col' } }),
        el('th', { className: 'col-created', text: 'Created', attrs: { scope: 'col' } }),
        el('th', { className: 'col-created-by', text: 'Created by', attrs: { scope: 'col' } }),
        el('th', { className: 'col-size', text: 'Size', attrs: { scope: 'col' } }),
        el('th', { className: 'col-comment', text: 'Comment', attrs: { scope: 'col' } }),
        el('th', { className: 'col-actions', attrs: { scope: 'col', 'aria-label': 'Actions' } }),
      ]),
    ]);
    const table = el('table', { className: 'history-table', attrs: { 'aria-label': 'Image history, newest first' } }, [head, this.body]);
    this.scroller = el('div', { className: 'scroller' }, [table, this.footer]);
    this.element = el('div', { className: 'history-view' }, [this.scroller]);
  }

  setData(history: readonly HistoryDto[]): void {
    clear(this.body);
    const rows = historyRows(history, Date.now());
    rows.forEach((r, i) => {
      const bar = el('div', { className: 'size-bar', attrs: { 'aria-hidden': 'true' } }, [el('div', { className: 'size-bar-fill' })]);
      const fill = bar.firstElementChild as HTMLElement;
      fill.style.width = `${(r.bar * 100).toFixed(2)}%`;
      if (r.bar > 0) fill.classList.add('nonzero');
      const dto = history[i] as HistoryDto;
      this.body.append(
        el('tr', { className: r.zero ? 'zero' : '' }, [
          el('td', { className: `col-id mono${r.missing ? ' missing' : ''}`, text: r.shortId, title: r.fullId }),
          el('td', { className: 'col-created', text: r.age || '—', title: r.created }),
          el('td', { className: 'col-created-by mono' }, [
            el('span', { className: 'created-by-prefix', text: r.createdByPrefix }),
            el('span', { className: 'created-by', text: r.createdBy }),
          ]),
          el('td', { className: 'col-size' }, [el('span', { className: 'size-text', text: r.sizeText, title: `${r.size} bytes` }), bar]),
          el('td', { className: 'col-comment', text: r.comment }),
          el('td', { className: 'col-actions' }, [iconButton('copy', 'Copy row', () => this.host.copy('row', rowText(dto)), -1)]),
        ]),
      );
    });
    if (!rows.length) {
      this.body.append(el('tr', {}, [el('td', { className: 'empty', text: 'This image has no history entries.', attrs: { colspan: '6' } })]));
    }
    const total = historyTotal(history);
    const layers = history.filter((h) => h.size > 0).length;
    this.footer.textContent = `${history.length} ${history.length === 1 ? 'entry' : 'entries'}, ${layers} with content, ${humanSize(total)} in total`;
  }
}
