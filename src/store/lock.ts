/*
 * containers/storage lock files, taken exactly where podman takes them: fcntl record locks on the
 * whole file (never flock, which podman ignores), plus the 64-byte "last writer" token at offset 0
 * that long-running readers compare to decide whether to reload.
 *
 * We use open-file-description (OFD) locks: they conflict with podman's classic POSIX locks, but
 * unlike classic locks they are not silently dropped when some other fd on the same file is closed
 * anywhere in this process. OFD locks do conflict between two fds of our own process, so every
 * path has one in-process reader/writer gate and at most one fd holding the kernel lock.
 *
 * Waits are bounded: the kernel lock is polled with F_OFD_SETLK so that a store held by a stuck
 * process becomes a "store is busy" error instead of a hang, and no libuv thread is ever blocked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from './random';
import { StoreError, fsError } from './errors';
import { fcntlLock, LockType } from './fcntl';

export type LockMode = 'shared' | 'exclusive';

/** Size of the last-writer token that containers/storage keeps at offset 0 of every lock file. */
export const LAST_WRITER_TOKEN_SIZE = 64;
/** Default bound on how long we wait for a lock that another process holds. */
export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

export interface LockOptions {
  /** Give up with StoreBusy after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HeldLock {
  readonly path: string;
  readonly mode: LockMode;
  /** The 64-byte token as it is now (empty when nobody has written yet). */
  readToken(): Buffer;
  /** Writes a fresh globally unique token, telling other processes the protected data changed. */
  recordWrite(): Buffer;
  release(): void;
}

let writeCounter = 0n;

/** A new token laid out like containers/storage's: LE nanotime, LE counter, LE pid, 44 random bytes. */
export function newLastWriterToken(): Buffer {
  const buf = Buffer.alloc(LAST_WRITER_TOKEN_SIZE);
  const nowNs = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  buf.writeBigUInt64LE(nowNs, 0);
  writeCounter += 1n;
  buf.writeBigUInt64LE(writeCounter, 8);
  buf.writeUInt32LE(process.pid >>> 0, 16);
  randomBytes(LAST_WRITER_TOKEN_SIZE - 20).copy(buf, 20);
  return buf;
}

interface Waiter {
  mode: LockMode;
  resolve: () => void;
}

/** One lock file as seen by this process: the in-process gate and the fd holding the kernel lock. */
class LockFile {
  private fd: number | null = null;
  private kernelMode: LockMode | null = null;
  private readers = 0;
  private writer = false;
  private readonly waiters: Waiter[] = [];

  constructor(readonly path: string) {}

  async acquire(mode: LockMode, opts: LockOptions): Promise<HeldLock> {
    const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
    await this.enterGate(mode, deadline, opts.signal);
    try {
      if (this.fd === null) {
        this.fd = openLockFile(this.path, mode);
        this.kernelMode = mode;
        await pollKernelLock(this.fd, this.path, mode, deadline, opts.signal);
      }
    } catch (e) {
      this.closeFd();
      this.leaveGate(mode);
      throw e;
    }
    return this.handle(mode);
  }

  private handle(mode: LockMode): HeldLock {
    let released = false;
    const fdOf = (): number => {
      if (released || this.fd === null) throw new StoreError('LockFailed', `Lock ${this.path} used after release`);
      return this.fd;
    };
    return {
      path: this.path,
      mode,
      readToken: () => {
        const buf = Buffer.alloc(LAST_WRITER_TOKEN_SIZE);
        const n = fs.readSync(fdOf(), buf, 0, LAST_WRITER_TOKEN_SIZE, 0);
        return buf.subarray(0, n);
      },
      recordWrite: () => {
        if (mode !== 'exclusive') throw new StoreError('LockFailed', `recordWrite needs an exclusive lock on ${this.path}`);
        const token = newLastWriterToken();
        fs.writeSync(fdOf(), token, 0, token.length, 0);
        return token;
      },
      release: () => {
        if (released) return;
        released = true;
        this.leaveGate(mode);
      },
    };
  }

  private canEnter(mode: LockMode): boolean {
    if (this.writer) return false;
    if (mode === 'exclusive') return this.readers === 0;
    // A shared holder may join only while the kernel lock is shared too, and not past a queued writer.
    return (this.readers === 0 || this.kernelMode === 'shared') && !this.waiters.some((w) => w.mode === 'exclusive');
  }

