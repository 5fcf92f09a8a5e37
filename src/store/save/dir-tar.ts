/*
 * Tars a staging directory the way containers/storage's archive.Tar does for oci-archive
 * (oci/archive/oci_dest.go tarDirectory): a lexical walk without a root entry, directories with a
 * trailing slash, modes with their file-type bits, uid/gid 0 named "root", real mtimes, ending
 * with two zero blocks. Only directories and regular files occur in a staging layout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { END_OF_ARCHIVE, goTarHeader, padding } from '../go-tar';
import type { FileSink } from './sink';
import { cancelledError } from './sink';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const READ_CHUNK = 1024 * 1024;

function walk(dir: string, rel: string, out: { rel: string; abs: string; st: fs.Stats }[]): void {
  // Go's filepath.Walk visits names in lexical (byte) order.
  const names = fs.readdirSync(dir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    const abs = path.join(dir, name);
    const r = rel ? `${rel}/${name}` : name;
    const st = fs.lstatSync(abs);
    out.push({ rel: r, abs, st });
    if (st.isDirectory()) walk(abs, r, out);
  }
}

export async function tarDirectory(dir: string, sink: FileSink, signal?: AbortSignal): Promise<void> {
  const entries: { rel: string; abs: string; st: fs.Stats }[] = [];
  walk(dir, '', entries);
  for (const e of entries) {
    if (signal?.aborted) throw cancelledError();
    const mtime = Math.floor(e.st.mtimeMs / 1000);
    const perm = e.st.mode & 0o7777;
    if (e.st.isDirectory()) {
      await sink.write(goTarHeader({ name: `${e.rel}/`, typeflag: '5', mode: S_IFDIR | perm, uname: 'root', gname: 'root', mtime }));
      continue;
    }
    if (!e.st.isFile()) continue;
    await sink.write(goTarHeader({ name: e.rel, typeflag: '0', mode: S_IFREG | perm, size: e.st.size, uname: 'root', gname: 'root', mtime }));
    const fd = fs.openSync(e.abs, 'r');
    try {
      let left = e.st.size;
      while (left > 0) {
        const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, left));
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n === 0) throw new Error(`${e.abs} shrank while being archived`);
        await sink.write(n === buf.length ? buf : buf.subarray(0, n));
        left -= n;
        if (signal?.aborted) throw cancelledError();
      }
    } finally {
      fs.closeSync(fd);
    }
    const pad = padding(e.st.size);
    if (pad.length) await sink.write(pad);
  }
  await sink.write(END_OF_ARCHIVE);
}
