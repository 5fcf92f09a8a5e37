/*
 * `strata`: podman-like subcommands over the store library, for scripting, benchmarks and
 * differential tests against podman. Global flags use podman's names so both tools can be run
 * with the same arguments. Exit code 0 on success, 125 (as podman) with a one-line error on failure, 2 on usage.
 */
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
  const out = (s: string): void => {
    process.stdout.write(s);
  };
  return (await parsed.command.run(parsed.global as GlobalOptions, parsed.args, out)) ?? 0;
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
