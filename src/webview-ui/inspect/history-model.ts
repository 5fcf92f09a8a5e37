/*
 * Rows of the history table: podman's history JSON turned into what each cell shows, plus the
 * width of each layer's size bar. Pure; the view builds the table with DOM APIs.
 */
import type { HistoryDto } from '../../shared/webview-protocol';
import { humanAge, humanSize } from '../../shared/human-format';
import { escapeInvisible } from './json-tree';

/** podman shows IDs shortened to 12 characters unless --no-trunc. */
const SHORT_ID = 12;
/** The shell prefix buildah/docker put before every Dockerfile instruction; shown dimmed. */
const NOP_PREFIX = /^\/bin\/sh -c #\(nop\)\s*/;
const SHELL_PREFIX = /^\/bin\/sh -c\s+/;

export interface HistoryRow {
  /** 12-char ID, or "<missing>" as podman prints it. */
  readonly shortId: string;
  readonly fullId: string;
  readonly missing: boolean;
  /** "2 days ago", or "" when the entry has no usable date. */
  readonly age: string;
  /** The timestamp as stored, for the tooltip. */
  readonly created: string;
  /** Dimmed lead of `created by` ("/bin/sh -c #(nop) "), then the instruction itself. */
  readonly createdByPrefix: string;
  readonly createdBy: string;
  readonly size: number;
  readonly sizeText: string;
  /** Size bar width as a fraction of the widest bar, in [0, 1]. */
  readonly bar: number;
  readonly comment: string;
  /** A metadata-only step (ENV, LABEL…) or zero bytes: shown dimmed. */
  readonly zero: boolean;
}

/** Each size as a fraction of the largest; 0 for zero, negative or non-finite sizes. Linear, so bars compare honestly. */
export function barFractions(sizes: readonly number[]): number[] {
  const valid = sizes.map((s) => (Number.isFinite(s) && s > 0 ? s : 0));
  const max = Math.max(0, ...valid);
  return valid.map((s) => (max > 0 ? s / max : 0));
}

export function splitCreatedBy(createdBy: string): { prefix: string; rest: string } {
  const m = NOP_PREFIX.exec(createdBy) ?? SHELL_PREFIX.exec(createdBy);
  return m ? { prefix: m[0], rest: createdBy.slice(m[0].length) } : { prefix: '', rest: createdBy };
}

export function historyRows(history: readonly HistoryDto[], now: number): HistoryRow[] {
  const bars = barFractions(history.map((h) => h.size));
  return history.map((h, i) => {
    const missing = h.id === '<missing>';
    const { prefix, rest } = splitCreatedBy(h.createdBy);
    return {
      shortId: missing ? h.id : h.id.slice(0, SHORT_ID),
      fullId: h.id,
      missing,
      age: humanAge(h.created, now) ?? '',
      created: h.created,
      createdByPrefix: escapeInvisible(prefix),
      createdBy: escapeInvisible(rest),
      size: h.size,
      sizeText: humanSize(h.size),
      bar: bars[i] ?? 0,
      comment: escapeInvisible(h.comment),
      zero: h.emptyLayer || !(h.size > 0),
    };
  });
}

/** Sum of the layer sizes, for the table footer. */
export function historyTotal(history: readonly HistoryDto[]): number {
  return history.reduce((sum, h) => sum + (Number.isFinite(h.size) && h.size > 0 ? h.size : 0), 0);
}

/** A row as tab-separated text (ID, created, created by, size in bytes, comment), for "Copy row". */
export function rowText(h: HistoryDto): string {
  return [h.id, h.created, h.createdBy, String(h.size), h.comment].join('\t');
}
