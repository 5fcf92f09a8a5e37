/*
 * Argument parsing for the CLI: podman-style global flags, then a command and its own flags.
 * Each command declares its flags; unknown flags are usage errors, as with podman.
 */
import { Store } from '../store/store';
import { defaultCacheDir } from '../store/facts-cache';

export class UsageError extends Error {}

export interface GlobalOptions {
  root?: string;
  runroot?: string;
  storageDriver?: string;
  /** Bound on lock waits in milliseconds (--lock-timeout); StoreBusy after it. */
  lockTimeoutMs?: number;
}

export interface FlagSpec {
  /** Long name without dashes, e.g. "all". */
  name: string;
  short?: string;
  /** Takes a value (`--format json` or `--format=json`). */
  value?: boolean;
  /** May be given several times; values collect in an array. */
  multiple?: boolean;
}

export type Flags = Record<string, string | boolean | string[] | undefined>;

export interface CommandArgs {
  flags: Flags;
  positional: string[];
}

export interface Command {
  name: string;
  aliases?: string[];
  usage: string;
  flags: FlagSpec[];
  run(global: GlobalOptions, args: CommandArgs, out: (s: string) => void): Promise<number | void>;
}

const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'root', value: true },
  { name: 'runroot', value: true },
  { name: 'storage-driver', value: true },
  { name: 'lock-timeout', value: true },
  { name: 'help', short: 'h' },
];

function takeFlag(specs: FlagSpec[], argv: string[], i: number, flags: Flags): number | undefined {
  const arg = argv[i]!;
  let name: string;
  let inline: string | undefined;
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
  } else if (arg.startsWith('-') && arg.length === 2) {
    name = arg.slice(1);
  } else {
    return undefined;
  }
  const spec = specs.find((s) => s.name === name || s.short === name);
  if (!spec) return undefined;
  let value: string | boolean;
  let next = i + 1;
  if (spec.value) {
    if (inline !== undefined) value = inline;
    else {
      if (next >= argv.length) throw new UsageError(`flag --${spec.name} needs a value`);
      value = argv[next++]!;
    }
  } else {
    if (inline !== undefined && inline !== 'true' && inline !== 'false') throw new UsageError(`flag --${spec.name} takes no value`);
    value = inline === undefined ? true : inline === 'true';
  }
  if (spec.multiple) {
    const prev = flags[spec.name];
    flags[spec.name] = [...(Array.isArray(prev) ? prev : []), String(value)];
  } else {
    flags[spec.name] = value;
  }
  return next;
}

export function parseArgs(
  argv: string[],
  commands: Command[],
): { global: GlobalOptions; help: boolean; command?: Command; args: CommandArgs } {
  const gflags: Flags = {};
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) {
    const next = takeFlag(GLOBAL_FLAGS, argv, i, gflags);
    if (next === undefined) throw new UsageError(`unknown flag: ${argv[i]}`);
    i = next;
  }
  const global: GlobalOptions = {
    root: gflags.root as string | undefined,
    runroot: gflags.runroot as string | undefined,
    storageDriver: gflags['storage-driver'] as string | undefined,
    lockTimeoutMs: parseDuration(gflags['lock-timeout'] as string | undefined),
  };
  const name = argv[i];
  if (name === undefined) return { global, help: Boolean(gflags.help), args: { flags: {}, positional: [] } };
  const command = commands.find((c) => c.name === name || c.aliases?.includes(name));
  if (!command) throw new UsageError(`unknown command: ${name}`);
  const flags: Flags = {};
  const positional: string[] = [];
  i++;
  let onlyPositional = false;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (!onlyPositional && arg === '--') {
      onlyPositional = true;
      i++;
      continue;
    }
    if (!onlyPositional && arg.startsWith('-') && arg !== '-') {
      const next = takeFlag(command.flags, argv, i, flags);
      if (next === undefined) throw new UsageError(`unknown flag for ${command.name}: ${arg}`);
      i = next;
      continue;
    }
    positional.push(arg);
    i++;
  }
  return { global, help: false, command, args: { flags, positional } };
}

/** "500ms", "2s", "1m" or plain milliseconds. */
function parseDuration(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (!m) throw new UsageError(`--lock-timeout: "${s}" is not a duration (e.g. 500ms, 2s)`);
  return Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1));
}

/** Opens the store the global flags name, as podman would. */
export function openStore(global: GlobalOptions): Store {
  return Store.open({ root: global.root, runRoot: global.runroot, driver: global.storageDriver, lockTimeoutMs: global.lockTimeoutMs, cacheDir: defaultCacheDir() });
}
