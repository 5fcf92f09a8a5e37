/*
 * `strata load -i PATH`: podman load for docker-archive, oci-archive, OCI and `dir:` layouts.
 * Prints "Loaded image: NAME" lines like podman; progress on stderr unless -q.
 */
import type { Command } from '../args';
import { openStore, UsageError } from '../args';
import { loadArchive } from '../../store/load/load';

export const loadCommand: Command = {
  name: 'load',
  usage: 'load -i PATH [-q]                   load images from an archive or layout like `podman load`',
  flags: [{ name: 'input', short: 'i', value: true }, { name: 'quiet', short: 'q' }],
  async run(global, args, out) {
    const input = args.flags.input;
    if (typeof input !== 'string' || input === '') throw new UsageError('load needs -i PATH (reading stdin is not supported)');
    if (args.positional.length > 0) throw new UsageError('load takes no arguments besides -i PATH');
    const store = openStore(global);
    const quiet = args.flags.quiet === true;
    const ac = new AbortController();
    const onSignal = (): void => ac.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const result = await loadArchive(store, input, {
        signal: ac.signal,
        onProgress: quiet
          ? undefined
          : (p) => {
              if (p.kind === 'layer' && p.done) process.stderr.write(`${p.reused ? 'Reusing' : 'Copied'} blob ${p.digest}\n`);
            },
      });
      for (const name of result.loaded) out(`Loaded image: ${name}\n`);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
