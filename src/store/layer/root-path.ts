/*
 * Path handling inside a layer directory that is being filled from an untrusted tar stream.
 * containers/storage unpacks inside a chroot, so symbolic links in the layer can only ever lead
 * to other places in the layer. We do not chroot; instead every parent component is resolved by
 * hand with the same meaning (absolute link targets and ".." stop at the layer root), and the
 * last component is never followed. Paths are byte strings (latin1), see tar-reader.ts.
 */
import * as fs from 'node:fs';
import { StoreError } from '../errors';
import { cleanTarPath, printable } from '../tar/tar-split-writer';

/** Linux's limit on symbolic links followed while resolving one path. */
const MAX_SYMLINKS = 40;

export function fsPath(byteString: string): Buffer {
  return Buffer.from(byteString, 'latin1');
}

export function toByteString(p: string): string {
  return Buffer.from(p, 'utf8').toString('latin1');
}

/**
 * The entry's path relative to the layer root, cleaned like Go's filepath.Clean. Absolute names
 * are taken as relative to the root (as c/storage does); names climbing out with ".." are refused.
 * Returns "" for the root itself.
 */
export function entryRelPath(name: string): string {
  let p = cleanTarPath(name);
  if (p.startsWith('/')) p = cleanTarPath(p.slice(1));
  if (p === '..' || p.startsWith('../')) {
    throw new StoreError('InvalidArchive', `The layer holds "${printable(name)}", which points outside the layer`, { entry: printable(name) });
  }
  return p === '.' ? '' : p;
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(fsPath(p));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Resolves the directory part of `rel` under `root` with chroot semantics. With `create`, missing
 * directories are made (mode 0755) as c/storage's MkdirAll does. Returns the absolute byte-string
 * path of the parent directory and the final component ('' for the root).
 */
export function resolveParent(root: string, rel: string, create: boolean): { dir: string; base: string } {
  if (rel === '') return { dir: root, base: '' };
  const parts = rel.split('/');
  const base = parts.pop()!;
  const dir = resolveDir(root, parts, create);
  return { dir, base };
}

function resolveDir(root: string, parts: string[], create: boolean): string {
  const queue = [...parts];
  const cur: string[] = [];
  let links = 0;
  while (queue.length > 0) {
    const c = queue.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      cur.pop();
      continue;
    }
    const candidate = [root, ...cur, c].join('/');
    const st = lstatOrNull(candidate);
    if (st === null) {
      if (create) fs.mkdirSync(fsPath(candidate), { mode: 0o755 });
      cur.push(c);
      continue;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) {
        throw new StoreError('InvalidArchive', `Too many levels of symbolic links under ${printable(candidate)}`);
      }
      const target = fs.readlinkSync(fsPath(candidate), { encoding: 'buffer' }).toString('latin1');
      if (target.startsWith('/')) cur.length = 0;
      queue.unshift(...target.split('/'));
      continue;
    }
    cur.push(c);
  }
  return [root, ...cur].join('/');
}

/** The location a hard link's target names, resolved inside the root; the last component is not followed. */
export function resolveLinkTarget(root: string, linkname: string): string {
  let p = cleanTarPath(linkname);
  if (p.startsWith('/')) p = p.slice(1);
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  // Leading ".." components stop at the root, as they would inside a chroot.
  while (parts[0] === '..') parts.shift();
  if (parts.length === 0) return root;
  const base = parts.pop()!;
  return `${resolveDir(root, parts, false)}/${base}`;
}
