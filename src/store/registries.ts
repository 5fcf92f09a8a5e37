/*
 * The part of registries.conf that local image lookup needs, read the way containers/image v5.23.1
 * (pkg/sysregistriesv2) reads it for podman 4.3.1: unqualified-search registries and short-name
 * aliases, including the user's short-name-aliases.conf that `podman pull` records into.
 *
 * Which files, in order (newConfigWrapperWithHomeDir, dropInConfigs, shortNameAliasesConfPath):
 * - CONTAINERS_REGISTRIES_CONF (or REGISTRIES_CONFIG_PATH) names the main file; it must exist.
 *   Both drop-in directories are still read.
 * - Otherwise `$HOME/.config/containers/registries.conf`, when it exists, replaces the system
 *   file and the system drop-in directory (only the user's drop-in directory is read). c/image
 *   uses $HOME here, not $XDG_CONFIG_HOME.
 * - Otherwise /etc/containers/registries.conf (absent is fine), then the drop-ins of
 *   /etc/containers/registries.conf.d and `$HOME/.config/containers/registries.conf.d`, each
 *   directory's `*.conf` in name order. A drop-in's `unqualified-search-registries` replaces the
 *   list when present; its aliases are merged over the earlier ones.
 * - short-name-aliases.conf (root: /var/cache/containers/, others: $XDG_CACHE_HOME or
 *   $HOME/.cache, + containers/) is consulted before every registries.conf alias.
 * An alias with an empty value hides any alias of that name from files read before it.
 *
 * Invalid files make podman fail every short-name lookup; here they throw
 * StoreError('InvalidConfig') naming the file. Parsing is pure over an injectable file system.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { StoreError } from './errors';
import { isRegistryDomain, parseNormalizedNamed, parseReference, type Reference } from './reference';

export const SYSTEM_REGISTRIES_CONF = '/etc/containers/registries.conf';
export const SYSTEM_REGISTRIES_CONF_DIR = '/etc/containers/registries.conf.d';

export interface ShortNameAlias {
  /** The normalized target (`docker.io/library/alpine`); null for an alias cleared with `""`. */
  readonly value: Reference | null;
  /** The file the alias came from. */
  readonly origin: string;
}

export interface RegistriesConfig {
  /** `unqualified-search-registries`, in order, trailing slashes removed. */
  readonly unqualifiedSearchRegistries: readonly string[];
  /** The file that set the list ('' when none did). */
  readonly unqualifiedSearchRegistriesOrigin: string;
  /** Short-name aliases by short name (`alpine`, `opensuse/leap`), user aliases file winning. */
  readonly aliases: ReadonlyMap<string, ShortNameAlias>;
  /** Every file that was read, in the order it was applied. */
  readonly files: readonly string[];
}

/** A configuration with no search registries and no aliases (what podman uses with no files). */
export const EMPTY_REGISTRIES_CONFIG: RegistriesConfig = Object.freeze({
  unqualifiedSearchRegistries: [],
  unqualifiedSearchRegistriesOrigin: '',
  aliases: new Map(),
  files: [],
});

/** The file-system and process facts the loader needs; injectable for tests. */
export interface RegistriesEnvironment {
  env: Record<string, string | undefined>;
  home: string;
  euid: number;
  /** File contents; throws an error with `code: 'ENOENT'` when absent. */
  readFile(p: string): string;
  exists(p: string): boolean;
  /** Entries of a directory (name + whether it is a directory); throws ENOENT when absent. */
  readDir(p: string): { name: string; isDirectory: boolean }[];
}

export function realRegistriesEnvironment(): RegistriesEnvironment {
  return {
    env: process.env,
    // c/storage's homedir.Get(): $HOME, else the passwd entry.
    home: process.env.HOME || os.userInfo().homedir,
    euid: process.geteuid?.() ?? 0,
    readFile: (p) => fs.readFileSync(p, 'utf8'),
    exists: (p) => fs.existsSync(p),
    readDir: (p) => fs.readdirSync(p, { withFileTypes: true }).map((d) => ({ name: d.name, isDirectory: d.isDirectory() })),
  };
}

interface ParsedFile {
  unqualifiedSearchRegistries?: string[];
  aliases: Map<string, ShortNameAlias>;
}

function configError(file: string, message: string, cause?: unknown): StoreError {
  return new StoreError('InvalidConfig', `Invalid registries configuration ${file}: ${message}`, { path: file }, { cause });
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function readToml(file: string, text: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw configError(file, (e as Error).message.split('\n')[0] ?? 'not valid TOML', e);
  }
}

function stringArray(file: string, value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) {
    throw configError(file, `${key} must be an array of strings`);
  }
  return value as string[];
}

/** sysregistriesv2 parseLocation: trailing slashes dropped, URL schemes refused. */
function parseLocation(file: string, input: string): string {
  const trimmed = input.replace(/\/+$/, '');
  if (trimmed.startsWith('http://') || trimmed.startsWith('https://')) {
    throw configError(file, `invalid location '${input}': URI schemes are not supported`);
  }
  return trimmed;
}

