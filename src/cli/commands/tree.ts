/*
 * `strata tree [--whatrequires] NAME`: `podman image tree`.
 */
import type { Command } from '../args';
import { openStore, UsageError } from '../args';
import { formatImageTree } from '../../store/image-tree';
import { resolveImage } from '../resolve';

export const treeCommand: Command = {
  name: 'tree',
  usage: 'tree [--whatrequires] NAME            `podman image tree`',
  flags: [{ name: 'whatrequires' }],
  async run(global, { flags, positional }, out) {
    if (positional.length !== 1) throw new UsageError('tree needs exactly one image name');
    const store = openStore(global);
    const snapshot = await store.snapshot();
    out(formatImageTree(snapshot, resolveImage(snapshot, positional[0]!), Boolean(flags.whatrequires)));
  },
};
