/*
 * `strata load -i PATH`: podman load for docker-archive, oci-archive, OCI and `dir:` layouts.
 * Prints "Loaded image: NAME" lines like podman; progress on stderr unless -q.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from '../args';
import { openStore, UsageError } from '../args';
import { interruptible } from '../interrupt';

/** podman load reads stdin into a temporary file first when no -i is given. */
async function stdinToFile(): Promise<{ file: string; cleanup: () => void }> {
  if (process.stdin.isTTY) throw new UsageError('load needs -i PATH, or an archive on standard input');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-load-stdin-'));
  const file = path.join(dir, 'archive');
  const { pipeline } = await import('node:stream/promises');
  await pipeline(process.stdin, fs.createWriteStream(file, { mode: 0o600 }));
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export const loadCommand: Command = {
  name: 'load',
  usage: 'load [-i PATH] [-q]                 load images from an archive or layout (or stdin) like `podman load`',
  flags: [{ name: 'input', short: 'i', value: true }, { name: 'quiet', short: 'q' }],
  async run(global, args, out) {
    if (args.positional.length > 0) throw new UsageError('load takes no arguments besides -i PATH');
    const store = openStore(global);
    const fromStdin = typeof args.flags.input !== 'string' || args.flags.input === '' ? await stdinToFile() : undefined;
    const input = fromStdin?.file ?? (args.flags.input as string);
    const quiet = args.flags.quiet === true;
    try {
      await interruptible(async (signal) => {
        // Loaded on first use: listing need not pay for the writer's modules at start-up.
        const { loadArchive } = await import('../../store/load/load');
        const result = await loadArchive(store, input, {
          signal,
          onProgress: quiet
            ? undefined
            : (p) => {
                if (p.kind === 'layer' && p.done) process.stderr.write(`${p.reused ? 'Reusing' : 'Copied'} blob ${p.digest}\n`);
              },
        });
        for (const name of result.loaded) out(`Loaded image: ${name}\n`);
      });
    } finally {
      fromStdin?.cleanup();
    }
  },
};
