/*
 * Tar headers byte for byte as Go's archive/tar Writer produces them for the entries podman's
 * docker-archive writer sends (containers/image docker/internal/tarfile/writer.go): USTAR when every
 * field fits, otherwise a PAX extended header ("PaxHeaders.0/<base>") followed by the USTAR-style
 * header with the overflowing numeric fields zeroed. No record padding: the archive ends with
 * exactly two zero blocks (Go's Writer.Close). Pure functions, no I/O.
 */

export const BLOCK = 512;
/** What Go's tar.Writer.Close writes: two zero blocks and nothing else. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

export interface GoTarEntry {
  name: string;
  /** '0' regular, '2' symlink, '5' directory, … */
  typeflag: string;
  /** Permission bits plus, for writers that want them, the file-type bits (c/storage's archive.Tar). */
  mode: number;
  size?: number;
  linkname?: string;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  /** Seconds since the epoch. */
  mtime?: number;
}

const NAME_SIZE = 100;
const PREFIX_SIZE = 155;

function isAscii(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s);
}

function fitsInOctal(width: number, x: number): boolean {
  const bits = (width - 1) * 3;
  return x >= 0 && (width >= 22 || x < 2 ** bits);
}

/** Go's formatter.formatString: copy, NUL-terminate when shorter. Returns false when it overflows. */
function putString(block: Buffer, off: number, width: number, s: string): boolean {
  const bytes = Buffer.from(s, 'utf8');
  bytes.copy(block, off, 0, Math.min(width, bytes.length));
  if (bytes.length < width) block[off + bytes.length] = 0;
  return bytes.length <= width;
}

/** Go's formatter.formatOctal: zero-padded octal leaving room for a NUL; 0 when it does not fit. */
function putOctal(block: Buffer, off: number, width: number, x: number): boolean {
  const fits = fitsInOctal(width, x);
  const digits = (fits ? x : 0).toString(8);
  putString(block, off, width, digits.padStart(width - 1, '0'));
  return fits;
}

/** Go's splitUSTARPath. */
function splitUstarPath(name: string): { prefix: string; suffix: string } | undefined {
  let length = name.length;
  if (length <= NAME_SIZE || !isAscii(name)) return undefined;
  if (length > PREFIX_SIZE + 1) length = PREFIX_SIZE + 1;
  else if (name[length - 1] === '/') length--;
  const i = name.lastIndexOf('/', length - 1);
  const nlen = name.length - i - 1;
  const plen = i;
  if (i <= 0 || nlen > NAME_SIZE || nlen === 0 || plen > PREFIX_SIZE) return undefined;
  return { prefix: name.slice(0, i), suffix: name.slice(i + 1) };
}

function setChecksumAndMagic(block: Buffer): void {
  block.write('ustar\u0000', 257, 'latin1');
  block.write('00', 263, 'latin1');
  block.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i]!;
  putOctal(block, 148, 7, sum);
  block[155] = 0x20;
}

/** Go's templateV7Plus: the fields shared by USTAR and PAX main headers. Returns fields that overflowed. */
function template(e: GoTarEntry, name: string): { block: Buffer; overflow: string[] } {
  const block = Buffer.alloc(BLOCK);
  const overflow: string[] = [];
  block.write(e.typeflag, 156, 'latin1');
  if (!putString(block, 0, NAME_SIZE, name)) overflow.push('path');
  if (!putString(block, 157, 100, e.linkname ?? '')) overflow.push('linkpath');
  putOctal(block, 100, 8, e.mode);
  if (!putOctal(block, 108, 8, e.uid ?? 0)) overflow.push('uid');
  if (!putOctal(block, 116, 8, e.gid ?? 0)) overflow.push('gid');
  if (!putOctal(block, 124, 12, e.size ?? 0)) overflow.push('size');
  if (!putOctal(block, 136, 12, e.mtime ?? 0)) overflow.push('mtime');
  if (!putString(block, 265, 32, e.uname ?? '')) overflow.push('uname');
  if (!putString(block, 297, 32, e.gname ?? '')) overflow.push('gname');
  putOctal(block, 329, 8, 0);
  putOctal(block, 337, 8, 0);
  return { block, overflow };
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let size = Buffer.byteLength(body) ;
  size += String(size).length;
  let rec = `${size}${body}`;
  if (Buffer.byteLength(rec) !== size) {
    size = Buffer.byteLength(rec);
    rec = `${size}${body}`;
  }
  return rec;
}

