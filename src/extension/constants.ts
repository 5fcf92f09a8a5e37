/*
 * Every identifier the manifest and the code share: command ids, view ids, context keys, setting
 * keys. scripts/check-manifest.mjs checks package.json against this file, so a command declared
 * but never registered, or a `when` clause naming an unknown key, fails CI.
 */

export const EXTENSION_ID = 'strata.strata';

export const Commands = {
  tagImage: 'strata.tagImage',
  untagImage: 'strata.untagImage',
  removeImage: 'strata.removeImage',
  saveImage: 'strata.saveImage',
  loadImages: 'strata.loadImages',
  importImage: 'strata.importImage',
  inspectImage: 'strata.inspectImage',
  showImageHistory: 'strata.showImageHistory',
  copyImageId: 'strata.copyImageId',
  copyImageName: 'strata.copyImageName',
  copyImageDigest: 'strata.copyImageDigest',
  refresh: 'strata.refresh',
  filterImages: 'strata.filterImages',
  clearFilter: 'strata.clearFilter',
  showIntermediateImages: 'strata.showIntermediateImages',
  hideIntermediateImages: 'strata.hideIntermediateImages',
  addStore: 'strata.addStore',
  showLogs: 'strata.showLogs',
  restartServer: 'strata.restartServer',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  container: 'strata',
  images: 'strata.images',
} as const;

export const ContextKeys = {
  /** ready | notFound | noPermission | error | serverDown | starting */
  storeState: 'strata.storeState',
  serverRunning: 'strata.serverRunning',
  showIntermediate: 'strata.showIntermediate',
  filtered: 'strata.filtered',
} as const;

export type StoreStateKey = 'starting' | 'ready' | 'notFound' | 'noPermission' | 'error' | 'serverDown';

export const Settings = {
  section: 'strata',
  stores: 'strata.stores',
  discoverSystemStores: 'strata.discoverSystemStores',
  groupBy: 'strata.groupBy',
  traceServer: 'strata.trace.server',
} as const;

/** Memento keys (workspace state). */
export const StateKeys = {
  showIntermediate: 'strata.showIntermediate',
} as const;

/** Webview panel view types (package.json activates on `onWebviewPanel:<type>` to restore them after a reload). */
export const WebviewTypes = {
  inspect: 'strata.inspect',
} as const;
