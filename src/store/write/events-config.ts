/*
 * Where podman 4.3 writes its events, from containers.conf as containers/common v0.50.1 reads it:
 * $CONTAINERS_CONF alone if set; otherwise /usr/share/containers/containers.conf, then
 * /etc/containers/containers.conf, then /etc/containers/containers.conf.d/*.conf, then (rootless)
 * the user's containers.conf and its .d directory, later files overriding earlier keys.
 * Without an `events_logger` key the backend is journald when PID 1 is systemd and a journal
 * directory exists, else the file backend at <tmp_dir>/events/events.log.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { StoreError } from '../errors';

export type EventsBackend = 'file' | 'journald' | 'none';

export interface EventsConfig {
  backend: EventsBackend;
  /** The events log for the file backend. */
  logFile: string;
  /** Rotation threshold in bytes (0 = never rotate). */
  maxSize: number;
  /** The containers.conf files that were read, in order. */
  configFiles: string[];
}

export interface EventsEnvironment {
  env: Record<string, string | undefined>;
  uid: number;
  home: string;
  readFile(p: string): string | undefined;
  listDir(p: string): string[] | undefined;
}

export function realEventsEnvironment(): EventsEnvironment {
  return {
    env: process.env,
    uid: process.geteuid?.() ?? 0,
    home: process.env.HOME ?? '/',
    readFile: (p) => {
      try {
        return fs.readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
    listDir: (p) => {
      try {
        return fs.readdirSync(p);
      } catch {
        return undefined;
      }
    },
  };
}

const DEFAULT_MAX_SIZE = 1_000_000;

function confFiles(e: EventsEnvironment): string[] {
  const explicit = e.env.CONTAINERS_CONF;
  if (explicit) {
    if (e.readFile(explicit) === undefined) {
      throw new StoreError('InvalidConfig', `CONTAINERS_CONF names ${explicit}, which cannot be read`, { path: explicit });
    }
    return [explicit];
  }
  const files: string[] = [];
  const addDir = (dir: string): void => {
    for (const n of (e.listDir(dir) ?? []).filter((n) => n.endsWith('.conf')).sort()) files.push(path.join(dir, n));
  };
  files.push('/usr/share/containers/containers.conf', '/etc/containers/containers.conf');
  addDir('/etc/containers/containers.conf.d');
  if (e.uid !== 0) {
    const user = path.join(e.env.XDG_CONFIG_HOME || path.join(e.home, '.config'), 'containers', 'containers.conf');
    files.push(user);
    addDir(user + '.d');
  }
  return files.filter((f) => e.readFile(f) !== undefined);
}

/** units.FromHumanSize: decimal units, optional "b"/"B", e.g. "1mb", "500k", "2000000". */
export function parseHumanSize(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?\s*$/i.exec(s);
  if (!m) throw new StoreError('InvalidConfig', `events_logfile_max_size "${s}" is not a size`);
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't' | 'p'];
  return Math.floor(Number(m[1]) * mult);
}

function defaultBackend(e: EventsEnvironment): EventsBackend {
  const pid1 = e.readFile('/proc/1/comm')?.trim();
  if (pid1 !== 'systemd') return 'file';
  for (const root of ['/run/log/journal', '/var/log/journal']) {
    if ((e.listDir(root) ?? []).some((d) => e.listDir(path.join(root, d)) !== undefined)) return 'journald';
  }
  return 'file';
}

export function resolveEventsConfig(e: EventsEnvironment = realEventsEnvironment()): EventsConfig {
  const configFiles = confFiles(e);
  let logger: string | undefined;
  let logFile: string | undefined;
  let tmpDir: string | undefined;
  let maxSize = DEFAULT_MAX_SIZE;
  for (const f of configFiles) {
    let engine: Record<string, unknown> | undefined;
    try {
      engine = (parseToml(e.readFile(f) ?? '') as { engine?: Record<string, unknown> }).engine;
    } catch (err) {
      throw new StoreError('InvalidConfig', `${f} is not valid TOML: ${(err as Error).message}`, { path: f }, { cause: err });
    }
    if (!engine) continue;
    if (typeof engine.events_logger === 'string') logger = engine.events_logger;
    if (typeof engine.events_logfile_path === 'string') logFile = engine.events_logfile_path;
    if (typeof engine.tmp_dir === 'string') tmpDir = engine.tmp_dir;
    const size = engine.events_logfile_max_size;
    if (typeof size === 'number') maxSize = size;
    else if (typeof size === 'string' && size !== '') maxSize = parseHumanSize(size);
  }
  const backend = (logger ?? defaultBackend(e)) as string;
  if (backend !== 'file' && backend !== 'journald' && backend !== 'none') {
    throw new StoreError('InvalidConfig', `Unknown events_logger "${backend}" in containers.conf`);
  }
  const tmp = tmpDir ?? (e.uid === 0 ? '/run/libpod' : path.join(e.env.XDG_RUNTIME_DIR || `/run/user/${e.uid}`, 'libpod', 'tmp'));
  return { backend, logFile: logFile || path.join(tmp, 'events', 'events.log'), maxSize, configFiles };
}
