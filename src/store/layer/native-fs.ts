/*
 * File-system calls Node lacks but layer contents need: mknod (device nodes, overlay whiteouts)
 * and extended attributes (overlay opaque directories, file capabilities). Through koffi, loaded
 * lazily like the lock helper. Errors come back as errno codes ("EPERM", …) for callers to judge.
 */
import * as os from 'node:os';
import { StoreError } from '../errors';

interface Native {
  mknod: (path: Buffer, mode: number, dev: bigint) => number;
  lsetxattr: (path: Buffer, name: string, value: Buffer, size: number, flags: number) => number;
  lgetxattr: (path: Buffer, name: string, value: Buffer | null, size: number) => number;
  llistxattr: (path: Buffer, list: Buffer | null, size: number) => number;
  errno: () => number;
}

let native: Native | undefined;

function load(): Native {
  if (native) return native;
  if (process.platform !== 'linux') {
    throw new StoreError('UnsupportedDriver', `Writing layers is only implemented on Linux (this is ${process.platform})`);
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    native = {
      mknod: libc.func('int mknod(const uint8_t *path, uint32_t mode, uint64_t dev)') as Native['mknod'],
      lsetxattr: libc.func('int lsetxattr(const uint8_t *path, const char *name, const uint8_t *value, size_t size, int flags)') as Native['lsetxattr'],
      lgetxattr: libc.func('long lgetxattr(const uint8_t *path, const char *name, _Out_ uint8_t *value, size_t size)') as Native['lgetxattr'],
      llistxattr: libc.func('long llistxattr(const uint8_t *path, _Out_ uint8_t *list, size_t size)') as Native['llistxattr'],
      errno: () => koffi.errno(),
    };
    return native;
  } catch (e) {
    throw new StoreError('IoError', `Could not load the native file-system helper (koffi): ${(e as Error).message}`, {}, { cause: e });
  }
}

export class NativeFsError extends Error {
  constructor(
    readonly code: string,
    readonly syscall: string,
    readonly path: string,
  ) {
    super(`${syscall} ${path}: ${code}`);
  }
}

function cPath(p: Buffer): Buffer {
  return Buffer.concat([p, Buffer.from([0])]);
}

function fail(n: Native, syscall: string, p: Buffer): never {
  const errno = n.errno();
  const name = Object.entries(os.constants.errno).find(([, v]) => v === errno)?.[0] ?? `errno ${errno}`;
  throw new NativeFsError(name, syscall, p.toString('latin1'));
}

export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;

/** Linux's makedev for the glibc encoding. */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

export function mknod(p: Buffer, mode: number, dev: bigint): void {
  const n = load();
  if (n.mknod(cPath(p), mode >>> 0, dev) !== 0) fail(n, 'mknod', p);
}

export function lsetxattr(p: Buffer, name: string, value: Buffer): void {
  const n = load();
  if (n.lsetxattr(cPath(p), name, value, value.length, 0) !== 0) fail(n, 'lsetxattr', p);
}

export function lgetxattr(p: Buffer, name: string): Buffer | undefined {
  const n = load();
  for (;;) {
    const size = Number(n.lgetxattr(cPath(p), name, null, 0));
    if (size < 0) {
      const errno = n.errno();
      if (errno === os.constants.errno.ENODATA || errno === os.constants.errno.ENOTSUP) return undefined;
      fail(n, 'lgetxattr', p);
    }
    const buf = Buffer.alloc(size);
    const got = Number(n.lgetxattr(cPath(p), name, buf, size));
    if (got >= 0) return buf.subarray(0, got);
    if (n.errno() !== os.constants.errno.ERANGE) fail(n, 'lgetxattr', p);
  }
}

export function llistxattr(p: Buffer): string[] {
  const n = load();
  for (;;) {
    const size = Number(n.llistxattr(cPath(p), null, 0));
    if (size < 0) {
      if (n.errno() === os.constants.errno.ENOTSUP) return [];
      fail(n, 'llistxattr', p);
    }
    if (size === 0) return [];
    const buf = Buffer.alloc(size);
    const got = Number(n.llistxattr(cPath(p), buf, size));
    if (got >= 0) return buf.subarray(0, got).toString('latin1').split('\0').filter((s) => s !== '');
    if (n.errno() !== os.constants.errno.ERANGE) fail(n, 'llistxattr', p);
  }
}
