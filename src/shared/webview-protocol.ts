/*
 * Messages between the extension host and the inspect/history webview, their type guards and the
 * webview's persisted state. Imported by both runtimes, so no vscode and no node modules here.
 *
 * Every message crossing the boundary is checked with the guard of its direction: the host never
 * trusts the webview (which renders attacker-controlled store strings), and the webview ignores
 * anything that is not a well-formed host message.
 */

import type { HistoryEntry } from './model';

/** Identifies the image a panel shows: the store's id (StoreInfo.id) and the full 64-hex storage image ID. */
export interface PanelImage {
  readonly storeId: string;
  readonly imageId: string;
}

/**
 * One element of podman's `image inspect` array (archives-and-references.md §9). Only the fields
 * the summary header reads are typed; the tree and raw views show every key as it comes.
 */
export interface InspectDto {
  readonly Id: string;
  readonly RepoTags?: readonly string[];
  readonly Created?: string | null;
  readonly Size?: number;
  readonly Architecture?: string;
  readonly Os?: string;
  readonly [key: string]: unknown;
}

/** One history row as the store server sends it (podman history, newest first). */
export type HistoryDto = Readonly<HistoryEntry>;

/** The three views of the panel. */
export const INSPECT_TABS = ['inspect', 'raw', 'history'] as const;
export type InspectTab = (typeof INSPECT_TABS)[number];

/** What a copy request copies; the host uses it only for the confirmation it shows. */
export const COPY_KINDS = ['value', 'path', 'json', 'row'] as const;
export type CopyKind = (typeof COPY_KINDS)[number];

/** Largest text the host accepts to put on the clipboard from the webview (a whole inspect is far smaller). */
export const MAX_COPY_CHARS = 16 * 1024 * 1024;
/** Longest store id accepted in a ref restored from webview state. */
export const MAX_STORE_KEY_CHARS = 4096;

// ---- webview → host ----------------------------------------------------------------------------

/** Sent by the webview once its listener is installed, after every (re)load of the webview document. */
export interface ReadyMessage {
  readonly type: 'webview/ready';
}
/** Sent when the user asks to copy something; the host writes `text` to the system clipboard. */
export interface CopyMessage {
  readonly type: 'inspect/copy';
  readonly kind: CopyKind;
  readonly text: string;
}
/** Sent when the user presses Refresh; the host fetches inspect and history again. */
export interface RefreshMessage {
  readonly type: 'inspect/refresh';
}
export type WebviewMessage = ReadyMessage | CopyMessage | RefreshMessage;

// ---- host → webview ----------------------------------------------------------------------------

/** Sent by the host when a fetch starts (after ready, on refresh, on a store change). */
export interface LoadingMessage {
  readonly type: 'inspect/loading';
  readonly ref: PanelImage;
}
/** Sent by the host with the image's data, or the one-sentence reason it could not be read. */
export type DidLoadMessage =
  | { readonly type: 'inspect/didLoad'; readonly ref: PanelImage; readonly inspect: InspectDto; readonly history: readonly HistoryDto[] }
  | { readonly type: 'inspect/didLoad'; readonly ref: PanelImage; readonly error: LoadError };
/** Sent by the host when the panel is asked to show a tab (Inspect vs History command on an open panel). */
export interface ShowTabMessage {
  readonly type: 'inspect/showTab';
  readonly tab: InspectTab;
}
/** Sent by the host after a copy request, so the webview can confirm or report it. */
export interface DidCopyMessage {
  readonly type: 'inspect/didCopy';
  readonly kind: CopyKind;
  readonly ok: boolean;
}
export type HostMessage = LoadingMessage | DidLoadMessage | ShowTabMessage | DidCopyMessage;

export interface LoadError {
  /** One plain sentence for the user. */
  readonly message: string;
  /** Stable StoreErrorCode when the failure came from the store. */
  readonly code?: string;
}

// ---- persisted webview state ---------------------------------------------------------------------

export const STATE_VERSION = 1;

/**
 * Saved with `vscode.setState` on every change and handed back to the host's panel serializer after
 * a window reload, so the same image reopens in the same place.
 */
