/*
 * `strata images`: the rows of `podman images`.
 */
import type { Command } from '../args';
import { openStore } from '../args';

export const imagesCommand: Command = {
  name: 'images',
  usage: 'images [-a|--all] [--format json]   list images like `podman images`',
  flags: [{ name: 'all', short: 'a' }, { name: 'format', value: true }],
  async run(global, _args, out) {
    const store = openStore(global);
    const snap = await store.snapshot();
    out(JSON.stringify(snap.images.map((i) => ({ Id: i.record.id, Names: i.record.names ?? [] })), null, 4) + '\n');
  },
};
