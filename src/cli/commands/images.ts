/*
 * `strata images`: the rows of `podman images`, as a table or `--format json`.
 */
import type { Command } from '../args';
import { openStore, UsageError } from '../args';
import { listImages, imageRows, formatImagesJson, formatImagesTable } from '../../store/images-list';
import { filterImagesByReference } from '../../store/reference-filter';
import { tierForListing } from '../tier';

export const imagesCommand: Command = {
  name: 'images',
  aliases: ['list', 'ls'],
  usage: 'images [-a|--all] [--format json] [--no-trunc] [-n|--noheading] [-q|--quiet] [--digests] [REFERENCE]',
  flags: [
    { name: 'all', short: 'a' },
    { name: 'format', value: true },
    { name: 'no-trunc' },
    { name: 'noheading', short: 'n' },
    { name: 'quiet', short: 'q' },
    { name: 'digests' },
  ],
  async run(global, { flags, positional }, out) {
    const format = flags.format as string | undefined;
    if (format !== undefined && format !== 'json' && format !== 'table') {
      throw new UsageError(`unsupported --format ${format}: use json or table`);
    }
    if (positional.length > 1) throw new UsageError('images takes at most one REFERENCE');
    const store = openStore(global);
    const snapshot = await store.snapshot();
    tierForListing(snapshot.images.length);
    let summaries = listImages(store, snapshot, { all: Boolean(flags.all) });
    if (positional[0] !== undefined) {
      const selected = new Set(filterImagesByReference(snapshot, positional[0]).map((i) => i.record.id));
      summaries = summaries.filter((s) => selected.has(s.id));
    }
    const rows = imageRows(summaries);
    if (format === 'json') {
      out(formatImagesJson(rows));
    } else if (flags.quiet) {
      const seen = new Set<string>();
      for (const r of rows) {
        const id = flags['no-trunc'] ? 'sha256:' + r.summary.id : r.summary.id.slice(0, 12);
        if (!seen.has(id)) {
          seen.add(id);
          out(id + '\n');
        }
      }
    } else {
      out(
        formatImagesTable(rows, summaries, {
          noTrunc: Boolean(flags['no-trunc']),
          noHeading: Boolean(flags.noheading),
          digests: Boolean(flags.digests),
        }),
      );
    }
  },
};
