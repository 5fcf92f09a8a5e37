/*
 * The store server's JSON-RPC protocol, defined once for both ends. Each message has a literal
 * method `store/<verb><Noun>`, a typed RequestType/NotificationType and a line saying who sends it
 * and when. Requests that take long accept a `workDoneToken` (work-done progress) and honour
 * cancellation. A failed request carries `data.storeCode` (src/shared/errors.ts) so the client can
 * say what went wrong in one sentence. No vscode, no node:fs here.
 */
import { NotificationType, RequestType, RequestType0, type ProgressToken } from 'vscode-jsonrpc';
import type { StoreErrorCode } from './errors';
import type {
  HistoryEntry,
  ImageDetails,
  ImageSummary,
  RemovalPlan,
  RemovalResult,
  SaveFormat,
  StoreCapability,
  StoreInfo,
  StoreLocation,
} from './model';

/** JSON-RPC error code of every failure that carries a StoreError (see StoreErrorData). */
export const STORE_ERROR = -32050;

/** `ResponseError.data` of a STORE_ERROR response. */
export interface StoreErrorData {
  storeCode: StoreErrorCode;
  /** Extra facts for logs (paths, candidates); never needed to build the sentence. */
  detail?: Record<string, unknown>;
}

export function isStoreErrorData(x: unknown): x is StoreErrorData {
  return typeof x === 'object' && x !== null && typeof (x as StoreErrorData).storeCode === 'string';
}

/** Options the client passes at start (`initializationOptions`) and after setting changes. */
export interface ServerSettings {
  /** Stores the user added (setting `strata.stores`, "Add store…"). */
  extraStores: StoreLocation[];
  /** Also list the machine's rootless and rootful stores (off in tests and demos). */
  discoverSystemStores: boolean;
  /** Milliseconds to coalesce file events into one `store/didChange`. */
  watchDebounceMs: number;
}

export interface WorkDoneParams {
  workDoneToken?: ProgressToken;
}

/** Names a store and an image in it. */
export interface ImageParams {
  storeId: string;
  imageId: string;
}

export namespace Capabilities {
  export const method = 'store/capabilities' as const;
  /** client → server, after start: which write operations this server's store library provides. */
  export const type = new RequestType0<StoreCapability[], void>(method);
}

export namespace Configure {
  export const method = 'store/configure' as const;
  /** client → server, when `strata.stores` (or a related setting) changes: re-discover and re-watch. */
  export const type = new RequestType<ServerSettings, void, void>(method);
}

export namespace ListStores {
  export const method = 'store/listStores' as const;
  /** client → server, to build the tree's roots: every store found, with its status. */
  export const type = new RequestType0<StoreInfo[], void>(method);
}

export interface ListImagesParams {
  storeId: string;
}
export interface ListImagesResult {
  store: StoreInfo;
  /** Every image, intermediate ones included (the client filters). */
  images: ImageSummary[];
}
export namespace ListImages {
  export const method = 'store/listImages' as const;
  /** client → server, when a store node is expanded or after `store/didChange`. */
  export const type = new RequestType<ListImagesParams, ListImagesResult, void>(method);
}

export namespace ImageDetailsRequest {
  export const method = 'store/imageDetails' as const;
  /** client → server, when an image node is expanded: layer hierarchy, images built on it, containers. */
  export const type = new RequestType<ImageParams, ImageDetails, void>(method);
}

export namespace InspectImage {
  export const method = 'store/inspectImage' as const;
  /** client → server, for the Inspect panel: podman's `image inspect` object for one image. */
  export const type = new RequestType<ImageParams, Record<string, unknown>, void>(method);
}

export namespace ImageHistory {
  export const method = 'store/imageHistory' as const;
  /** client → server, for the History panel: `podman history` rows, newest first. */
  export const type = new RequestType<ImageParams, HistoryEntry[], void>(method);
}

export interface TagParams extends ImageParams {
  /** Reference as typed by the user; normalised by the server (`app` → `localhost/app:latest`). */
  name: string;
}
export namespace TagImage {
  export const method = 'store/tagImage' as const;
  /** client → server, from "Tag…": adds a name; returns the normalised name added. */
  export const type = new RequestType<TagParams, string, void>(method);
}

export namespace UntagImage {
  export const method = 'store/untagImage' as const;
  /** client → server, from "Untag": removes one name from the image. */
  export const type = new RequestType<TagParams, void, void>(method);
}

export namespace ValidateReference {
  export const method = 'store/validateReference' as const;
  /** client → server, while the user types a tag: '' when valid, else the sentence to show. */
  export const type = new RequestType<{ name: string }, string, void>(method);
}

export interface RemoveParams extends WorkDoneParams {
  storeId: string;
  imageIds: string[];
}
export namespace PlanRemoval {
  export const method = 'store/planRemoval' as const;
  /** client → server, before the Remove confirmation: what would go and how many bytes it frees. */
  export const type = new RequestType<RemoveParams, RemovalPlan, void>(method);
}
export namespace RemoveImages {
  export const method = 'store/removeImages' as const;
  /** client → server, after the user confirmed Remove: deletes the images and their unshared layers. */
  export const type = new RequestType<RemoveParams, RemovalResult, void>(method);
}

export interface SaveParams extends WorkDoneParams {
  storeId: string;
  /** Image IDs or names; names become the archive's tags. */
  refs: string[];
  format: SaveFormat;
  /** File (archives) or directory (dir formats) to create. */
  output: string;
  /** Replace an existing output (the user confirmed it in the save dialog). */
  overwrite?: boolean;
}
export namespace SaveImage {
  export const method = 'store/saveImage' as const;
  /** client → server, from "Save…": writes an archive, reporting progress; cancellable. */
  export const type = new RequestType<SaveParams, { bytes: number }, void>(method);
}

export interface DidChangeParams {
  storeId: string;
}
export namespace DidChange {
  export const method = 'store/didChange' as const;
  /** server → client, debounced, when a store's records changed on disk (anyone's write, ours too). */
  export const type = new NotificationType<DidChangeParams>(method);
}

export interface LoadParams extends WorkDoneParams {
  storeId: string;
  /** An archive (docker-archive, oci-archive) or a directory (OCI layout, `dir:`), as `podman load -i`. */
  input: string;
}
export interface LoadImagesResult {
  /** What podman prints after "Loaded image:", one per name (or sha256:<id> for unnamed images). */
  loaded: string[];
  imageIds: string[];
}
export namespace LoadImages {
  export const method = 'store/loadImages' as const;
  /** client → server, from "Load…": loads every image of the archive, reporting progress; cancellable, and a failed or cancelled load leaves nothing behind. */
  export const type = new RequestType<LoadParams, LoadImagesResult, void>(method);
}

export interface ImportParams extends WorkDoneParams {
  storeId: string;
  /** A rootfs tarball, optionally gzip-compressed. */
  file: string;
  /** Name to give the image (normalised like `podman import FILE NAME`); unnamed when absent. */
  reference?: string;
}
export namespace ImportImage {
  export const method = 'store/importImage' as const;
  /** client → server, from "Import…": makes a one-layer image from a rootfs tarball; cancellable. Returns the image ID. */
  export const type = new RequestType<ImportParams, { imageId: string; names: string[] }, void>(method);
}
