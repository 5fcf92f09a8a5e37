/*
 * A Strata process for the concurrency tests: opens the store given on the command line and runs
 * ROUNDS of (tag keep-k, tag tmp-k, untag tmp-k) on one image through the library, printing one
 * JSON line with the failures. Usage: node tag-worker.js ROOT RUNROOT DRIVER IMAGE PREFIX ROUNDS
 */
import { Store } from '../../src/store/store';
import { tagImage, untagImage } from '../../src/store/write';
import { EMPTY_REGISTRIES_CONFIG } from '../../src/store/registries';
import { resolveEventsConfig } from '../../src/store/write/events-config';

async function main(): Promise<void> {
  const [root, runRoot, driver, image, prefix, rounds] = process.argv.slice(2);
  const store = Store.open({ root, runRoot, driver });
  const opts = { events: resolveEventsConfig(), registries: EMPTY_REGISTRIES_CONFIG };
  const failures: string[] = [];
  for (let k = 0; k < Number(rounds); k++) {
    const steps: Array<[string, () => Promise<unknown>]> = [
      [`tag ${prefix}-keep-${k}`, () => tagImage(store, image!, [`localhost/${prefix}-keep-${k}`], opts)],
      [`tag ${prefix}-tmp-${k}`, () => tagImage(store, image!, [`localhost/${prefix}-tmp-${k}`], opts)],
      [`untag ${prefix}-tmp-${k}`, () => untagImage(store, image!, [`localhost/${prefix}-tmp-${k}`], opts)],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (e) {
        failures.push(`${what}: ${(e as Error).message}`);
      }
    }
  }
  process.stdout.write(JSON.stringify({ failures }) + '\n');
}

void main();
