/*
 * `strata rmi [-f] [-i] [--no-prune] IMAGE...`: podman rmi's arguments, output ("Untagged: …" then
 * "Deleted: …" lines on stdout, one "Error: …" line per failed name on stderr) and exit codes
 * (0; 1 only unknown images; 2 an image in use; 125 anything else). The space freed goes to stderr
 * so stdout stays exactly podman's.
 */
import type { Command } from '../args';
import { openStore, UsageError } from '../args';

function humanSize(n: number): string {
  // podman/docker go-units HumanSize: decimal units, 4 significant digits.
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(4))}${units[i]}`;
}

export const rmiCommand: Command = {
  name: 'rmi',
  usage: 'rmi [-f|--force] [-i|--ignore] [--no-prune] IMAGE...   remove images like `podman rmi`',
  flags: [{ name: 'force', short: 'f' }, { name: 'ignore', short: 'i' }, { name: 'no-prune' }],
  async run(global, args, out) {
    if (args.positional.length === 0) throw new UsageError('image name or ID must be specified');
    const force = Boolean(args.flags.force);
    const { removeImages, removeExitCode } = await import('../../store/write');
    const report = await removeImages(openStore(global), args.positional, {
      force,
      ignore: Boolean(args.flags.ignore),
      noPrune: Boolean(args.flags['no-prune']),
    });
    for (const img of report.images) for (const u of img.untagged) out(`Untagged: ${u}\n`);
    for (const img of report.images) if (img.removed) out(`Deleted: ${img.id}\n`);
    // podman --force treats unknown images as success.
    const errors = force ? report.errors.filter((e) => e.code !== 'ImageNotKnown') : report.errors;
    for (const e of errors) process.stderr.write(`Error: ${e.message}\n`);
    for (const w of report.warnings) process.stderr.write(`Warning: ${w}\n`);
    if (report.leftovers.length > 0) {
      process.stderr.write(`Warning: could not delete ${report.leftovers.length} file(s); they are staged for deletion under ${report.leftovers[0]}\n`);
    }
    if (report.images.some((i) => i.layers.length > 0) || report.freedBytes > 0) {
      process.stderr.write(`Freed ${humanSize(report.freedBytes)}\n`);
    }
    return removeExitCode(errors);
  },
};
