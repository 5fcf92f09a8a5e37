/*
 * `strata history NAME`: the rows of `podman history`.
 */
import type { Command } from '../args';
import { openStore, UsageError } from '../args';
import { imageHistory, formatHistoryJson, formatHistoryTable } from '../../store/history';
import { resolveImage } from '../resolve';

export const historyCommand: Command = {
  name: 'history',
  usage: 'history [--format json] [--no-trunc] [-H|--human=false] [-q] NAME',
  flags: [{ name: 'format', value: true }, { name: 'no-trunc' }, { name: 'human', short: 'H' }, { name: 'quiet', short: 'q' }],
  async run(global, { flags, positional }, out) {
    if (positional.length !== 1) throw new UsageError('history needs exactly one image name');
    const format = flags.format as string | undefined;
    if (format !== undefined && format !== 'json' && format !== 'table') throw new UsageError(`unsupported --format ${format}`);
    const store = openStore(global);
    const snapshot = await store.snapshot();
    const rows = imageHistory(store, snapshot, resolveImage(snapshot, positional[0]!));
    if (format === 'json') out(formatHistoryJson(rows));
    else if (flags.quiet) for (const r of rows) out((flags['no-trunc'] || r.id.length < 12 ? r.id : r.id.slice(0, 12)) + '\n');
    else out(formatHistoryTable(rows, { noTrunc: Boolean(flags['no-trunc']), human: flags.human !== false }));
  },
};
