/*
 * The records containers/storage keeps in images.json, layers.json and containers.json, as read.
 * Only the keys Strata uses are typed; every record keeps all its other keys untouched so a writer
 * can put back exactly what it found (newer podman versions add fields older ones do not know).
 */

export interface ImageRecord {
  id: string;
  digest?: string;
  names?: string[];
  'names-history'?: string[];
  layer?: string;
  'mapped-layers'?: string[];
  metadata?: string;
  'big-data-names'?: string[];
  'big-data-sizes'?: Record<string, number>;
  'big-data-digests'?: Record<string, string>;
  created?: string;
  flags?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface LayerRecord {
  id: string;
  names?: string[];
  parent?: string;
  metadata?: string;
  mountlabel?: string;
  created?: string;
  'compressed-diff-digest'?: string;
  'compressed-size'?: number;
  'diff-digest'?: string;
  'toc-digest'?: string;
  'diff-size'?: number;
  compression?: number;
  uidset?: number[];
  gidset?: number[];
  flags?: Record<string, unknown>;
  'big-data-names'?: string[];
  [key: string]: unknown;
}

export interface ContainerRecord {
  id: string;
  names?: string[];
  image: string;
  layer: string;
  metadata?: string;
  created?: string;
  [key: string]: unknown;
}

export interface MountPointRecord {
  id: string;
  path?: string;
  count?: number;
}

/** Where a layer record was read from: it is written back to the same file. */
export type LayerFileKind = 'layers' | 'volatile' | 'runroot-volatile';
