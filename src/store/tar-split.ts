/*
 * Reading a layer's `<driver>-layers/<id>.tar-split.gz`: gzip of newline-delimited JSON entries
 * (vbatts/tar-split tar/storage). Type 2 entries carry raw archive bytes (headers, padding, the
 * end-of-archive blocks); type 1 entries stand for a file's payload, which lives in the layer
 * directory, with its size and CRC-64. Streamed line by line: the file is never held in memory.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { StoreError } from './errors';

export const ENTRY_FILE = 1;
export const ENTRY_SEGMENT = 2;

export type TarSplitEntry =
  | { type: typeof ENTRY_SEGMENT; payload: Buffer; position: number }
  | {
      type: typeof ENTRY_FILE;
      /** The tar header name as raw bytes (name_raw), or decoded from the UTF-8 `name`. */
      name: Buffer;
      size: number;
      /** 8-byte big-endian CRC-64/ISO of the content, or undefined for empty files. */
      crc: Buffer | undefined;
      position: number;
    };

/** Bounds a single JSON line; a segment holds at most a few header blocks plus padding. */
const MAX_LINE = 64 * 1024 * 1024;

function corrupt(file: string, msg: string, cause?: unknown): StoreError {
  return new StoreError('CorruptMetadata', `The layer's tar-split data ${file} is damaged: ${msg}`, { path: file }, { cause });
}

/** Turns one decoded JSON object into a typed entry, checking every field tar-split defines. */
export function parseTarSplitEntry(obj: unknown, file = 'tar-split'): TarSplitEntry {
  if (typeof obj !== 'object' || obj === null) throw corrupt(file, 'an entry is not a JSON object');
  const e = obj as Record<string, unknown>;
  const position = e.position;
  if (typeof position !== 'number' || !Number.isInteger(position)) throw corrupt(file, 'an entry has no position');
  const payload = e.payload;
  if (payload !== undefined && payload !== null && typeof payload !== 'string') throw corrupt(file, `entry ${position} has a bad payload`);
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'base64') : undefined;
  if (e.type === ENTRY_SEGMENT) {
    return { type: ENTRY_SEGMENT, payload: bytes ?? Buffer.alloc(0), position };
  }
  if (e.type === ENTRY_FILE) {
    let name: Buffer;
    if (typeof e.name_raw === 'string' && e.name_raw !== '') name = Buffer.from(e.name_raw, 'base64');
    else if (typeof e.name === 'string') name = Buffer.from(e.name, 'utf8');
    else throw corrupt(file, `file entry ${position} has no name`);
    const size = e.size ?? 0;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw corrupt(file, `file entry ${position} has a bad size`);
    if (size > 0 && (!bytes || bytes.length !== 8)) throw corrupt(file, `file entry ${position} has no CRC-64 checksum`);
    return { type: ENTRY_FILE, name, size, crc: size > 0 ? bytes : undefined, position };
  }
  throw corrupt(file, `entry ${position} has unknown type ${JSON.stringify(e.type)}`);
}

/**
 * Yields the entries of a tar-split.gz file in order. Throws CorruptMetadata on bad gzip/JSON,
 * NotFound when the file is absent (a layer created without a tar stream has none).
 */
export async function* readTarSplit(file: string, signal?: AbortSignal): AsyncGenerator<TarSplitEntry> {
  const input = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let expected = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new StoreError('Cancelled', 'The save was cancelled');
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl < 0) break;
        let line: Buffer;
        if (pendingLen > 0) {
          pending.push(chunk.subarray(start, nl));
          line = Buffer.concat(pending);
          pending = [];
          pendingLen = 0;
        } else {
          line = chunk.subarray(start, nl);
        }
        start = nl + 1;
        if (line.length === 0) continue;
        const entry = parseLine(line, file);
        if (entry.position !== expected) throw corrupt(file, `entry ${expected} is missing (found ${entry.position})`);
        expected++;
        yield entry;
      }
      if (start < chunk.length) {
        pending.push(chunk.subarray(start));
        pendingLen += chunk.length - start;
        if (pendingLen > MAX_LINE) throw corrupt(file, 'an entry is implausibly long');
      }
    }
  } catch (e) {
    if (e instanceof StoreError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      throw new StoreError('NotFound', `The layer has no tar-split data (${file}); it cannot be exported byte for byte`, { path: file }, { cause: e });
    }
    if (err.code === 'EACCES' || err.code === 'EPERM') {
      throw new StoreError('PermissionDenied', `No permission to read ${file}`, { path: file }, { cause: e });
    }
    throw corrupt(file, err.message ?? String(e), e);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  if (pendingLen > 0) {
    const entry = parseLine(Buffer.concat(pending), file);
    if (entry.position !== expected) throw corrupt(file, `entry ${expected} is missing (found ${entry.position})`);
    yield entry;
  }
}

function parseLine(line: Buffer, file: string): TarSplitEntry {
  let obj: unknown;
  try {
    obj = JSON.parse(line.toString('utf8'));
  } catch (e) {
    throw corrupt(file, 'an entry is not valid JSON', e);
  }
  return parseTarSplitEntry(obj, file);
}
