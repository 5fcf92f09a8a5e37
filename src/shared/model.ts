/*
 * Serialisable DTOs the store server sends to the extension host (and the host on to webviews).
 * Plain data only: no classes, no Dates (ISO strings / numbers), no vscode or node imports, so the
 * webview bundle can use these types too. Sizes are bytes; IDs are full 64-hex storage IDs.
 */
import type { StoreErrorCode } from './errors';

/** Where a store was found; decides its label and whether it may be written. */
export type StoreKind = 'rootless' | 'rootful' | 'additional' | 'configured';

/** Why a store cannot be listed; `ready` when it can. */
export type StoreStatus = 'ready' | 'notFound' | 'noPermission' | 'error';

/** A store location as the user names it (setting `strata.stores`, "Add store…"). */
export interface StoreLocation {
  root: string;
  runRoot?: string;
  driver?: string;
}

/** One store root of the tree. */
export interface StoreInfo {
  /** Stable across runs and server restarts: derived from the graph root. */
  id: string;
  kind: StoreKind;
  graphRoot: string;
  runRoot: string;
  /** Effective driver ('' when it could not be determined, e.g. no permission). */
  driver: string;
  /** Additional image stores and stores the user cannot write are read-only. */
  readOnly: boolean;
  status: StoreStatus;
  /** Set when status is not `ready`: the sentence to show and the stable code behind it. */
  problem?: { code: StoreErrorCode; message: string };
}

/** One image in a store, enough for a tree row, its tooltip and the commands. */
export interface ImageSummary {
  id: string;
  /** Storage names, in storage order (normalised references such as `localhost/app:v1`). */
  names: string[];
  /** Manifest digest (`sha256:…`) or '' when the store records none. */
  digest: string;
  /** Bytes, c/storage's ImageSize; -1 when a layer is missing. */
  size: number;
  /** ISO 8601 creation time from the store, '' when unknown. */
  created: string;
  topLayer: string;
  /** Parent image ID by podman's rules, '' when none. */
  parentId: string;
  /** No names and no child images. */
  dangling: boolean;
  /** No names but child images (build cache steps): hidden unless asked for. */
  intermediate: boolean;
  /** Lives in an additional (read-only) image store. */
  readOnly: boolean;
  /** Number of containers using the image. */
  containers: number;
  /** Config labels (attacker-controlled strings: render as text only). */
  labels: Record<string, string>;
  /** What is wrong with this image's records, in plain words; empty when healthy. */
  problems: string[];
}

/** One layer of an image's hierarchy (top layer first). */
export interface LayerSummary {
  id: string;
  /** Uncompressed size of this layer alone, -1 when unknown. */
  size: number;
  created: string;
  diffDigest: string;
  compressedDigest: string;
  /** Other images whose layer chain includes this layer (not the image being shown). */
  sharedBy: ImageRef[];
  /** Images whose top layer this is. */
  topOf: ImageRef[];
}

/** A short reference to an image for labels and links. */
export interface ImageRef {
  id: string;
  names: string[];
}

/** A container record using an image (podman's own containers and others'). */
export interface ContainerSummary {
  id: string;
  names: string[];
  created: string;
}

/** Everything shown under an image node besides its tags. */
export interface ImageDetails {
  image: ImageSummary;
  /** Top layer first, down to the base layer. */
  layers: LayerSummary[];
  /** Images built on this one (`podman image tree --whatrequires`): direct descendants by layer. */
  children: ImageRef[];
  containers: ContainerSummary[];
}

/** One row of `podman history`, newest first. */
export interface HistoryEntry {
  /** Image ID owning the layer at that step, or '<missing>'. */
  id: string;
  created: string;
  createdBy: string;
  size: number;
  comment: string;
  emptyLayer: boolean;
}

/** What removing some images would delete, for the confirmation dialog. */
export interface RemovalPlan {
  /** Images that go entirely. */
  images: ImageRef[];
  /** Number of layers deleted with them. */
  layers: number;
  /** Bytes freed (sum of the deleted layers' sizes). */
  bytes: number;
  /** Images that cannot be removed, with the reason (in use by a container, read-only…). */
  blocked: { image: ImageRef; code: StoreErrorCode; message: string }[];
}

export interface RemovalResult {
  removed: string[];
  /** Disk space actually released. */
  bytes: number;
  /** Images that could not be removed (the others were). */
  errors: { code: StoreErrorCode; message: string }[];
}

/** Archive formats `podman save` knows. */
export const SAVE_FORMATS = ['docker-archive', 'oci-archive', 'oci-dir', 'docker-dir'] as const;
export type SaveFormat = (typeof SAVE_FORMATS)[number];

/** Write operations that may be missing from the running store library. */
export type StoreCapability = 'tag' | 'untag' | 'remove' | 'save' | 'load';
