/*
 * Typed errors of the store library. Every failure a caller can meet carries a stable `code`
 * (shared with the server and the extension through src/shared/errors.ts) and a message in
 * plain words that can be shown to a user as is. Never throw a bare Error from src/store.
 */
import type { StoreErrorCode } from '../shared/errors';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** Extra facts for logs and for callers that want to act on them (paths, candidates, …). */
    readonly detail: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}

/** Maps an fs error on `path` to a StoreError with a plain sentence. */
export function fsError(e: unknown, path: string, what: string): StoreError {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return new StoreError('NotFound', `${what} does not exist: ${path}`, { path }, { cause: e });
    case 'EACCES':
    case 'EPERM':
      return new StoreError('PermissionDenied', `No permission to read ${what}: ${path}`, { path }, { cause: e });
    case 'EROFS':
      return new StoreError('ReadOnlyStore', `${what} is on a read-only file system: ${path}`, { path }, { cause: e });
    default:
      return new StoreError('IoError', `Could not access ${what} (${path}): ${err?.message ?? String(e)}`, { path }, { cause: e });
  }
}
