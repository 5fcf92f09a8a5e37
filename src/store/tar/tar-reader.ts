/*
 * A streaming tar reader with the semantics of Go's archive/tar as forked by tar-split (the reader
 * containers/storage uses when it applies a layer): ustar, GNU and PAX headers, GNU long names,
 * base-256 numbers, V7 directories, and "raw accounting": every byte of the archive that is not
 * file content (headers, PAX/GNU meta entries, padding, end blocks) is handed to the caller so a
 * tar-split file can be written that rebuilds the archive byte for byte.
 *
 * Names and link names are "byte strings" (latin1: one char per byte), so names that are not
 * valid UTF-8 survive unchanged; use Buffer.from(name, 'latin1') for file-system calls.
 * Never buffers file contents; meta entries are bounded (MAX_SPECIAL_FILE_SIZE).
 */
import { StoreError } from '../errors';
import { ByteSource } from './byte-source';

export const BLOCK_SIZE = 512;
/** Go's maxSpecialFileSize: PAX records and GNU long names larger than this are rejected. */
export const MAX_SPECIAL_FILE_SIZE = 1 << 20;

export const TYPE_REG = '0';
export const TYPE_REGA = '\0';
export const TYPE_LINK = '1';
export const TYPE_SYMLINK = '2';
export const TYPE_CHAR = '3';
export const TYPE_BLOCK = '4';
export const TYPE_DIR = '5';
export const TYPE_FIFO = '6';
export const TYPE_CONT = '7';
export const TYPE_XHEADER = 'x';
export const TYPE_XGLOBAL = 'g';
export const TYPE_GNU_SPARSE = 'S';
export const TYPE_GNU_LONGNAME = 'L';
export const TYPE_GNU_LONGLINK = 'K';

export interface TarHeader {
  /** Byte string (latin1). */
  name: string;
  /** Byte string (latin1). */
  linkname: string;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  /** The header's size field (after PAX); may be non-zero for header-only types. */
  size: number;
  /** Seconds since the epoch, with fraction when PAX gave one. */
  mtime: number;
  atime?: number;
  devmajor: number;
  devminor: number;
  /** SCHILY.xattr.* PAX records: key → raw value. */
  xattrs: Map<string, Buffer>;
}

/** Types whose data section is empty whatever their size field says (Go's isHeaderOnlyType). */
function isHeaderOnly(t: string): boolean {
  return t === TYPE_LINK || t === TYPE_SYMLINK || t === TYPE_CHAR || t === TYPE_BLOCK || t === TYPE_DIR || t === TYPE_FIFO;
}

function bad(what: string, detail: string): StoreError {
  return new StoreError('InvalidArchive', `${what} is not a valid tar archive: ${detail}`);
}

function cString(b: Buffer): string {
  const z = b.indexOf(0);
  return (z < 0 ? b : b.subarray(0, z)).toString('latin1');
}

