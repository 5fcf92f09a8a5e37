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
import { cancelled } from '../chunk-ring';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const READ_CHUNK = 1024 * 1024;
/** Read buffers in the ring: one being filled while the others are written. */
const RING = 4;

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
  // File contents go through a ring of reused buffers, each written from in place and refilled
  // once its write finished (fresh buffers per megabyte cost a page fault per page).
  const bufs = Array.from({ length: RING }, () => Buffer.allocUnsafeSlow(READ_CHUNK));
  const busy: (Promise<void> | undefined)[] = [];
  let slot = 0;
  try {
    await writeEntries(entries, sink, signal, async (fd, left) => {
      await busy[slot];
      const buf = bufs[slot]!;
      const n = fs.readSync(fd, buf, 0, Math.min(READ_CHUNK, left), null);
      if (n > 0) {
        // A failed write is kept by the sink and fails its next write or the close.
        busy[slot] = sink.writeOwned(buf.subarray(0, n)).catch(() => undefined);
        slot = (slot + 1) % RING;
      }
      return n;
    });
  } finally {
    for (const b of busy) await b;
  }
  await sink.write(END_OF_ARCHIVE);
}

async function writeEntries(
  entries: { rel: string; abs: string; st: fs.Stats }[],
  sink: FileSink,
  signal: AbortSignal | undefined,
  copyChunk: (fd: number, left: number) => Promise<number>,
): Promise<void> {
  for (const e of entries) {
    if (signal?.aborted) throw cancelled();
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
        const n = await copyChunk(fd, left);
        if (n === 0) throw new Error(`${e.abs} shrank while being archived`);
        left -= n;
        if (signal?.aborted) throw cancelled();
      }
    } finally {
      fs.closeSync(fd);
    }
    const pad = padding(e.st.size);
    if (pad.length) await sink.write(pad);
  }
}
