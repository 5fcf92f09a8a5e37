/*
 * `strata save`: podman save's flags and behaviour, written by the store library (no podman).
 * Progress lines go to stderr like podman's unless -q; Ctrl-C cancels and removes partial output.
 */
import type { Command } from '../args';
import { openStore, UsageError } from '../args';
import { interruptible } from '../interrupt';
import type { SaveFormat } from '../../store/save';

export const saveCommand: Command = {
  name: 'save',
  usage:
    'save [--format docker-archive|oci-archive|oci-dir|docker-dir] [--compress] [--uncompressed] [-m] [--overwrite] [-q] -o PATH NAME...   like `podman save`',
  flags: [
    { name: 'format', value: true },
    { name: 'output', short: 'o', value: true },
    { name: 'compress' },
    { name: 'uncompressed' },
    { name: 'multi-image-archive', short: 'm' },
    { name: 'overwrite' },
    { name: 'quiet', short: 'q' },
  ],
  async run(global, args) {
    // Loaded on first use: listing need not pay for the writer's modules at start-up.
    const { saveImages, SAVE_FORMATS } = await import('../../store/save');
    const format = (args.flags.format as string | undefined) ?? 'docker-archive';
    if (!(SAVE_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`format value must be one of oci-dir oci-archive docker-dir docker-archive`);
    }
    if (args.positional.length === 0) throw new UsageError('need at least 1 argument');
    let output = args.flags.output as string | undefined;
    let quiet = Boolean(args.flags.quiet);
    if (!output) {
      if (process.stdout.isTTY) throw new UsageError('refusing to save to terminal. Use -o flag or redirect');
      output = '/dev/stdout';
      quiet = true;
    }
    const store = openStore(global);
    return interruptible(async (signal) => {
      await saveImages(store, {
        names: args.positional,
        output,
        format: format as SaveFormat,
        multiImage: Boolean(args.flags['multi-image-archive']),
        compress: Boolean(args.flags.compress),
        uncompressed: Boolean(args.flags.uncompressed),
        overwrite: Boolean(args.flags.overwrite),
        signal,
        onProgress: quiet
          ? undefined
          : (p) => {
              if (!p.step) return;
              if (p.step.kind === 'blob') process.stderr.write(`Copying blob ${p.step.digest}\n`);
              else if (p.step.kind === 'config') process.stderr.write(`Copying config ${p.step.digest}\n`);
              else process.stderr.write('Writing manifest to image destination\n');
            },
      });
      return signal.aborted ? 130 : 0;
    });
  },
};
