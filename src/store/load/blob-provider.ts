/*
 * Files of an image layout, wherever they live: a directory on disk or the members of an archive.
 * Paths are relative with "/" separators and are checked so a manifest cannot make us read
 * outside the layout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError, fsError } from '../errors';
import type { TarIndex } from './tar-index';

export interface BlobProvider {
  /** Size of a regular file, or undefined when absent. */
  size(rel: string): number | undefined;
  readSmall(rel: string, limit: number): Promise<Buffer>;
  open(rel: string): AsyncIterable<Buffer>;
  describe(rel: string): string;
}

export class DirProvider implements BlobProvider {
  constructor(readonly dir: string) {}

  private full(rel: string): string {
    const p = path.resolve(this.dir, rel);
    if (p !== this.dir && !p.startsWith(path.resolve(this.dir) + path.sep)) {
      throw new StoreError('InvalidArchive', `The layout names "${rel}", which is outside ${this.dir}`);
    }
    return p;
  }

  size(rel: string): number | undefined {
    try {
      const st = fs.statSync(this.full(rel));
      return st.isFile() ? st.size : undefined;
    } catch (e) {
      if (e instanceof StoreError) throw e;
      return undefined;
    }
  }

  async readSmall(rel: string, limit: number): Promise<Buffer> {
    const size = this.size(rel);
    if (size === undefined) throw new StoreError('InvalidArchive', `${this.describe(rel)} does not exist`);
    if (size > limit) throw new StoreError('InvalidArchive', `${this.describe(rel)} is ${size} bytes, more than the ${limit} allowed`);
    try {
      return fs.readFileSync(this.full(rel));
    } catch (e) {
      throw fsError(e, this.full(rel), 'a file of the image layout');
    }
  }

  open(rel: string): AsyncIterable<Buffer> {
    if (this.size(rel) === undefined) throw new StoreError('InvalidArchive', `${this.describe(rel)} does not exist`);
    return fs.createReadStream(this.full(rel), { highWaterMark: 1 << 20 });
  }

  describe(rel: string): string {
    return `"${rel}" in ${this.dir}`;
  }
}

export class TarProvider implements BlobProvider {
  constructor(
    readonly index: TarIndex,
    readonly archive: string,
  ) {}

  size(rel: string): number | undefined {
    return this.index.find(rel)?.size;
  }

  readSmall(rel: string, limit: number): Promise<Buffer> {
    if (!this.index.has(rel)) throw new StoreError('InvalidArchive', `${this.describe(rel)} does not exist`);
    return this.index.readSmall(rel, limit);
  }

  open(rel: string): AsyncIterable<Buffer> {
    if (!this.index.has(rel)) throw new StoreError('InvalidArchive', `${this.describe(rel)} does not exist`);
    return this.index.open(rel);
  }

  describe(rel: string): string {
    return `"${rel}" in the archive ${this.archive}`;
  }
}
