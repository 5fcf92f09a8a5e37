/*
 * podman's file events backend (libpod/events/logfile.go, podman 4.3): one JSON object per line,
 * appended under an fcntl lock on "<log>.lock", the log cut to its newer half with a "rotate"
 * event once it would pass events_logfile_max_size. Strata appends the same image events
 * (tag, untag, remove) podman writes for the same operation, so `podman events` shows them.
 * The journald backend is not written (see README): events are then simply not recorded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lock, type LockOptions } from '../lock';
import { goMarshal } from '../go-json';
import type { EventsConfig } from './events-config';

export type ImageEventStatus = 'tag' | 'untag' | 'remove';

export interface ImageEvent {
  status: ImageEventStatus;
  id: string;
  /** The name as podman records it (for tag: as the user typed it). */
  name?: string;
  /** When it happened; defaults to the moment the event is created. */
  time?: string;
}

/** Go's time.Now().Format(time.RFC3339Nano) in the local zone, with nanoseconds when available. */
export function goTimeNow(): string {
  const ms = Date.now();
  const ns = (ms % 1000) * 1_000_000 + Number(process.hrtime.bigint() % 1_000_000n);
  const d = new Date(ms);
  const offMin = -d.getTimezoneOffset();
  const local = new Date(ms + offMin * 60_000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const base =
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const frac = ns === 0 ? '' : '.' + String(ns).padStart(9, '0').replace(/0+$/, '');
  const zone = offMin === 0 ? 'Z' : `${offMin > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offMin) / 60))}:${pad(Math.abs(offMin) % 60)}`;
  return base + frac + zone;
}

/** The JSON line podman's Event struct marshals to for an image event. */
export function eventLine(e: ImageEvent): string {
  return goMarshal({
    ID: e.id || undefined,
    Name: e.name || undefined,
    Status: e.status,
    Time: e.time ?? goTimeNow(),
    Type: 'image',
    Attributes: null,
  });
}

/**
 * Records events after a change was made: a failure to log must not turn a done change into an
 * error, so it is returned as a warning instead of thrown.
 */
export async function recordEvents(config: EventsConfig | false, events: ImageEvent[], opts: LockOptions = {}): Promise<string[]> {
  if (!config) return [];
  try {
    await writeEvents(config, events, opts);
    return [];
  } catch (e) {
    return [`The change was made but its events could not be written to ${config.logFile}: ${(e as Error).message}`];
  }
}

/** Appends `events` to the file backend's log; a no-op for other backends. */
export async function writeEvents(config: EventsConfig, events: ImageEvent[], opts: LockOptions = {}): Promise<void> {
  if (config.backend !== 'file' || events.length === 0) return;
  const file = config.logFile;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const held = await lock(file + '.lock', 'exclusive', opts);
  try {
    for (const e of events) {
      const line = eventLine(e);
      if (rotateIfFull(file, line, config.maxSize)) {
        appendLine(file, eventLineRaw({ Name: file, Status: 'log-rotation', Time: goTimeNow(), Type: 'system', Attributes: null }));
      }
      appendLine(file, line);
    }
  } finally {
    held.release();
  }
}

function eventLineRaw(v: Record<string, unknown>): string {
  return goMarshal(v);
}

function appendLine(file: string, line: string): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o700);
  try {
    fs.writeSync(fd, line + '\n');
  } finally {
    fs.closeSync(fd);
  }
}

/** podman's rotateLog/truncate: keep what follows the first newline after the middle. */
function rotateIfFull(file: string, line: string, limit: number): boolean {
  if (limit === 0) return false;
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return false;
  }
  if (size + [...line].length < limit) return false;
  const data = fs.readFileSync(file);
  const nl = data.indexOf(0x0a, Math.floor(size / 2));
  const kept = nl < 0 ? Buffer.alloc(0) : data.subarray(nl + 1);
  const tmp = path.join(path.dirname(file), `.strata-events-${process.pid}-${Date.now()}`);
  fs.writeFileSync(tmp, kept, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return true;
}
