/*
 * docker-archive output, byte-identical to podman 4.3.1's `podman save` (containers/image 5.23
 * docker/internal/tarfile writer.go + dest.go): uncompressed layers as <diffID>.tar (each once),
 * the config as <id>.json, legacy v1 directories (<v1id>/layer.tar symlink, VERSION, json), then
 * manifest.json and repositories, in Go's tar encoding with no record padding.
 */
import { createHash } from 'node:crypto';
import { StoreError } from '../errors';
import { GoMap, RawJson, goMarshal, rawMembers, type GoJsonValue } from '../go-json';
import { END_OF_ARCHIVE, goTarHeader, padding } from '../go-tar';
import type { LayerTarSource } from '../layer-stream';
import type { ImageDestination, PutResult } from './copy';
import { MT, type ParsedManifest } from './manifest';
import type { FileSink } from './sink';

export interface RepoTag {
  /** Fully qualified repository, e.g. "localhost/app". */
  name: string;
  tag: string;
}

interface ManifestItem {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

const LEGACY_ATTRS = ['architecture', 'config', 'container', 'container_config', 'created', 'docker_version', 'os'];

const hex = (digest: string): string => digest.slice(digest.indexOf(':') + 1);
const sha256hex = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

/**
 * The legacy (v1) layer IDs and json files of one image, exactly as writeLegacyMetadataLocked
 * computes them. Pure; exported for unit tests.
 */
export function legacyLayers(layerDigests: string[], config: Buffer): { id: string; json: string; digest: string }[] {
  const out: { id: string; json: string; digest: string }[] = [];
  let chain = '';
  let parent = '';
  let members: Map<string, string> | undefined;
  layerDigests.forEach((digest, i) => {
    const cfg: Record<string, GoJsonValue> = {};
    if (parent) cfg.parent = parent;
    if (i === layerDigests.length - 1) {
      if (!members) {
        try {
          members = rawMembers(config.toString('utf8'));
        } catch (e) {
          throw new StoreError('CorruptMetadata', `unmarshaling config: ${(e as Error).message}`, {}, { cause: e });
        }
      }
      for (const attr of LEGACY_ATTRS) {
        const raw = members.get(attr);
        cfg[attr] = raw === undefined ? null : new RawJson(raw);
      }
    }
    chain = chain === '' ? digest : 'sha256:' + sha256hex(`${chain} ${digest}`);
    cfg.layer_id = chain;
    const id = sha256hex(goMarshal(new GoMap(cfg)));
    delete cfg.layer_id;
    cfg.id = id;
    out.push({ id, json: goMarshal(new GoMap(cfg)), digest });
    parent = id;
  });
  return out;
}

export class DockerArchiveWriter {
  private readonly blobs = new Map<string, number>();
  private readonly repositories = new Map<string, Map<string, string>>();
  private readonly legacy = new Set<string>();
  private readonly manifest: ManifestItem[] = [];
  private readonly byConfig = new Map<string, number>();

  constructor(private readonly sink: FileSink) {}

  private async sendBytes(name: string, data: Buffer): Promise<void> {
    await this.sink.write(goTarHeader({ name, typeflag: '0', mode: 0o444, size: data.length }));
    await this.sink.write(data);
    const pad = padding(data.length);
    if (pad.length) await this.sink.write(pad);
  }

  private async sendSymlink(name: string, target: string): Promise<void> {
    await this.sink.write(goTarHeader({ name, typeflag: '2', mode: 0, linkname: target }));
  }

  /** A destination adding one image with these tags (extra tags first, then the resolved name). */
  destination(repoTags: RepoTag[]): ImageDestination {
    let config: Buffer | undefined;
    return {
      forcedManifestType: MT.s2Manifest,
      supportedManifestTypes: [MT.s2Manifest],
      compression: 'decompress',
      tryReuse: async (digest) => {
        const size = this.blobs.get(digest);
        return size === undefined ? undefined : { digest, size };
      },
      putLayer: async (source: LayerTarSource, known: PutResult | undefined, _compress, onBytes) => {
        if (!known) throw new Error('internal error: docker-archive layers are written uncompressed');
        const name = `${hex(known.digest)}.tar`;
        await this.sink.write(goTarHeader({ name, typeflag: '0', mode: 0o444, size: known.size }));
        const n = await this.sink.pipeFrom(source, onBytes);
        if (n !== known.size) {
          throw new StoreError('DigestMismatch', `Size mismatch when copying ${name}, expected ${known.size}, got ${n}`);
        }
        const pad = padding(n);
        if (pad.length) await this.sink.write(pad);
        this.blobs.set(known.digest, known.size);
        return known;
      },
      putConfig: async (bytes, digest) => {
        config = bytes;
        if (this.blobs.has(digest)) return;
        await this.sendBytes(`${hex(digest)}.json`, bytes);
        this.blobs.set(digest, bytes.length);
      },
      putManifest: async (_bytes, parsed) => {
        if (parsed.kind !== 'schema2') throw new Error('internal error: docker-archive needs a schema 2 manifest');
        const layers = (parsed.m.layers ?? []).map((l) => l.digest);
        await this.writeLegacy(layers, config ?? Buffer.alloc(0), repoTags);
        this.addManifestItem(layers, parsed.m.config.digest, repoTags);
      },
    };
  }

  private async writeLegacy(layers: string[], config: Buffer, repoTags: RepoTag[]): Promise<void> {
    const legacy = legacyLayers(layers, config);
    for (const l of legacy) {
      if (this.legacy.has(l.id)) continue;
      await this.sendSymlink(`${l.id}/layer.tar`, `../${hex(l.digest)}.tar`);
      await this.sendBytes(`${l.id}/VERSION`, Buffer.from('1.0'));
      await this.sendBytes(`${l.id}/json`, Buffer.from(l.json));
      this.legacy.add(l.id);
    }
    const top = legacy[legacy.length - 1];
    if (!top) return;
    for (const t of repoTags) {
      let tags = this.repositories.get(t.name);
      if (!tags) this.repositories.set(t.name, (tags = new Map()));
      tags.set(t.tag, top.id);
    }
  }

  private addManifestItem(layers: string[], configDigest: string, repoTags: RepoTag[]): void {
    let idx = this.byConfig.get(configDigest);
    if (idx === undefined) {
      idx = this.manifest.length;
      this.byConfig.set(configDigest, idx);
      this.manifest.push({ Config: `${hex(configDigest)}.json`, RepoTags: [], Layers: layers.map((d) => `${hex(d)}.tar`) });
    }
    const item = this.manifest[idx]!;
    for (const t of repoTags) {
      const s = `${t.name}:${t.tag}`;
      if (!item.RepoTags.includes(s)) item.RepoTags.push(s);
    }
  }

  /** Writes manifest.json, repositories and the end-of-archive blocks. */
  async finish(): Promise<void> {
    const manifest = goMarshal(this.manifest.map((m) => ({ Config: m.Config, RepoTags: m.RepoTags, Layers: m.Layers })));
    await this.sendBytes('manifest.json', Buffer.from(manifest));
    const repos: Record<string, GoJsonValue> = {};
    for (const [name, tags] of this.repositories) repos[name] = new GoMap(Object.fromEntries(tags));
    await this.sendBytes('repositories', Buffer.from(goMarshal(new GoMap(repos))));
    await this.sink.write(END_OF_ARCHIVE);
  }
}