function parseNumeric(b: Buffer, what: string, field: string): number {
  if (b.length > 0 && (b[0]! & 0x80) !== 0) {
    // Base-256 (GNU): big-endian two's complement with the marker bit.
    const negative = (b[0]! & 0x40) !== 0;
    if (negative) throw bad(what, `negative ${field}`);
    let v = 0n;
    for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(i === 0 ? b[i]! & 0x7f : b[i]!);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(what, `${field} is too large`);
    return Number(v);
  }
  const s = b.toString('latin1').replace(/^[ \0]+|[ \0]+$/g, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw bad(what, `invalid ${field} field "${s.replace(/[^\x20-\x7e]/g, '?')}"`);
  const v = parseInt(s, 8);
  if (!Number.isSafeInteger(v)) throw bad(what, `${field} is too large`);
  return v;
}

function checksumOk(block: Buffer, what: string): boolean {
  const stored = parseNumeric(block.subarray(148, 156), what, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

type Format = 'v7' | 'ustar' | 'gnu' | 'star';

function formatOf(block: Buffer): Format {
  const magic = block.toString('latin1', 257, 263);
  const version = block.toString('latin1', 263, 265);
  const trailer = block.toString('latin1', 508, 512);
  if (magic === 'ustar\0' && trailer === 'tar\0') return 'star';
  if (magic === 'ustar\0') return 'ustar';
  if (magic === 'ustar ' && version === ' \0') return 'gnu';
  return 'v7';
}

function parsePaxTime(v: string, what: string): number {
  if (!/^-?\d+(\.\d+)?$/.test(v)) throw bad(what, `invalid PAX time "${v}"`);
  return Number(v);
}

/** Parses PAX records ("%d %s=%s\n"), as Go's parsePAX. */
function parsePax(data: Buffer, what: string): Map<string, string> {
  const out = new Map<string, string>();
  let s = data.toString('latin1');
  while (s.length > 0) {
    const sp = s.indexOf(' ');
    if (sp <= 0) throw bad(what, 'malformed PAX record');
    const n = Number(s.slice(0, sp));
    if (!Number.isInteger(n) || n <= sp || n > s.length) throw bad(what, 'malformed PAX record length');
    const rec = s.slice(sp + 1, n);
    if (!rec.endsWith('\n')) throw bad(what, 'PAX record not terminated by a newline');
    const eq = rec.indexOf('=');
    if (eq <= 0) throw bad(what, 'PAX record without a key');
    const key = rec.slice(0, eq);
    const value = rec.slice(eq + 1, -1);
    if (key.startsWith('GNU.sparse.')) throw bad(what, 'GNU sparse files are not supported in image layers');
    out.set(key, value);
    s = s.slice(n);
  }
  return out;
}

export class TarReader {
  private readonly src: ByteSource;
  private raw: Buffer[] = [];
  /** Data bytes of the current entry not yet consumed. */
  private remaining = 0;
  private pad = 0;
  private finished = false;

  constructor(
    source: AsyncIterable<Buffer | Uint8Array | string>,
    private readonly what = 'The layer',
    /** Keep skipped content as raw bytes (for tar-split); off when only indexing an archive. */
    private readonly accountSkipped = true,
  ) {
    this.src = new ByteSource(source, what);
  }

  /** Offset in the archive of the next unread byte (the current entry's content after next()). */
  get position(): number {
    return this.src.position;
  }

  /** Bytes that are not file content, read since the last call (headers, padding, end blocks). */
  takeRaw(): Buffer {
    const b = this.raw.length === 1 ? this.raw[0]! : Buffer.concat(this.raw);
    this.raw = [];
    return b;
  }

  private async readRaw(n: number): Promise<Buffer> {
    const b = await this.src.readExact(n);
    if (this.accountSkipped) this.raw.push(b);
    return b;
  }

  /** The next entry's header, or null at the end of the archive. */
  async next(): Promise<TarHeader | null> {
    if (this.finished) return null;
    let pax: Map<string, string> | undefined;
    let longName: string | undefined;
    let longLink: string | undefined;
    for (;;) {
      // Unread content of the previous entry is not file data the caller saw: account it as raw.
      if (this.remaining > 0) {
        for await (const b of this.src.stream(this.remaining)) if (this.accountSkipped) this.raw.push(b);
      }
      this.remaining = 0;
      if (this.pad > 0) await this.readRaw(this.pad);
      this.pad = 0;

      const block = await this.src.readUpTo(BLOCK_SIZE);
      if (block.length === 0) {
        // Go accepts an archive that simply stops at an entry boundary.
        this.finished = true;
        return null;
      }
      if (block.length < BLOCK_SIZE) throw bad(this.what, 'the archive ends inside a header');
      if (this.accountSkipped) this.raw.push(block);
      if (block.every((c) => c === 0)) {
        const second = await this.src.readUpTo(BLOCK_SIZE);
        if (this.accountSkipped) this.raw.push(second);
        if (second.length === 0) {
          this.finished = true;
          return null;
        }
        if (second.length < BLOCK_SIZE) throw bad(this.what, 'the archive ends inside its end marker');
        if (second.every((c) => c === 0)) {
          this.finished = true;
          return null;
        }
        throw bad(this.what, 'a zero block is followed by data');
      }
      if (!checksumOk(block, this.what)) throw bad(this.what, 'header checksum mismatch');
      const format = formatOf(block);
      let typeflag = String.fromCharCode(block[156]!);
      const hdr: TarHeader = {
        name: cString(block.subarray(0, 100)),
        linkname: cString(block.subarray(157, 257)),
        typeflag,
        mode: parseNumeric(block.subarray(100, 108), this.what, 'mode'),
        uid: parseNumeric(block.subarray(108, 116), this.what, 'uid'),
        gid: parseNumeric(block.subarray(116, 124), this.what, 'gid'),
        size: parseNumeric(block.subarray(124, 136), this.what, 'size'),
        mtime: parseNumeric(block.subarray(136, 148), this.what, 'mtime'),
        devmajor: 0,
        devminor: 0,
        xattrs: new Map(),
      };
      if (format !== 'v7') {
        hdr.devmajor = parseNumeric(block.subarray(329, 337), this.what, 'devmajor');
        hdr.devminor = parseNumeric(block.subarray(337, 345), this.what, 'devminor');
        if (format === 'ustar' || format === 'star') {
          const prefix = cString(block.subarray(345, format === 'star' ? 345 + 131 : 345 + 155));
          if (prefix !== '') hdr.name = `${prefix}/${hdr.name}`;
        } else {
          const atime = parseNumeric(block.subarray(345, 357), this.what, 'atime');
          if (atime !== 0) hdr.atime = atime;
        }
      }
      this.setData(hdr);

      if (typeflag === TYPE_XHEADER || typeflag === TYPE_XGLOBAL) {
        const records = parsePax(await this.readSpecial(), this.what);
        if (typeflag === TYPE_XGLOBAL) {
          // Go hands a global header to the caller as an entry of its own, with no data.
          const g: TarHeader = { ...hdr, size: 0, linkname: '', mode: 0, uid: 0, gid: 0, mtime: 0, xattrs: new Map() };
          applyPax(g, records, this.what);
          g.size = 0;
          return g;
        }
        pax = records;
        continue;
      }
      if (typeflag === TYPE_GNU_LONGNAME || typeflag === TYPE_GNU_LONGLINK) {
        const value = cString(await this.readSpecial());
        if (typeflag === TYPE_GNU_LONGNAME) longName = value;
        else longLink = value;
        continue;
      }
      if (typeflag === TYPE_GNU_SPARSE) throw bad(this.what, 'GNU sparse files are not supported in image layers');
      if (pax) applyPax(hdr, pax, this.what);
      if (longName !== undefined && longName !== '') hdr.name = longName;
      if (longLink !== undefined && longLink !== '') hdr.linkname = longLink;
      if (typeflag === TYPE_REGA || typeflag === TYPE_CONT) {
        typeflag = hdr.name.endsWith('/') ? TYPE_DIR : TYPE_REG;
        hdr.typeflag = typeflag;
      }
      this.setData(hdr);
      return hdr;
    }
  }

  private setData(hdr: TarHeader): void {
    if (hdr.size < 0) throw bad(this.what, 'negative size');
    const n = isHeaderOnly(hdr.typeflag) ? 0 : hdr.size;
    this.remaining = n;
    this.pad = (BLOCK_SIZE - (n % BLOCK_SIZE)) % BLOCK_SIZE;
  }

  /** Reads the data of a PAX or GNU meta entry (raw, bounded). */
  private async readSpecial(): Promise<Buffer> {
    if (this.remaining > MAX_SPECIAL_FILE_SIZE) {
      throw bad(this.what, `a metadata header is ${this.remaining} bytes, more than the ${MAX_SPECIAL_FILE_SIZE} allowed`);
    }
    const data = await this.readRaw(this.remaining);
    this.remaining = 0;
    return data;
  }

  /** The current entry's content, streamed. Must be consumed before the next call to next(). */
  async *data(): AsyncGenerator<Buffer> {
    const n = this.remaining;
    this.remaining = 0;
    // Re-arm so that an abandoned iteration is still skipped (as raw) by next().
    let consumed = 0;
    try {
      for await (const b of this.src.stream(n)) {
        consumed += b.length;
        yield b;
      }
    } finally {
      if (consumed < n) this.remaining = n - consumed;
    }
  }

  /** Everything after the end of the archive (extra padding), in pieces of at most `max` bytes. */
  rest(max: number): AsyncGenerator<Buffer> {
    return this.src.rest(max);
  }
}

function applyPax(hdr: TarHeader, records: Map<string, string>, what: string): void {
  for (const [key, value] of records) {
    switch (key) {
      case 'path':
        hdr.name = value;
        break;
      case 'linkpath':
        hdr.linkname = value;
        break;
      case 'size': {
        if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw bad(what, `invalid PAX size "${value}"`);
        hdr.size = Number(value);
        break;
      }
      case 'uid':
      case 'gid': {
        if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw bad(what, `invalid PAX ${key} "${value}"`);
        hdr[key] = Number(value);
        break;
      }
      case 'mtime':
        hdr.mtime = parsePaxTime(value, what);
        break;
      case 'atime':
        hdr.atime = parsePaxTime(value, what);
        break;
      default:
        if (key.startsWith('SCHILY.xattr.')) hdr.xattrs.set(key.slice('SCHILY.xattr.'.length), Buffer.from(value, 'latin1'));
    }
  }
}
