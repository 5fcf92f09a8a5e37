/*
 * Random access to the members of an archive file (docker-archive, oci-archive): one pass over
 * the headers records where each member's content lies, then members are read straight from the
 * file by offset. A whole-archive gzip is first expanded to a temporary file, since podman accepts
 * compressed OCI archives. Member names are matched after path.Clean, as c/image does; the first
 * of duplicate names wins; symbolic links are followed one level.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { StoreError, fsError } from '../errors';
import { TarReader, TYPE_LINK, TYPE_REG, TYPE_SYMLINK } from '../tar/tar-reader';
import { cleanTarPath, printable } from '../tar/tar-split-writer';
import { Compression, detectCompression } from '../layer/unpack-layer';

export interface Member {
  name: string;
  typeflag: string;
  linkname: string;
  offset: number;
  size: number;
}

export class TarIndex {
  private constructor(
    readonly file: string,
    private readonly members: Map<string, Member>,
    private readonly tmpDir: string | undefined,
  ) {}

  /** Indexes `file`; throws InvalidArchive when it is not a tar (or a gzip'd tar). */
  static async open(file: string, signal?: AbortSignal): Promise<TarIndex> {
    let tarFile = file;
    let tmpDir: string | undefined;
    const head = readHead(file, 10);
    const compression = detectCompression(head);
    if (compression === Compression.Gzip) {
      tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-load-'));
      tarFile = path.join(tmpDir, 'archive.tar');
      try {
        await pipeline(fs.createReadStream(file), zlib.createGunzip(), fs.createWriteStream(tarFile, { mode: 0o600 }), { signal });
      } catch (e) {
        fs.rmSync(tmpDir, { recursive: true, force: true });
        if (signal?.aborted) throw new StoreError('Cancelled', 'The load was cancelled');
        throw new StoreError('InvalidArchive', `${file} is not valid gzip data: ${(e as Error).message}`, { path: file }, { cause: e });
      }
    } else if (compression !== Compression.None) {
      throw new StoreError('InvalidArchive', `${file} is compressed in a format Strata cannot read (only gzip is supported)`, { path: file });
    }
    try {
      const members = new Map<string, Member>();
      const input = fs.createReadStream(tarFile, { highWaterMark: 1 << 20 });
      const tr = new TarReader(input, `The archive ${file}`, false);
      try {
        for (;;) {
          if (signal?.aborted) throw new StoreError('Cancelled', 'The load was cancelled');
          const hdr = await tr.next();
          if (!hdr) break;
          const name = cleanTarPath(hdr.name);
          if (!members.has(name)) {
            members.set(name, { name, typeflag: hdr.typeflag, linkname: hdr.linkname, offset: tr.position, size: hdr.typeflag === TYPE_REG ? hdr.size : 0 });
          }
        }
      } finally {
        input.destroy();
      }
      return new TarIndex(tarFile, members, tmpDir);
    } catch (e) {
      if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
      throw e;
    }
  }

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  /** The regular-file member called `name` (after Clean), following one symlink level. */
  find(name: string): Member | undefined {
    const clean = cleanTarPath(name);
    const m = this.members.get(clean);
    if (!m) return undefined;
    if (m.typeflag === TYPE_SYMLINK || m.typeflag === TYPE_LINK) {
      const target = m.typeflag === TYPE_SYMLINK ? cleanTarPath(path.posix.join(path.posix.dirname(clean), m.linkname)) : cleanTarPath(m.linkname);
      const t = this.members.get(target);
      return t && t.typeflag === TYPE_REG ? t : undefined;
    }
    return m.typeflag === TYPE_REG ? m : undefined;
  }

  /** Streams a member's content. */
  open(name: string): fs.ReadStream {
    const m = this.require(name);
    return fs.createReadStream(this.file, { start: m.offset, end: m.offset + m.size - 1, highWaterMark: 1 << 20 });
  }

  require(name: string): Member {
    const m = this.find(name);
    if (!m) throw new StoreError('InvalidArchive', `The archive has no file "${printable(name)}"`, { member: printable(name) });
    return m;
  }

  /** Reads a small member whole, refusing members larger than `limit`. */
  async readSmall(name: string, limit: number): Promise<Buffer> {
    const m = this.require(name);
    if (m.size > limit) {
      throw new StoreError('InvalidArchive', `"${printable(name)}" in the archive is ${m.size} bytes, more than the ${limit} allowed`);
    }
    const buf = Buffer.alloc(m.size);
    const fd = fs.openSync(this.file, 'r');
    try {
      let off = 0;
      while (off < m.size) {
        const n = fs.readSync(fd, buf, off, m.size - off, m.offset + off);
        if (n === 0) throw new StoreError('InvalidArchive', `The archive is truncated inside "${printable(name)}"`);
        off += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    return buf;
  }

  close(): void {
    if (this.tmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true });
  }
}

function readHead(file: string, n: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw fsError(e, file, 'the archive');
  }
  try {
    const buf = Buffer.alloc(n);
    const got = fs.readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } catch (e) {
    throw fsError(e, file, 'the archive');
  } finally {
    fs.closeSync(fd);
  }
}
