/*
 * `strata import FILE [REFERENCE]`: podman import of a rootfs tarball (optionally gzip'd).
 * Prints "sha256:<id>" like podman.
 */
import type { Command } from '../args';
import { openStore, UsageError } from '../args';
import { interruptible } from '../interrupt';

export const importCommand: Command = {
  name: 'import',
  usage: 'import FILE [REFERENCE] [--os OS] [--arch ARCH]   import a rootfs tarball like `podman import`',
  flags: [{ name: 'os', value: true }, { name: 'arch', value: true }, { name: 'quiet', short: 'q' }],
  async run(global, args, out) {
    const [file, reference, ...rest] = args.positional;
    if (file === undefined || rest.length > 0) throw new UsageError('import needs FILE and at most one REFERENCE');
    if (file === '-' || /^https?:\/\//.test(file)) throw new UsageError('import reads a local file; stdin and URLs are not supported');
    const store = openStore(global);
    await interruptible(async (signal) => {
      // Loaded on first use: listing need not pay for the writer's modules at start-up.
      const { importTarball } = await import('../../store/load/import');
      const result = await importTarball(store, file, {
        reference,
        os: typeof args.flags.os === 'string' ? args.flags.os : undefined,
        arch: typeof args.flags.arch === 'string' ? args.flags.arch : undefined,
        signal,
      });
      out(`sha256:${result.id}\n`);
    });
  },
};
