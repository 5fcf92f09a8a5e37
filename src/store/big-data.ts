/*
 * Big-data items (manifests, configs, signatures) stored beside images, layers and containers.
 * File names follow c/storage's makeBigDataBaseName: a key made only of [.0-9a-z] is used as is,
 * anything else becomes "=" + standard base64 of the key.
 */
import { StoreError } from './errors';

const PLAIN_KEY = /^[.0-9a-z]+$/;

export function bigDataFileName(key: string): string {
  if (key === '') throw new StoreError('InvalidArgument', 'A big-data key cannot be empty');
  return PLAIN_KEY.test(key) ? key : '=' + Buffer.from(key, 'utf8').toString('base64');
}

/** Inverse of bigDataFileName, for listing directories. */
export function bigDataKeyOf(fileName: string): string {
  return fileName.startsWith('=') ? Buffer.from(fileName.slice(1), 'base64').toString('utf8') : fileName;
}

/** The key of the per-instance manifest c/image stores, "manifest-<digest>". */
export function manifestBigDataKey(digest: string): string {
  return `manifest-${digest}`;
}

/** The key of the manifest used when no digest is asked for. */
export const DEFAULT_MANIFEST_KEY = 'manifest';