export interface InspectViewState {
  readonly version: typeof STATE_VERSION;
  /** The image shown; the serializer reopens the panel on it. */
  readonly ref: PanelImage;
  /** The tab in front. */
  readonly tab: InspectTab;
  /** Paths (JSON pointers) of the expanded nodes of the inspect tree; null until the user changes any (defaults apply). */
  readonly expanded: readonly string[] | null;
  /** The search box text of the inspect tree. */
  readonly query: string;
  /** Whether search hides non-matching rows (true) or only highlights matches (false). */
  readonly filter: boolean;
  /** Path of the selected tree row, if any. */
  readonly selected: string | null;
  /** Scroll offsets per tab, in pixels. */
  readonly scroll: Readonly<Record<InspectTab, number>>;
  /** Whether the raw JSON view wraps long lines. */
  readonly wrapRaw: boolean;
}

// ---- guards ---------------------------------------------------------------------------------------

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isOneOf<T extends string>(values: readonly T[], x: unknown): x is T {
  return typeof x === 'string' && (values as readonly string[]).includes(x);
}

const IMAGE_ID = /^[0-9a-f]{64}$/;

export function isPanelImage(x: unknown): x is PanelImage {
  return (
    isRecord(x) &&
    typeof x.storeId === 'string' &&
    x.storeId.length > 0 &&
    x.storeId.length <= MAX_STORE_KEY_CHARS &&
    typeof x.imageId === 'string' &&
    IMAGE_ID.test(x.imageId)
  );
}

export function isInspectTab(x: unknown): x is InspectTab {
  return isOneOf(INSPECT_TABS, x);
}

export function isCopyKind(x: unknown): x is CopyKind {
  return isOneOf(COPY_KINDS, x);
}

/** Checks a message received by the host from the webview. */
export function isWebviewMessage(x: unknown): x is WebviewMessage {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'webview/ready':
    case 'inspect/refresh':
      return true;
    case 'inspect/copy':
      return isCopyKind(x.kind) && typeof x.text === 'string' && x.text.length <= MAX_COPY_CHARS;
    default:
      return false;
  }
}

export function isInspectDto(x: unknown): x is InspectDto {
  return isRecord(x) && typeof x.Id === 'string';
}

export function isHistoryDto(x: unknown): x is HistoryDto {
  return (
    isRecord(x) &&
    typeof x.id === 'string' &&
    typeof x.created === 'string' &&
    typeof x.createdBy === 'string' &&
    typeof x.size === 'number' &&
    typeof x.comment === 'string' &&
    typeof x.emptyLayer === 'boolean'
  );
}

function isLoadError(x: unknown): x is LoadError {
  return isRecord(x) && typeof x.message === 'string' && (x.code === undefined || typeof x.code === 'string');
}

/** Checks a message received by the webview from the host. */
export function isHostMessage(x: unknown): x is HostMessage {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'inspect/loading':
      return isPanelImage(x.ref);
    case 'inspect/didLoad':
      if (!isPanelImage(x.ref)) return false;
      if ('error' in x) return isLoadError(x.error);
      return isInspectDto(x.inspect) && Array.isArray(x.history) && x.history.every(isHistoryDto);
    case 'inspect/showTab':
      return isInspectTab(x.tab);
    case 'inspect/didCopy':
      return isCopyKind(x.kind) && typeof x.ok === 'boolean';
    default:
      return false;
  }
}

/**
 * Reads persisted state leniently: the ref must be valid (else null: nothing to restore), every other
 * field falls back to its default when missing or malformed, so an older or damaged state still reopens.
 */
export function parseViewState(x: unknown): InspectViewState | null {
  if (!isRecord(x) || x.version !== STATE_VERSION || !isPanelImage(x.ref)) return null;
  const scroll = isRecord(x.scroll) ? x.scroll : {};
  const px = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
  return {
    version: STATE_VERSION,
    ref: { storeId: x.ref.storeId, imageId: x.ref.imageId },
    tab: isInspectTab(x.tab) ? x.tab : 'inspect',
    expanded: Array.isArray(x.expanded) ? x.expanded.filter((p): p is string => typeof p === 'string') : null,
    query: typeof x.query === 'string' ? x.query : '',
    filter: typeof x.filter === 'boolean' ? x.filter : true,
    selected: typeof x.selected === 'string' ? x.selected : null,
    scroll: { inspect: px(scroll.inspect), raw: px(scroll.raw), history: px(scroll.history) },
    wrapRaw: typeof x.wrapRaw === 'boolean' ? x.wrapRaw : false,
  };
}

/** State for a panel that has never been shown. */
export function initialViewState(ref: PanelImage, tab: InspectTab): InspectViewState {
  return {
    version: STATE_VERSION,
    ref,
    tab,
    expanded: null,
    query: '',
    filter: true,
    selected: null,
    scroll: { inspect: 0, raw: 0, history: 0 },
    wrapRaw: false,
  };
}
