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
export { relationsOf, ImageRelations } from './image-relations';
export { areParentAndChild } from './config-facts';
export { repoTagsOf, repoDigestsOf, digestsOf, effectiveDigest } from './image-names';
export type { ImageDetails, ImageConfigJson, ManifestJson } from './image-details';
export {
  Reference,
  parseReference,
  parseNormalizedNamed,
  parseDockerRef,
  normalizeName,
  tagNameOnly,
  trimNamed,
  withTag,
  withDigest,
  dropTagIfDigested,
  isShortName,
  isRegistryDomain,
  isFullIdentifier,
  isValidDigest,
  digestError,
  familiar,
  familiarName,
  familiarString,
  splitDockerDomain,
  goQuote,
  NAME_TOTAL_LENGTH_MAX,
} from './reference';
export {
  loadRegistriesConfig,
  realRegistriesEnvironment,
  registriesFiles,
  shortNameAliasesPath,
  EMPTY_REGISTRIES_CONFIG,
  type RegistriesConfig,
  type RegistriesEnvironment,
  type ShortNameAlias,
} from './registries';
export { lookupImage, lookupImages, lookupCandidates, resolveLocally, type LookupOptions, type LookupResult, type Platform } from './lookup';
export { hostPlatform } from './manifest-list';
export { filterImagesByReference, matchesReferenceFilter, referenceFilterCandidates, pathMatch } from './reference-filter';
export { tagImage, untagImage, removeImages, removeExitCode, resolveEventsConfig } from './write';
export type { NameChangeOptions, NameChangeResult, RemoveOptions, RemoveReport, RemovedImage, EventsConfig } from './write';
export { saveImages, SAVE_FORMATS, type SaveFormat, type SaveOptions, type SaveProgress, type SaveResult, type SavedImage } from './save';
export { layerTarStream, type LayerStreamOptions } from './layer-stream';
export { loadArchive, chainLayerId, type LoadOptions, type LoadResult, type LoadProgress, type LoadedImage } from './load/load';
export { importTarball, type ImportOptions, type ImportResult } from './load/import';
export type { ArchiveFormat } from './load/image-source';