const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;

/** validateShortName: a short name has no tag, no digest and no registry part. */
function validateAliasName(file: string, name: string): void {
  let ref: Reference;
  try {
    ref = parseReference(name);
  } catch (e) {
    throw configError(file, `cannot parse short name: "${name}": ${(e as Error).message}`);
  }
  if (ref.digest !== undefined) throw configError(file, `invalid short name "${name}": must not contain digest`);
  if (ref.tag !== undefined) throw configError(file, `invalid short name "${name}": must not contain tag`);
  if (isRegistryDomain(ref.domain)) throw configError(file, `invalid short name "${name}": must not contain registry`);
}

/** parseShortNameValue: a fully qualified repository without tag or digest. */
function parseAliasValue(file: string, value: string): Reference {
  let ref: Reference;
  try {
    ref = parseReference(value);
  } catch (e) {
    throw configError(file, `parsing alias "${value}": ${(e as Error).message}`);
  }
  if (ref.digest !== undefined) throw configError(file, `invalid alias "${value}": must not contain digest`);
  if (ref.tag !== undefined) throw configError(file, `invalid alias "${value}": must not contain tag`);
  if (!isRegistryDomain(ref.domain)) throw configError(file, `invalid alias "${value}": must contain registry and repository`);
  try {
    return parseNormalizedNamed(value);
  } catch (e) {
    throw configError(file, (e as Error).message);
  }
}

function parseAliases(file: string, table: unknown): Map<string, ShortNameAlias> {
  const aliases = new Map<string, ShortNameAlias>();
  if (table === undefined) return aliases;
  if (typeof table !== 'object' || table === null || Array.isArray(table)) throw configError(file, 'aliases must be a table');
  for (const [name, value] of Object.entries(table as Record<string, unknown>)) {
    if (typeof value !== 'string') throw configError(file, `alias "${name}" must be a string`);
    validateAliasName(file, name);
    aliases.set(name, { value: value === '' ? null : parseAliasValue(file, value), origin: file });
  }
  return aliases;
}

/** Checks the [[registry]] tables the way postProcessRegistries does, so a file podman rejects is rejected here. */
function checkRegistries(file: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw configError(file, 'registry must be an array of tables');
  for (const reg of value as Record<string, unknown>[]) {
    if (typeof reg !== 'object' || reg === null) throw configError(file, 'registry must be an array of tables');
    const location = parseLocation(file, typeof reg.location === 'string' ? reg.location : '');
    const prefixRaw = typeof reg.prefix === 'string' ? reg.prefix : '';
    if (prefixRaw === '') {
      if (location === '') throw configError(file, 'invalid condition: both location and prefix are unset');
    } else {
      const prefix = parseLocation(file, prefixRaw);
      if (!prefix.startsWith('*.') && location === '') {
        throw configError(file, 'invalid condition: location is unset and prefix is not in the format: *.example.com');
      }
      if (prefix.startsWith('*.') && /[/@:]/.test(prefix)) {
        throw configError(file, `Wildcarded prefix should be in the format: *.example.com. Current prefix "${prefix}" is incorrectly formatted`);
      }
    }
    for (const mirror of Array.isArray(reg.mirror) ? (reg.mirror as Record<string, unknown>[]) : []) {
      if (parseLocation(file, typeof mirror?.location === 'string' ? mirror.location : '') === '') {
        throw configError(file, 'invalid condition: mirror location is unset');
      }
    }
  }
}

/** loadConfigFile: one registries.conf (v1 or v2 format; drop-ins must be v2). */
function parseRegistriesFile(file: string, text: string, forceV2: boolean): ParsedFile {
  const doc = readToml(file, text);
  const v1 = doc.registries as Record<string, { registries?: unknown }> | undefined;
  const v1Search = stringArray(file, v1?.search?.registries, 'registries.search.registries');
  const v1Nonempty =
    v1 !== undefined &&
    ['search', 'insecure', 'block'].some((k) => {
      const list = v1[k]?.registries;
      return Array.isArray(list) && list.length > 0;
    });
  let search = stringArray(file, doc['unqualified-search-registries'], 'unqualified-search-registries');
  const aliases = parseAliases(file, doc.aliases);
  if (v1Nonempty) {
    if (forceV2) throw configError(file, 'registry must be in v2 format but is in v1');
    const v2Nonempty =
      (search !== undefined && search.length > 0) || aliases.size > 0 || doc.registry !== undefined ||
      doc['credential-helpers'] !== undefined || (typeof doc['short-name-mode'] === 'string' && doc['short-name-mode'] !== '');
    if (v2Nonempty) throw configError(file, 'mixing sysregistry v1/v2 is not supported');
    search = v1Search;
  } else {
    checkRegistries(file, doc.registry);
  }
  const mode = doc['short-name-mode'];
  if (mode !== undefined && mode !== '' && !['disabled', 'enforcing', 'permissive'].includes(mode as string)) {
    throw configError(file, `invalid short-name mode: "${String(mode)}"`);
  }
  if (search) {
    search = search.map((r) => {
      const reg = parseLocation(file, r);
      if (!DOMAIN.test(reg)) throw configError(file, `Invalid unqualified-search-registries entry "${reg}"`);
      return reg;
    });
  }
  return { unqualifiedSearchRegistries: search, aliases };
}

