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
export { listImages, summarizeImage, imageRows, formatImagesJson, formatImagesTable, type ImageSummary, type ImageRow } from './images-list';
export { inspectImage, formatInspectJson, type InspectResult } from './inspect';
export { imageHistory, formatHistoryJson, formatHistoryTable, type HistoryRow, MISSING_ID } from './history';
export { imageTree, formatImageTree, printTree, topLayerTags, type TreeNode } from './image-tree';
export { relationsOf, ImageRelations, areParentAndChild } from './image-relations';
export { repoTagsOf, repoDigestsOf, digestsOf, effectiveDigest } from './image-names';
export type { ImageDetails, ImageConfigJson, ManifestJson } from './image-details';
