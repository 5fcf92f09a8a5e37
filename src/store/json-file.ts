/*
 * Reading and atomically replacing containers/storage's JSON files. Reading treats a missing or
 * empty file as [] (as c/storage does) but a malformed one as corruption, never as empty.
 * Writing follows c/storage: temp file ".tmp-<name><random>" in the same directory, 0600,
 * fsync, rename; the original owner is kept so a root-run Strata never breaks a rootless store.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomInt } from './random';
import { readTextFile } from './text-file';
import { StoreError, fsError } from './errors';

/** Parses a JSON array file; missing or 0-byte files are []. */
export function readJsonArray<T>(file: string, what: string): T[] {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fsError(e, file, what);
  }
  return parseJsonArray<T>(text, file, what);
}

/** JSON.parse messages quote the input, newlines included; a message must stay one line. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}

export function parseJsonArray<T>(text: string, file: string, what: string): T[] {
  if (text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new StoreError('CorruptMetadata', `${what} is not valid JSON (${file}): ${oneLine((e as Error).message)}`, { path: file }, { cause: e });
  }
  if (value === null) return [];
  if (!Array.isArray(value)) {
    throw new StoreError('CorruptMetadata', `${what} should hold a JSON array (${file})`, { path: file });
  }
  for (const [i, rec] of value.entries()) {
    if (typeof rec !== 'object' || rec === null || typeof (rec as { id?: unknown }).id !== 'string') {
      throw new StoreError('CorruptMetadata', `${what} has a record without an id at position ${i} (${file})`, { path: file, index: i });
    }
  }
  return value as T[];
}

export interface AtomicWriteOptions {
  mode?: number;
  /** Skip fsync (c/storage does for volatile-*.json). */
  noSync?: boolean;
}

/** Replaces `file` with `data` atomically, keeping the owner of the file (or of its directory). */
export function atomicWriteFile(file: string, data: string | Buffer, opts: AtomicWriteOptions = {}): void {
  const dir = path.dirname(file);
  const mode = opts.mode ?? 0o600;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const st = fs.statSync(file);
    owner = { uid: st.uid, gid: st.gid };
  } catch {
    try {
      const st = fs.statSync(dir);
      owner = { uid: st.uid, gid: st.gid };
    } catch (e) {
      throw fsError(e, dir, 'the store directory');
    }
  }
  const tmp = path.join(dir, `.tmp-${path.basename(file)}${randomInt(1, 2 ** 31 - 1)}`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    if (!opts.noSync) fs.fdatasyncSync(fd);
    fs.fchmodSync(fd, mode);
    if (owner && process.getuid?.() === 0) fs.fchownSync(fd, owner.uid, owner.gid);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e instanceof StoreError ? e : fsError(e, file, 'a store file');
  }
}
