/*
 * Turns whatever a handler threw into the JSON-RPC error the client expects: a StoreError becomes
 * STORE_ERROR with data.storeCode; a cancellation becomes RequestCancelled; anything else is an
 * internal error whose stack is logged here, never sent as the user-facing sentence.
 */
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { StoreError } from '../store/errors';
import { STORE_ERROR, type StoreErrorData } from '../shared/protocol';

export function toResponseError(e: unknown, log: (msg: string) => void): ResponseError<StoreErrorData | undefined> {
  if (e instanceof ResponseError) return e as ResponseError<StoreErrorData | undefined>;
  if (e instanceof StoreError) {
    if (e.code === 'Cancelled') return new ResponseError(LSPErrorCodes.RequestCancelled, e.message, { storeCode: e.code });
    return new ResponseError(STORE_ERROR, e.message, { storeCode: e.code, detail: jsonSafe(e.detail) });
  }
  const err = e as Error;
  if (err?.name === 'AbortError') return new ResponseError(LSPErrorCodes.RequestCancelled, 'Cancelled', { storeCode: 'Cancelled' });
  log(`[server] internal error: ${err?.stack ?? String(e)}`);
  return new ResponseError(ErrorCodes.InternalError, `Internal error in the store server: ${err?.message ?? String(e)}`, undefined);
}

function jsonSafe(detail: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(detail)) as Record<string, unknown>;
  } catch {
    return {};
  }
}
