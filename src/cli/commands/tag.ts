/*
 * `strata tag IMAGE TARGET_NAME [TARGET_NAME...]` and `strata untag IMAGE [NAME...]`: podman's
 * arguments and (silent) output; names are changed in the store itself under its locks.
 */
import type { Command } from '../args';
import { openStore, UsageError } from '../args';

export const tagCommand: Command = {
  name: 'tag',
  usage: 'tag IMAGE TARGET_NAME [TARGET_NAME...]   add names to an image like `podman tag`',
  flags: [],
  async run(global, args) {
    const [image, ...names] = args.positional;
    if (image === undefined || names.length === 0) throw new UsageError('tag requires at least 2 arguments: IMAGE TARGET_NAME...');
    const { tagImage } = await import('../../store/write');
    const r = await tagImage(openStore(global), image, names);
    for (const w of r.warnings) process.stderr.write(`Warning: ${w}\n`);
  },
};

export const untagCommand: Command = {
  name: 'untag',
  usage: 'untag IMAGE [IMAGE_NAME...]              remove names (all when none given) like `podman untag`',
  flags: [],
  async run(global, args) {
    const [image, ...names] = args.positional;
    if (image === undefined) throw new UsageError('untag requires at least 1 argument: IMAGE [IMAGE_NAME...]');
    const { untagImage } = await import('../../store/write');
    const r = await untagImage(openStore(global), image, names);
    for (const w of r.warnings) process.stderr.write(`Warning: ${w}\n`);
  },
};
