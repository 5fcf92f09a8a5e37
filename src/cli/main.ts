/*
 * `strata`: podman-like subcommands over the store library, for scripting, benchmarks and
 * differential tests against podman. Global flags use podman's names so both tools can be run
 * with the same arguments. Exit code 0 on success, 125 (as podman) with a one-line error on failure, 2 on usage.
 */
import './heap';
import * as fs from 'node:fs';
import { StoreError } from '../store/errors';
import { COMMANDS } from './commands';
import { parseArgs, UsageError, type GlobalOptions } from './args';

const USAGE = `Usage: strata [--root DIR] [--runroot DIR] [--storage-driver NAME] COMMAND [ARGS]

Commands:
${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}
`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv, COMMANDS);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`Error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (!parsed.command) {
    process.stdout.write(USAGE);
    return parsed.help ? 0 : 2;
  }
  return (await parsed.command.run(parsed.global as GlobalOptions, parsed.args, writeOut)) ?? 0;
}

/**
 * Writes to standard output with write(2). process.stdout would load node's stream machinery
 * first, a few percent of a listing; every command's output is written whole and in order anyway.
 */
let viaStream = false;
let readerGone = false;

function writeOut(s: string): void {
  if (readerGone) return;
  if (viaStream) {
    process.stdout.write(s);
    return;
  }
  const buf = Buffer.from(s, 'utf8');
  let off = 0;
  try {
    while (off < buf.length) off += fs.writeSync(1, buf, off);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') {
      // The reader went away (`strata images | head`): nothing more to say.
      readerGone = true;
    } else if (code === 'EAGAIN') {
      // A full non-blocking pipe: from here on the stream waits for room, keeping the order.
      viaStream = true;
      process.stdout.write(buf.subarray(off));
    } else {
      throw e;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      // Argument errors found by a command itself (podman reports them with exit code 125 too).
      process.stderr.write(`Error: ${e.message}\n`);
    } else if (e instanceof StoreError) {
      // One line, always: some messages quote file content that may hold newlines.
      process.stderr.write(`Error: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
    } else {
      process.stderr.write(`Error: ${(e as Error)?.stack ?? String(e)}\n`);
    }
    // podman's exit code for a failed command.
    process.exitCode = 125;
  },
);