/** Pads a data length to the tar block size. */
export function padding(size: number): Buffer {
  const rem = size % BLOCK;
  return rem === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rem);
}

/**
 * The header block(s) Go's tar.Writer.WriteHeader emits for the entry (not the data or its
 * padding). Names must already be what the caller wants in the archive.
 */
export function goTarHeader(e: GoTarEntry): Buffer {
  const size = e.size ?? 0;
  const fitsUstar =
    fitsInOctal(12, size) &&
    fitsInOctal(8, e.uid ?? 0) &&
    fitsInOctal(8, e.gid ?? 0) &&
    fitsInOctal(12, e.mtime ?? 0) &&
    isAscii(e.linkname ?? '') &&
    Buffer.byteLength(e.linkname ?? '') <= 100 &&
    isAscii(e.uname ?? '') &&
    isAscii(e.gname ?? '') &&
    Buffer.byteLength(e.uname ?? '') <= 32 &&
    Buffer.byteLength(e.gname ?? '') <= 32;
  const split = splitUstarPath(e.name);
  const nameFits = (isAscii(e.name) && e.name.length <= NAME_SIZE) || split !== undefined;
  if (fitsUstar && nameFits) {
    const { block } = template(e, split ? split.suffix : e.name);
    if (split) putString(block, 345, PREFIX_SIZE, split.prefix);
    setChecksumAndMagic(block);
    return block;
  }
  // PAX: records for every field that does not fit USTAR, sorted by key.
  const records = new Map<string, string>();
  if (!nameFits) records.set('path', e.name);
  if (e.linkname && !(isAscii(e.linkname) && e.linkname.length <= 100)) records.set('linkpath', e.linkname);
  if (!fitsInOctal(12, size)) records.set('size', String(size));
  if (!fitsInOctal(8, e.uid ?? 0)) records.set('uid', String(e.uid));
  if (!fitsInOctal(8, e.gid ?? 0)) records.set('gid', String(e.gid));
  if (!fitsInOctal(12, e.mtime ?? 0)) records.set('mtime', String(e.mtime));
  if (e.uname && !(isAscii(e.uname) && e.uname.length <= 32)) records.set('uname', e.uname);
  if (e.gname && !(isAscii(e.gname) && e.gname.length <= 32)) records.set('gname', e.gname);
  const data = Buffer.from(
    [...records.keys()]
      .sort()
      .map((k) => paxRecord(k, records.get(k)!))
      .join(''),
    'utf8',
  );
  const slash = e.name.lastIndexOf('/');
  const dir = slash >= 0 ? e.name.slice(0, slash + 1) : '';
  const base = slash >= 0 ? e.name.slice(slash + 1) : e.name;
  let paxName = toAscii(`${dir}PaxHeaders.0/${base}`);
  if (paxName.length > NAME_SIZE) paxName = paxName.slice(0, NAME_SIZE);
  paxName = paxName.replace(/\/+$/, '');
  const paxBlock = Buffer.alloc(BLOCK);
  paxBlock.write('x', 156, 'latin1');
  putString(paxBlock, 0, NAME_SIZE, paxName);
  putOctal(paxBlock, 100, 8, 0);
  putOctal(paxBlock, 108, 8, 0);
  putOctal(paxBlock, 116, 8, 0);
  putOctal(paxBlock, 124, 12, data.length);
  putOctal(paxBlock, 136, 12, 0);
  setChecksumAndMagic(paxBlock);
  const ascii = (s: string | undefined): string => toAscii(s ?? '');
  const { block } = template({ ...e, linkname: ascii(e.linkname), uname: ascii(e.uname), gname: ascii(e.gname) }, toAsciiName(e.name));
  setChecksumAndMagic(block);
  return Buffer.concat([paxBlock, data, padding(data.length), block]);
}

/** Go's toASCII: drops every non-ASCII character. */
function toAscii(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[^\x00-\x7f]/gu, '');
}

/** The V7 name field of a PAX main header: ASCII only, cut at 100 bytes, trailing slash replaced. */
function toAsciiName(s: string): string {
  const a = toAscii(s);
  if (a.length <= NAME_SIZE) return a;
  let cut = a.slice(0, NAME_SIZE);
  if (cut.endsWith('/')) cut = cut.slice(0, NAME_SIZE - 1).replace(/\/+$/, '');
  return cut;
}