/** The user's short-name-aliases.conf (written by `podman pull` when a short name is chosen). */
export function shortNameAliasesPath(renv: RegistriesEnvironment): string {
  if (renv.euid === 0) return '/var/cache/containers/short-name-aliases.conf';
  const cache = renv.env.XDG_CACHE_HOME || path.join(renv.home, '.cache');
  return path.join(cache, 'containers', 'short-name-aliases.conf');
}

/** The main file and the drop-in directories, as newConfigWrapperWithHomeDir picks them. */
export function registriesFiles(renv: RegistriesEnvironment): { configPath: string; explicit: boolean; dropInDirs: string[] } {
  const explicit = renv.env.CONTAINERS_REGISTRIES_CONF ?? renv.env.REGISTRIES_CONFIG_PATH ?? '';
  const userFile = path.join(renv.home, '.config/containers/registries.conf');
  const userDir = path.join(renv.home, '.config/containers/registries.conf.d');
  if (explicit !== '') return { configPath: explicit, explicit: true, dropInDirs: [SYSTEM_REGISTRIES_CONF_DIR, userDir] };
  if (renv.exists(userFile)) return { configPath: userFile, explicit: false, dropInDirs: [userDir] };
  return { configPath: SYSTEM_REGISTRIES_CONF, explicit: false, dropInDirs: [SYSTEM_REGISTRIES_CONF_DIR, userDir] };
}

function readOptional(renv: RegistriesEnvironment, file: string, what: string): string | undefined {
  try {
    return renv.readFile(file);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw new StoreError('InvalidConfig', `Could not read ${what} ${file}: ${(e as Error).message}`, { path: file }, { cause: e });
  }
}

/**
 * Reads registries.conf, its drop-ins and the user's short-name aliases. Synchronous: these are a
 * few small files and lookups need them at once.
 */
export function loadRegistriesConfig(renv: RegistriesEnvironment = realRegistriesEnvironment()): RegistriesConfig {
  const { configPath, explicit, dropInDirs } = registriesFiles(renv);
  const files: string[] = [];
  let search: string[] = [];
  let origin = '';
  const aliases = new Map<string, ShortNameAlias>();

  const main = readOptional(renv, configPath, 'registries configuration');
  if (main === undefined && explicit) {
    throw new StoreError('InvalidConfig', `The registries configuration ${configPath} (CONTAINERS_REGISTRIES_CONF) does not exist`, { path: configPath });
  }
  if (main !== undefined) {
    const parsed = parseRegistriesFile(configPath, main, false);
    files.push(configPath);
    search = parsed.unqualifiedSearchRegistries ?? [];
    origin = configPath;
    for (const [k, v] of parsed.aliases) aliases.set(k, v);
  }

  for (const dir of dropInDirs) {
    let entries: { name: string; isDirectory: boolean }[];
    try {
      entries = renv.readDir(dir);
    } catch (e) {
      if (isNotFound(e)) continue;
      throw new StoreError('InvalidConfig', `Could not read ${dir}: ${(e as Error).message}`, { path: dir }, { cause: e });
    }
    // filepath.WalkDir visits entries in lexical (byte) order.
    const names = entries.filter((d) => !d.isDirectory && d.name.endsWith('.conf')).map((d) => d.name).sort(byteOrder);
    for (const name of names) {
      const file = path.join(dir, name);
      const text = readOptional(renv, file, 'registries drop-in');
      if (text === undefined) continue;
      const parsed = parseRegistriesFile(file, text, true);
      files.push(file);
      if (parsed.unqualifiedSearchRegistries !== undefined) {
        search = parsed.unqualifiedSearchRegistries;
        origin = file;
      }
      for (const [k, v] of parsed.aliases) aliases.set(k, v);
    }
  }

  // The user's recorded aliases are consulted before any registries.conf alias.
  const userAliasesFile = shortNameAliasesPath(renv);
  const userAliases = readOptional(renv, userAliasesFile, 'short-name aliases');
  if (userAliases !== undefined) {
    const doc = readToml(userAliasesFile, userAliases);
    for (const [k, v] of parseAliases(userAliasesFile, doc.aliases)) aliases.set(k, v);
    files.push(userAliasesFile);
  }

  return { unqualifiedSearchRegistries: search, unqualifiedSearchRegistriesOrigin: origin, aliases, files };
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
