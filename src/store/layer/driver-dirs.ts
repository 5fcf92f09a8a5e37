/*
 * The per-layer directories of the overlay and vfs drivers, created and removed exactly as
 * containers/storage's drivers do (drivers/overlay/overlay.go create/Remove, drivers/vfs/driver.go):
 * overlay: <home>/<id>/{diff,work,merged,link[,empty|lower]} plus the short link <home>/l/<LINK>;
 * vfs: <home>/dir/<id>, starting as a copy of the parent's tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StoreError, fsError } from '../errors';
import { copyTree } from './dir-copy';
import { toByteString } from './root-path';

/** overlay's defaultPerms for the diff root of a base layer. */
const DEFAULT_PERMS = 0o555;
const LINK_DIR = 'l';
const LINK_ID_LENGTH = 26;

export type LayerDriver = 'overlay' | 'vfs';

export class DriverDirs {
  constructor(
    readonly driver: LayerDriver,
    /** <graphroot>/<driver> */
    readonly home: string,
  ) {}

  /** The directory the layer's tar is applied to. */
  applyRoot(id: string): string {
    return this.driver === 'overlay' ? path.join(this.home, id, 'diff') : path.join(this.home, 'dir', id);
  }

  create(id: string, parent: string | undefined, signal?: AbortSignal): void {
    try {
      fs.mkdirSync(this.home, { recursive: true, mode: 0o700 });
      if (this.driver === 'overlay') this.createOverlay(id, parent);
      else this.createVfs(id, parent, signal);
    } catch (e) {
      this.remove(id);
      if (e instanceof StoreError) throw e;
      if ((e as Error).name === 'AbortError') throw new StoreError('Cancelled', 'The load was cancelled');
      throw fsError(e, path.join(this.home, id), 'the new layer directory');
    }
  }

  private createOverlay(id: string, parent: string | undefined): void {
    const dir = path.join(this.home, id);
    fs.mkdirSync(path.join(this.home, LINK_DIR), { recursive: true, mode: 0o755 });
    if (fs.existsSync(dir)) this.remove(id);
    fs.mkdirSync(dir, { mode: 0o700 });
    let perms = DEFAULT_PERMS;
    let owner = { uid: 0, gid: 0 };
    if (parent) {
      const st = fs.statSync(path.join(this.home, parent));
      owner = { uid: st.uid, gid: st.gid };
      perms = fs.statSync(path.join(this.home, parent, 'diff')).mode & 0o7777;
    }
    const mk = (p: string, mode: number): void => {
      fs.mkdirSync(p, { mode });
      fs.chmodSync(p, mode);
      if (process.getuid?.() === 0) fs.chownSync(p, owner.uid, owner.gid);
    };
    mk(path.join(dir, 'diff'), perms);
    const lid = randomLinkId();
    fs.symlinkSync(path.join('..', id, 'diff'), path.join(this.home, LINK_DIR, lid));
    fs.writeFileSync(path.join(dir, 'link'), lid, { mode: 0o644 });
    mk(path.join(dir, 'work'), 0o700);
    mk(path.join(dir, 'merged'), 0o700);
    if (!parent) {
      mk(path.join(dir, 'empty'), 0o700);
      return;
    }
    const lower = this.lowerOf(parent);
    if (lower !== '') fs.writeFileSync(path.join(dir, 'lower'), lower, { mode: 0o644 });
  }

  /** overlay getLower: the parent's short link, then the parent's own lowers. */
  private lowerOf(parent: string): string {
    const link = fs.readFileSync(path.join(this.home, parent, 'link'), 'utf8');
    const lowers = [`${LINK_DIR}/${link}`];
    try {
      const parentLower = fs.readFileSync(path.join(this.home, parent, 'lower'), 'utf8');
      if (parentLower !== '') lowers.push(...parentLower.split(':'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    return lowers.join(':');
  }

  private createVfs(id: string, parent: string | undefined, signal?: AbortSignal): void {
    const dir = path.join(this.home, 'dir', id);
    fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
    if (parent) {
      copyTree(toByteString(path.join(this.home, 'dir', parent)), toByteString(dir), signal);
      return;
    }
    fs.mkdirSync(dir, { mode: DEFAULT_PERMS });
    fs.chmodSync(dir, DEFAULT_PERMS);
  }

  /** Removes the layer's directories; absent parts are fine. */
  remove(id: string): void {
    if (this.driver === 'overlay') {
      const dir = path.join(this.home, id);
      try {
        const link = fs.readFileSync(path.join(dir, 'link'), 'utf8');
        if (/^[A-Z2-7]+$/.test(link)) fs.rmSync(path.join(this.home, LINK_DIR, link), { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(e, dir, 'a layer directory');
      }
      removeTree(dir);
    } else {
      removeTree(path.join(this.home, 'dir', id));
    }
  }
}

/** rm -rf that also gets through read-only directories (the diff root is 0555, work/work may be 000). */
function removeTree(p: string): void {
  try {
    fs.rmSync(p, { recursive: true, force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw fsError(e, p, 'a layer directory');
    chmodDirs(p);
    fs.rmSync(p, { recursive: true, force: true });
  }
}

function chmodDirs(p: string): void {
  const st = fs.lstatSync(p);
  if (!st.isDirectory()) return;
  fs.chmodSync(p, 0o700);
  for (const name of fs.readdirSync(p)) chmodDirs(path.join(p, name));
}

/** overlay's generateID: the first 26 characters of base32 (std) of random bytes. */
export function randomLinkId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(LINK_ID_LENGTH);
  let out = '';
  for (let i = 0; i < LINK_ID_LENGTH; i++) out += alphabet[bytes[i]! & 31];
  return out;
}
