/*
 * Deferred deletion, so that no lock is held while layer trees are deleted: inside the write
 * transaction each directory or file to delete is renamed (fast, atomic) into a staging
 * directory; the tree is deleted after the locks are released. The layout is containers/storage
 * ≥1.59's internal/tempdir: <root>/temp-dir-<id> guarded by an fcntl-locked <root>/lock-<id>, so a
 * newer podman cleans up after a crashed Strata, and Strata cleans stale stages left by itself
 * or by c/storage at the start of its next removal. The root is <driver>-layers/tmp, a place
 * podman 4.x never looks into (its overlay driver would trip over unknown dirs in its home).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StoreError, fsError } from '../errors';
import { fcntlLock, LockType } from '../fcntl';

const TEMP_DIR_PREFIX = 'temp-dir-';
const LOCK_PREFIX = 'lock-';

export interface StagedCleanup {
  /** Disk space released (bytes of blocks of inodes whose last link was deleted). */
  freedBytes: number;
  /** Paths that could not be deleted (left for a later recovery); empty on success. */
  leftovers: string[];
}

export class DeletionStage {
  private counter = 0;
  private closed = false;

  private constructor(
    readonly root: string,
    readonly dir: string,
    private readonly lockPath: string,
    private fd: number,
  ) {}

  /** Creates a locked, empty stage under `root` (created 0700 if missing). */
  static create(root: string): DeletionStage {
    try {
      fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw fsError(e, root, 'the staging directory');
    }
    for (let attempt = 0; ; attempt++) {
      const id = randomBytes(6).toString('hex');
      const lockPath = path.join(root, LOCK_PREFIX + id);
      let fd: number;
      try {
        fd = fs.openSync(lockPath, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // ENOENT: another process removed the (then empty) root between our mkdir and open.
        if ((code === 'EEXIST' || code === 'ENOENT') && attempt < 5) {
          fs.mkdirSync(root, { recursive: true, mode: 0o700 });
          continue;
        }
        throw fsError(e, lockPath, 'a staging lock file');
      }
      const r = fcntlLock(fd, LockType.Write);
      if (r !== 'locked') {
        fs.closeSync(fd);
        fs.rmSync(lockPath, { force: true });
        throw new StoreError('LockFailed', `Could not lock ${lockPath}: ${r}`, { path: lockPath });
      }
      const dir = path.join(root, TEMP_DIR_PREFIX + id);
      fs.mkdirSync(dir, { mode: 0o700 });
      return new DeletionStage(root, dir, lockPath, fd);
    }
  }

  /**
   * Moves `p` into the stage. Returns false when `p` does not exist. Falls back to deleting in
   * place when `p` lives on another file system (rename cannot move it).
   */
  stage(p: string): boolean {
    if (this.closed) throw new StoreError('IoError', 'Staging area already cleaned up');
    const dest = path.join(this.dir, `${this.counter++}-${path.basename(p)}`);
    try {
      fs.renameSync(p, dest);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false;
      if (code === 'EXDEV') {
        removeTree(p, { freedBytes: 0, leftovers: [] });
        return true;
      }
      throw fsError(e, p, 'a file to delete');
    }
  }

  /** Deletes everything staged, then the stage and its lock. Never throws for leftovers. */
  cleanup(): StagedCleanup {
    if (this.closed) return { freedBytes: 0, leftovers: [] };
    this.closed = true;
    const result: StagedCleanup = { freedBytes: 0, leftovers: [] };
    removeContents(this.dir, result);
    if (result.leftovers.length === 0) {
      fs.rmSync(this.lockPath, { force: true });
      removeRootIfEmpty(this.root);
    }
    // Closing the fd drops the OFD lock: a stage with leftovers becomes recoverable later.
    fs.closeSync(this.fd);
    this.fd = -1;
    return result;
  }
}

/** Deletes stages under `root` whose lock nobody holds (crashed Strata or c/storage runs). */
export function recoverStaleStages(root: string): StagedCleanup {
  const result: StagedCleanup = { freedBytes: 0, leftovers: [] };
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return result;
  }
  const ids = new Set<string>();
  for (const n of names) {
    if (n.startsWith(TEMP_DIR_PREFIX)) ids.add(n.slice(TEMP_DIR_PREFIX.length));
    else if (n.startsWith(LOCK_PREFIX)) ids.add(n.slice(LOCK_PREFIX.length));
  }
  for (const id of ids) {
    const lockPath = path.join(root, LOCK_PREFIX + id);
    let fd: number;
    try {
      fd = fs.openSync(lockPath, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    } catch {
      continue;
    }
    try {
      if (fcntlLock(fd, LockType.Write) !== 'locked') continue;
      const before = result.leftovers.length;
      removeContents(path.join(root, TEMP_DIR_PREFIX + id), result);
      if (result.leftovers.length === before) fs.rmSync(lockPath, { force: true });
    } finally {
      fs.closeSync(fd);
    }
  }
  removeRootIfEmpty(root);
  return result;
}

/** A staging root left empty goes too, so the store looks as podman 4.x leaves it. */
function removeRootIfEmpty(root: string): void {
  try {
    fs.rmdirSync(root);
  } catch {
    /* not empty (another stage in use) or already gone */
  }
}

/** Deletes a stage directory: its contents are what is freed, the directory itself is ours. */
function removeContents(dir: string, acc: StagedCleanup): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') acc.leftovers.push(dir);
    return;
  }
  for (const e of entries) removeTree(path.join(dir, e), acc);
  try {
    fs.rmdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') acc.leftovers.push(dir);
  }
}

/**
 * Recursive delete that also measures what it frees. Directories we may not list or empty
 * (overlay's 0555 diff roots, mode-000 work/work) are made writable first, as c/storage does.
 */
function removeTree(p: string, acc: StagedCleanup): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') acc.leftovers.push(p);
    return;
  }
  if (st.isDirectory()) {
    let entries: string[];
    try {
      entries = fs.readdirSync(p);
    } catch {
      try {
        fs.chmodSync(p, 0o700);
        entries = fs.readdirSync(p);
      } catch {
        acc.leftovers.push(p);
        return;
      }
    }
    if (entries.length > 0 && (st.mode & 0o200) === 0) {
      try {
        fs.chmodSync(p, 0o700);
      } catch {
        /* removal below reports what stays */
      }
    }
    for (const e of entries) removeTree(path.join(p, e), acc);
    try {
      fs.rmdirSync(p);
      acc.freedBytes += st.blocks * 512;
    } catch {
      acc.leftovers.push(p);
    }
    return;
  }
  try {
    fs.unlinkSync(p);
  } catch {
    acc.leftovers.push(p);
    return;
  }
  // A hard-linked file only frees its blocks when its last link goes (nlink is read just before
  // each unlink, so the last link of a tree-internal hard link set sees 1).
  if (st.nlink > 1) return;
  acc.freedBytes += st.blocks * 512;
}
