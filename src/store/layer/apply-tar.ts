/*
 * Applies the entries of a layer tar to a directory, as containers/storage's archive package does:
 * - overlay (archive.Unpack with the overlay whiteout converter): the directory is the layer's own
 *   diff; ".wh.NAME" becomes a 0/0 character device NAME, ".wh..wh..opq" sets the directory's
 *   trusted.overlay.opaque=y xattr;
 * - vfs (archive.UnpackLayer): the directory already holds the parent's merged tree; whiteouts
 *   delete what they name, an opaque marker empties its directory of what this layer did not add.
 * Everything stays inside the root (see root-path.ts). Owners, modes, times and xattrs are set as
 * createTarFile sets them; directory times last. Device nodes are skipped when not running as
 * root, as c/storage skips them in a user namespace.
 */
import * as fs from 'node:fs';
import { StoreError } from '../errors';
import { printable } from '../tar/tar-split-writer';
import {
  TYPE_BLOCK,
  TYPE_CHAR,
  TYPE_DIR,
  TYPE_FIFO,
  TYPE_LINK,
  TYPE_REG,
  TYPE_SYMLINK,
  TYPE_XGLOBAL,
  type TarHeader,
} from '../tar/tar-reader';
import { entryRelPath, fsPath, resolveLinkTarget, resolveParent } from './root-path';
import { NativeFsError, S_IFBLK, S_IFCHR, S_IFIFO, lsetxattr, makedev, mknod } from './native-fs';

export type ApplyMode = 'overlay' | 'vfs';

export const WHITEOUT_PREFIX = '.wh.';
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const WHITEOUT_OPAQUE = '.wh..wh..opq';
export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';
/** c/storage's xattrsToIgnore: labels are the host's business. */
const IGNORED_XATTRS = new Set(['security.selinux']);

interface DirTimes {
  path: string;
  atime: number;
  mtime: number;
}

export class TarApplier {
  private readonly dirs: DirTimes[] = [];
  private readonly unpacked = new Set<string>();
  private readonly isRoot = process.getuid?.() === 0;

  /** `root` is a byte string (see root-path.ts). */
  constructor(
    private readonly root: string,
    private readonly mode: ApplyMode,
  ) {}

  /**
   * Applies one entry. `data` must be consumed for regular files; it is passed through `onData`
   * so that the caller's checksum sees every byte.
   */
  async entry(hdr: TarHeader, data: AsyncIterable<Buffer>): Promise<void> {
    try {
      await this.apply(hdr, data);
    } catch (e) {
      throw toStoreError(e, hdr);
    }
  }

  private async apply(hdr: TarHeader, data: AsyncIterable<Buffer>): Promise<void> {
    if (hdr.typeflag === TYPE_XGLOBAL) return; // "PAX Global Extended Headers found and ignored"
    const rel = entryRelPath(hdr.name);
    if (this.mode === 'vfs' && rel.startsWith(WHITEOUT_META_PREFIX) && rel !== WHITEOUT_OPAQUE) {
      // AUFS metadata (.wh..wh.plnk etc.) is not part of the tree.
      if (hdr.typeflag === TYPE_REG) await drain(data);
      return;
    }
    const { dir, base } = resolveParent(this.root, rel, true);
    const full = base === '' ? dir : `${dir}/${base}`;

    if (base.startsWith(WHITEOUT_PREFIX)) {
      await drain(data);
      if (this.mode === 'vfs') this.vfsWhiteout(dir, base);
      else this.overlayWhiteout(dir, base, hdr);
      return;
    }

    const existing = lstatOrNull(full);
    if (existing) {
      if (existing.isDirectory() && rel === '' && this.mode === 'overlay') {
        await drain(data);
        return;
      }
      if (!(existing.isDirectory() && hdr.typeflag === TYPE_DIR)) fs.rmSync(fsPath(full), { recursive: true, force: true });
    }

    const perm = hdr.mode & 0o7777;
    switch (hdr.typeflag) {
      case TYPE_DIR:
        if (!existing || !existing.isDirectory()) fs.mkdirSync(fsPath(full), { mode: perm & 0o777 });
        break;
      case TYPE_REG:
        await writeFile(full, perm, data);
        break;
      case TYPE_CHAR:
      case TYPE_BLOCK:
        if (!this.isRoot) return; // as c/storage in a user namespace: devices cannot be made, skip them
        mknod(fsPath(full), (hdr.typeflag === TYPE_CHAR ? S_IFCHR : S_IFBLK) | perm, makedev(hdr.devmajor, hdr.devminor));
        break;
      case TYPE_FIFO:
        mknod(fsPath(full), S_IFIFO | perm, 0n);
        break;
      case TYPE_LINK: {
        const target = resolveLinkTarget(this.root, hdr.linkname);
        fs.linkSync(fsPath(target), fsPath(full));
        break;
      }
      case TYPE_SYMLINK:
        fs.symlinkSync(fsPath(hdr.linkname), fsPath(full));
        break;
      default:
        throw new StoreError('InvalidArchive', `The layer holds "${printable(hdr.name)}" of unknown tar type ${JSON.stringify(hdr.typeflag)}`);
    }

    this.chown(full, hdr);
    const linkTargetIsSymlink = hdr.typeflag === TYPE_LINK && lstatOrNull(full)?.isSymbolicLink() === true;
    if (hdr.typeflag !== TYPE_SYMLINK && !linkTargetIsSymlink) fs.chmodSync(fsPath(full), perm);
    const mtime = hdr.mtime;
    const atime = hdr.atime !== undefined && hdr.atime > mtime ? hdr.atime : mtime;
    if (hdr.typeflag === TYPE_DIR) this.dirs.push({ path: full, atime, mtime });
    else if (hdr.typeflag === TYPE_SYMLINK || linkTargetIsSymlink) fs.lutimesSync(fsPath(full), atime, mtime);
    else fs.utimesSync(fsPath(full), atime, mtime);
    for (const [key, value] of hdr.xattrs) {
      if (IGNORED_XATTRS.has(key)) continue;
      try {
        lsetxattr(fsPath(full), key, value);
      } catch (e) {
        if (e instanceof NativeFsError && e.code === 'ENOTSUP') continue;
        throw e;
      }
    }
    if (this.mode === 'vfs') this.unpacked.add(full);
  }

