/*
 * The store library's public entry. Plain Node: never imports vscode or the language server, so the
 * CLI, the store server and tests all use the same code. Keep this list small.
 */
export { Store, type OpenOptions, type ReadOptions, type StoreTree, CONTENT_DRIVERS } from './store';
export { StoreSnapshot, type ImageEntry, type LayerEntry, type StoreProblem } from './snapshot';
export { StoreError, isStoreError } from './errors';
export { resolveStoreConfig, type StoreConfig, type ConfigOverrides } from './config';
export type { ImageRecord, LayerRecord, ContainerRecord } from './records';
export { lock, withLocks, type HeldLock, type LockMode } from './lock';
