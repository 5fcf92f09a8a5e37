/*
 * Writes a layer's tar-split file (<driver>-layers/<id>.tar-split.gz) the way containers/storage
 * does through vbatts/tar-split's JSON packer: gzip of newline-delimited JSON entries, type 2
 * ("segment") for raw archive bytes, type 1 ("file") per tar entry with its size and the CRC-64 of
 * its content. Duplicate entry paths are refused, as tar-split refuses them. Streams to a
 * temporary file next to the target; commit() fsyncs and renames it into place.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { randomInt } from 'node:crypto';
import { StoreError, fsError } from '../errors';
import { goQuote } from '../go-json';

const SEGMENT_TYPE = 2;
const FILE_TYPE = 1;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** tar-split's filepath.Clean on a byte-string name. */
export function cleanTarPath(name: string): string {
  const abs = name.startsWith('/');
  const parts: string[] = [];
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!abs) parts.push('..');
      continue;
    }
    parts.push(p);
  }
  const joined = parts.join('/');
  if (abs) return '/' + joined;
  return joined === '' ? '.' : joined;
}

export class TarSplitWriter {
  private readonly gzip: zlib.Gzip;
  private readonly out: fs.WriteStream;
  private readonly tmp: string;
  private position = 0;
  private readonly seen = new Set<string>();
  private failed: Error | undefined;
  private readonly closed: Promise<void>;

  constructor(private readonly target: string) {
    this.tmp = path.join(path.dirname(target), `.tmp-${path.basename(target)}${randomInt(1, 2 ** 31 - 1)}`);
    // BestSpeed, like c/storage's pgzip writer; the bytes differ (other compressor) but any gzip reader agrees.
    this.gzip = zlib.createGzip({ level: zlib.constants.Z_BEST_SPEED });
    this.out = fs.createWriteStream(this.tmp, { flags: 'wx', mode: 0o600 });
    this.gzip.pipe(this.out);
    this.closed = new Promise<void>((resolve, reject) => {
      this.out.on('close', resolve);
      this.out.on('error', reject);
      this.gzip.on('error', reject);
    });
    this.closed.catch((e: Error) => {
      this.failed = e;
    });
  }

  private async writeLine(line: string): Promise<void> {
    if (this.failed) throw fsError(this.failed, this.tmp, 'the tar-split file');
    if (!this.gzip.write(line)) await new Promise<void>((r) => this.gzip.once('drain', r));
  }

  /** Raw archive bytes (headers, padding, end blocks). */
  async segment(payload: Buffer): Promise<void> {
    await this.writeLine(`{"type":${SEGMENT_TYPE},"payload":"${payload.toString('base64')}","position":${this.position++}}\n`);
  }

  /** One tar entry. `name` is a byte string; `crc` is null for entries without content. */
  async file(name: string, size: number, crc: Buffer | null): Promise<void> {
    const key = cleanTarPath(name);
    if (this.seen.has(key)) {
      throw new StoreError('InvalidArchive', `The layer holds "${printable(name)}" twice; duplicate paths are not supported`);
    }
    this.seen.add(key);
    const bytes = Buffer.from(name, 'latin1');
    let nameField: string;
    try {
      nameField = `"name":${goQuote(utf8.decode(bytes))}`;
    } catch {
      nameField = `"name_raw":"${bytes.toString('base64')}"`;
    }
    if (name === '') nameField = '';
    const sizeField = size !== 0 ? `"size":${size},` : '';
    const payload = crc ? `"${crc.toString('base64')}"` : 'null';
    await this.writeLine(`{"type":${FILE_TYPE},${nameField ? nameField + ',' : ''}${sizeField}"payload":${payload},"position":${this.position++}}\n`);
  }

  /** Finishes the gzip stream, fsyncs and renames the file into place. */
  async commit(): Promise<void> {
    this.gzip.end();
    await this.closed;
    if (this.failed) throw fsError(this.failed, this.tmp, 'the tar-split file');
    try {
      const fd = fs.openSync(this.tmp, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(this.tmp, this.target);
    } catch (e) {
      fs.rmSync(this.tmp, { force: true });
      throw fsError(e, this.target, 'the tar-split file');
    }
  }

  /** Drops the temporary file. */
  async abort(): Promise<void> {
    this.gzip.destroy();
    this.out.destroy();
    await this.closed.catch(() => undefined);
    fs.rmSync(this.tmp, { force: true });
  }
}

/** A name safe to show in a message. */
export function printable(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}