  private chown(full: string, hdr: TarHeader): void {
    if (this.isRoot) {
      fs.lchownSync(fsPath(full), hdr.uid, hdr.gid);
      return;
    }
    const uid = process.getuid?.();
    const gid = process.getgid?.();
    if (hdr.uid !== uid || hdr.gid !== gid) {
      throw new StoreError(
        'PermissionDenied',
        `The layer holds "${printable(hdr.name)}" owned by ${hdr.uid}:${hdr.gid}; creating it needs root (run Strata as root, or inside "podman unshare")`,
      );
    }
  }

  private vfsWhiteout(dir: string, base: string): void {
    if (base === WHITEOUT_OPAQUE) {
      if (!lstatOrNull(dir)) throw new StoreError('InvalidArchive', `An opaque marker names a missing directory ${printable(dir)}`);
      this.removeNotUnpacked(dir);
      return;
    }
    fs.rmSync(fsPath(`${dir}/${base.slice(WHITEOUT_PREFIX.length)}`), { recursive: true, force: true });
  }

  private removeNotUnpacked(dir: string): void {
    let names: string[];
    try {
      names = fs.readdirSync(fsPath(dir), { encoding: 'buffer' }).map((b) => b.toString('latin1'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const name of names) {
      const p = `${dir}/${name}`;
      if (!this.unpacked.has(p)) fs.rmSync(fsPath(p), { recursive: true, force: true });
      else if (lstatOrNull(p)?.isDirectory()) this.removeNotUnpacked(p);
    }
  }

  private overlayWhiteout(dir: string, base: string, hdr: TarHeader): void {
    if (base === WHITEOUT_OPAQUE) {
      lsetxattr(fsPath(dir), OVERLAY_OPAQUE_XATTR, Buffer.from('y'));
      return;
    }
    const original = `${dir}/${base.slice(WHITEOUT_PREFIX.length)}`;
    try {
      mknod(fsPath(original), S_IFCHR, 0n);
    } catch (e) {
      // "rm -rf /foo/bar" can yield /.wh.foo and /foo/.wh.bar: the second finds a device, not a dir.
      if (e instanceof NativeFsError && e.code === 'ENOTDIR') return;
      throw e;
    }
    if (this.isRoot) fs.lchownSync(fsPath(original), hdr.uid, hdr.gid);
  }

  /** Sets directory times last, as creating entries inside them changed them. */
  finish(): void {
    for (const d of this.dirs) fs.utimesSync(fsPath(d.path), d.atime, d.mtime);
  }
}

async function drain(data: AsyncIterable<Buffer>): Promise<void> {
  for await (const _ of data) {
    // content of entries that produce no file still has to pass through the checksums
  }
}

async function writeFile(full: string, perm: number, data: AsyncIterable<Buffer>): Promise<void> {
  const fd = fs.openSync(fsPath(full), fs.constants.O_CREAT | fs.constants.O_WRONLY | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, perm & 0o777);
  try {
    for await (const chunk of data) {
      let off = 0;
      while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(fsPath(p));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

function toStoreError(e: unknown, hdr: TarHeader): StoreError {
  if (e instanceof StoreError) return e;
  const code = (e as { code?: string }).code ?? '';
  const name = printable(hdr.name);
  if (code === 'EPERM' || code === 'EACCES') {
    return new StoreError('PermissionDenied', `Could not create "${name}" from the layer: permission denied`, { entry: name }, { cause: e });
  }
  if (code === 'ENOENT' && hdr.typeflag === TYPE_LINK) {
    return new StoreError('InvalidArchive', `The layer holds a hard link "${name}" to "${printable(hdr.linkname)}", which is not in the layer`, { entry: name }, { cause: e });
  }
  return new StoreError('IoError', `Could not create "${name}" from the layer: ${(e as Error).message}`, { entry: name }, { cause: e });
}
