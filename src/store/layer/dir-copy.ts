/*
 * Copies a directory tree the way c/storage's vfs driver copies a parent layer into a new one
 * (drivers/copy DirCopy with hard links kept): files, directories, symbolic links, device nodes
 * and FIFOs, with owners, modes, times and extended attributes; hard links inside the tree stay
 * hard links. Paths are byte strings (see root-path.ts). Never follows a symbolic link.
 */
import * as fs from 'node:fs';
import { fsPath } from './root-path';
import { S_IFBLK, S_IFCHR, S_IFIFO, lgetxattr, llistxattr, lsetxattr, mknod } from './native-fs';

export function copyTree(src: string, dst: string, signal?: AbortSignal): void {
  const inodes = new Map<string, string>();
  const dirs: Array<{ path: string; st: fs.BigIntStats }> = [];
  const visit = (s: string, d: string): void => {
    signal?.throwIfAborted();
    const st = fs.lstatSync(fsPath(s), { bigint: true });
    const mode = Number(st.mode);
    const type = mode & fs.constants.S_IFMT;
    if (type === fs.constants.S_IFDIR) {
      try {
        fs.mkdirSync(fsPath(d), { mode: mode & 0o777 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      copyMeta(s, d, st, false);
      dirs.push({ path: d, st });
      for (const name of fs.readdirSync(fsPath(s), { encoding: 'buffer' })) {
        const n = name.toString('latin1');
        visit(`${s}/${n}`, `${d}/${n}`);
      }
      return;
    }
    const key = `${st.dev}:${st.ino}`;
    if (st.nlink > 1n) {
      const first = inodes.get(key);
      if (first !== undefined) {
        fs.linkSync(fsPath(first), fsPath(d));
        return;
      }
      inodes.set(key, d);
    }
    if (type === fs.constants.S_IFREG) {
      fs.copyFileSync(fsPath(s), fsPath(d), fs.constants.COPYFILE_FICLONE);
    } else if (type === fs.constants.S_IFLNK) {
      fs.symlinkSync(fs.readlinkSync(fsPath(s), { encoding: 'buffer' }), fsPath(d));
    } else if (type === fs.constants.S_IFCHR || type === fs.constants.S_IFBLK || type === fs.constants.S_IFIFO) {
      const kind = type === fs.constants.S_IFCHR ? S_IFCHR : type === fs.constants.S_IFBLK ? S_IFBLK : S_IFIFO;
      mknod(fsPath(d), kind | (mode & 0o7777), st.rdev);
    } else {
      return; // sockets are not copied (c/storage skips them too)
    }
    copyMeta(s, d, st, type === fs.constants.S_IFLNK);
  };
  visit(src, dst);
  // Directory times last: filling a directory changes its mtime.
  for (const { path, st } of dirs.reverse()) fs.utimesSync(fsPath(path), toSeconds(st.atimeNs), toSeconds(st.mtimeNs));
}

function toSeconds(ns: bigint): number {
  return Number(ns) / 1e9;
}

function copyMeta(s: string, d: string, st: fs.BigIntStats, isLink: boolean): void {
  if (process.getuid?.() === 0) fs.lchownSync(fsPath(d), Number(st.uid), Number(st.gid));
  for (const name of llistxattr(fsPath(s))) {
    const value = lgetxattr(fsPath(s), name);
    if (value !== undefined) lsetxattr(fsPath(d), name, value);
  }
  if (isLink) {
    fs.lutimesSync(fsPath(d), toSeconds(st.atimeNs), toSeconds(st.mtimeNs));
    return;
  }
  fs.chmodSync(fsPath(d), Number(st.mode) & 0o7777);
  if ((Number(st.mode) & fs.constants.S_IFMT) !== fs.constants.S_IFDIR) fs.utimesSync(fsPath(d), toSeconds(st.atimeNs), toSeconds(st.mtimeNs));
}
