/*
 * Failures as the user reads them: one sentence, and the full detail in the log. A store error
 * from the server keeps its stable code (data.storeCode) so callers can react to it.
 */
import { ResponseError } from 'vscode-languageclient/node';
import { isStoreErrorData } from '../../shared/protocol';
import type { StoreErrorCode } from '../../shared/errors';

/** Thrown by client wrappers while the server is not running. */
export class ServerDownError extends Error {
  override readonly name = 'ServerDownError';
  constructor(
    readonly state: string,
    readonly reason: string | undefined,
  ) {
    super(
      state === 'starting'
        ? 'The Strata store server is still starting; try again in a moment.'
        : 'The Strata store server is not running; use "Restart Server" to start it again.',
    );
  }
}

/** The error's code when the server sent a StoreError. */
export function storeCodeOf(e: unknown): StoreErrorCode | undefined {
  return e instanceof ResponseError && isStoreErrorData(e.data) ? e.data.storeCode : undefined;
}

/** True when the request was cancelled (by the user or because the server went away). */
export function isCancellation(e: unknown): boolean {
  return (e instanceof ResponseError && (e.code === -32800 || storeCodeOf(e) === 'Cancelled')) || (e as Error)?.name === 'Canceled';
}

/** One sentence for a notification; never a stack trace. */
export function sentenceOf(e: unknown): string {
  if (e instanceof ServerDownError) return e.message;
  if (e instanceof ResponseError) {
    const m = e.message.trim();
    return /[.!?]$/.test(m) ? m : `${m}.`;
  }
  const m = e instanceof Error ? e.message : String(e);
  return /[.!?]$/.test(m) ? m : `${m}.`;
}
