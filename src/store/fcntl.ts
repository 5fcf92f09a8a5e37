/*
 * The one native call Strata needs: fcntl(2) open-file-description record locks, through koffi
 * (prebuilt binaries, no compiler). Loaded lazily so that pure parts of the library work where
 * koffi is absent. Linux only; the struct layout below is the x86_64/aarch64 one.
 */
import { StoreError } from './errors';

export const enum LockType {
  Read = 0, //  F_RDLCK
  Write = 1, // F_WRLCK
  Unlock = 2, // F_UNLCK
}

const F_OFD_SETLK = 37;
const EAGAIN = 11;
const EACCES = 13;
const EINTR = 4;

interface Native {
  fcntl: (fd: number, cmd: number, lk: FlockStruct) => number;
  errno: () => number;
}
interface FlockStruct {
  l_type: number;
  l_whence: number;
  l_start: number;
  l_len: number;
  l_pid: number;
}

let native: Native | undefined;

type Koffi = typeof import('koffi');

/**
 * koffi's prebuilt binary for this machine. Its loader (index.js) also loads crypto, zlib and
 * https for its installer, a quarter of a listing's start-up; the binary alone is all Strata calls.
 */
function loadKoffi(): Koffi {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const candidates: Array<() => unknown> =
    process.arch === 'x64'
      ? [() => require('koffi/build/koffi/linux_x64/koffi.node'), () => require('koffi/build/koffi/musl_x64/koffi.node')]
      : [() => require('koffi/build/koffi/linux_arm64/koffi.node'), () => require('koffi/build/koffi/musl_arm64/koffi.node')];
  for (const load of candidates) {
    try {
      return load() as Koffi;
    } catch {
      // Not this libc, or not shipped: the next candidate, then koffi's own loader.
    }
  }
  return require('koffi') as Koffi;
  /* eslint-enable @typescript-eslint/no-require-imports */
}

function load(): Native {
  if (native) return native;
  if (process.platform !== 'linux') {
    throw new StoreError('LockFailed', `Store locks are only implemented on Linux (this is ${process.platform})`);
  }
  if (process.arch !== 'x64' && process.arch !== 'arm64') {
    throw new StoreError('LockFailed', `Store locks are not implemented for ${process.arch}`);
  }
  try {
    const koffi = loadKoffi();
    const libc = koffi.load('libc.so.6');
    koffi.struct('strata_flock', {
      l_type: 'short',
      l_whence: 'short',
      l_start: 'int64_t',
      l_len: 'int64_t',
      l_pid: 'int',
    });
    const fcntl = libc.func('int fcntl(int fd, int cmd, _Inout_ strata_flock *lk)') as Native['fcntl'];
    native = { fcntl, errno: () => koffi.errno() };
    return native;
  } catch (e) {
    throw new StoreError('LockFailed', `Could not load the native lock helper (koffi): ${(e as Error).message}`, {}, { cause: e });
  }
}

/**
 * Tries once to set an OFD lock of `type` on the whole of `fd`.
 * Returns 'locked', 'busy' (another process holds a conflicting lock) or an error description.
 */
export function fcntlLock(fd: number, type: LockType): 'locked' | 'busy' | string {
  const n = load();
  for (;;) {
    const lk: FlockStruct = { l_type: type, l_whence: 0, l_start: 0, l_len: 0, l_pid: 0 };
    if (n.fcntl(fd, F_OFD_SETLK, lk) === 0) return 'locked';
    const errno = n.errno();
    if (errno === EINTR) continue;
    if (errno === EAGAIN || errno === EACCES) return 'busy';
    return `fcntl failed with errno ${errno}`;
  }
}
