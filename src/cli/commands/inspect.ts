/*
 * `strata inspect NAME...`: `podman image inspect` JSON. Like podman, images that are found are
 * printed and every name that is not found is reported after, with exit code 125.
 */
import type { Command } from '../args';
import { openStore, UsageError } from '../args';
import { inspectImage, formatInspectJson, type InspectResult } from '../../store/inspect';
import { resolveImage } from '../resolve';
import { isStoreError } from '../../store/errors';

export const inspectCommand: Command = {
  name: 'inspect',
  usage: 'inspect NAME...                      `podman image inspect` JSON',
  flags: [{ name: 'format', short: 'f', value: true }],
  async run(global, { flags, positional }, out) {
    if (positional.length === 0) throw new UsageError('inspect needs at least one image name');
    if (flags.format !== undefined && flags.format !== 'json') throw new UsageError('only --format json is supported');
    const store = openStore(global);
    const snapshot = await store.snapshot();
    const results: InspectResult[] = [];
    const errors: string[] = [];
    for (const name of positional) {
      try {
        results.push(inspectImage(store, snapshot, resolveImage(snapshot, name)));
      } catch (e) {
        if (!isStoreError(e)) throw e;
        errors.push(e.message);
      }
    }
    out(formatInspectJson(results));
    for (const e of errors) process.stderr.write(`Error: ${e}\n`);
    return errors.length ? 125 : 0;
  },
};