  private async enterGate(mode: LockMode, deadline: number, signal?: AbortSignal): Promise<void> {
    if (this.waiters.length === 0 && this.canEnter(mode)) {
      this.take(mode);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        mode,
        resolve: () => {
          cleanup();
          resolve();
        },
      };
      const remove = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        this.wake();
      };
      const onAbort = (): void => {
        remove();
        cleanup();
        reject(new StoreError('Cancelled', 'Cancelled while waiting for the store lock'));
      };
      const timer = setTimeout(() => {
        remove();
        cleanup();
        reject(busyError(this.path));
      }, Math.max(0, deadline - Date.now()));
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private take(mode: LockMode): void {
    if (mode === 'exclusive') this.writer = true;
    else this.readers++;
  }

  private leaveGate(mode: LockMode): void {
    if (mode === 'exclusive') this.writer = false;
    else this.readers--;
    if (!this.writer && this.readers === 0) this.closeFd();
    this.wake();
  }

  private wake(): void {
    while (this.waiters.length > 0) {
      const next = this.waiters[0]!;
      if (this.writer) return;
      if (next.mode === 'exclusive' ? this.readers > 0 : this.readers > 0 && this.kernelMode !== 'shared') return;
      this.waiters.shift();
      this.take(next.mode);
      next.resolve();
      if (next.mode === 'exclusive') return;
    }
  }

  private closeFd(): void {
    if (this.fd !== null) {
      // Closing the only fd on the open file description releases the OFD lock.
      fs.closeSync(this.fd);
      this.fd = null;
      this.kernelMode = null;
    }
  }
}

function busyError(lockPath: string): StoreError {
  return new StoreError(
    'StoreBusy',
    `The store is busy: another process holds ${path.basename(lockPath)} (${lockPath}). Try again when it has finished.`,
    { path: lockPath },
  );
}

function openLockFile(lockPath: string, mode: LockMode): number {
  const flags = fs.constants.O_RDWR | fs.constants.O_CREAT;
  try {
    return fs.openSync(lockPath, flags, 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && mode === 'exclusive') {
      fs.mkdirSync(path.dirname(lockPath), { recursive: true, mode: 0o700 });
      return fs.openSync(lockPath, flags, 0o644);
    }
    if (mode === 'shared' && (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')) {
      // Read-only stores and stores owned by someone else: a shared lock only needs a readable fd.
      try {
        return fs.openSync(lockPath, fs.constants.O_RDONLY);
      } catch (e2) {
        throw fsError(e2, lockPath, 'the lock file');
      }
    }
    throw fsError(e, lockPath, 'the lock file');
  }
}

const POLL_FIRST_MS = 2;
const POLL_MAX_MS = 25;

async function pollKernelLock(fd: number, lockPath: string, mode: LockMode, deadline: number, signal?: AbortSignal): Promise<void> {
  const type = mode === 'exclusive' ? LockType.Write : LockType.Read;
  let wait = POLL_FIRST_MS;
  for (;;) {
    if (signal?.aborted) throw new StoreError('Cancelled', 'Cancelled while waiting for the store lock');
    const r = fcntlLock(fd, type);
    if (r === 'locked') return;
    if (r !== 'busy') throw new StoreError('LockFailed', `Could not lock ${lockPath}: ${r}`, { path: lockPath });
    if (Date.now() >= deadline) throw busyError(lockPath);
    await new Promise((res) => setTimeout(res, wait + Math.random() * wait));
    wait = Math.min(POLL_MAX_MS, wait * 2);
  }
}

const lockFiles = new Map<string, LockFile>();

/** Takes `lockPath` in `mode`, creating the file (0644) like containers/storage does. */
export function lock(lockPath: string, mode: LockMode, opts: LockOptions = {}): Promise<HeldLock> {
  const abs = path.resolve(lockPath);
  let lf = lockFiles.get(abs);
  if (!lf) {
    lf = new LockFile(abs);
    lockFiles.set(abs, lf);
  }
  return lf.acquire(mode, opts);
}

/** Runs `fn` while holding every lock in `paths`, taken in the given order, released in reverse. */
export async function withLocks<T>(
  locks: ReadonlyArray<{ path: string; mode: LockMode }>,
  opts: LockOptions,
  fn: (held: HeldLock[]) => Promise<T> | T,
): Promise<T> {
  const held: HeldLock[] = [];
  try {
    for (const l of locks) held.push(await lock(l.path, l.mode, opts));
    return await fn(held);
  } finally {
    for (const h of held.reverse()) h.release();
  }
}
