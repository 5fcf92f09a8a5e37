/*
 * How far V8 optimizes a listing's code. TurboFan compiles hot functions on a background thread;
 * on a two-core machine that thread competes with the listing itself and with the garbage
 * collector's helpers, and a listing of a store of a thousand images is over before optimized
 * code pays its compilation back. Kept at the baseline tier (Sparkplug), a listing of 1,000
 * images takes about 25 ms less wall time and 60-90 ms less CPU, warm or first run. A first
 * listing of 10,000 images runs long enough for optimized code to win (130 ms), so larger stores
 * keep V8's defaults. inspect, history and tree measured the same either way.
 */
import { setFlagsFromString } from 'node:v8';

/** Past this many images, a first listing is faster with optimized code (crossover near 2,500). */
const MAX_IMAGES_AT_BASELINE = 2_000;

/** Caps V8's tier for the rest of this process when a listing of `images` images is short. */
export function tierForListing(images: number): void {
  // V8 reads the flag at every tier-up decision, so setting it now applies from here on.
  if (images <= MAX_IMAGES_AT_BASELINE) setFlagsFromString('--max-opt=1');
}
