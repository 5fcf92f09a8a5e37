/*
 * The local image index the Containerfile features use, built from the server's stores: names for
 * completion, and podman's lookup rules (short names, localhost/, docker.io) for FROM lines.
 * Snapshots are cached by the stores, so building this per request costs little.
 */
import { lookupImage } from '../../store/lookup';
import { loadRegistriesConfig, EMPTY_REGISTRIES_CONFIG, type RegistriesConfig } from '../../store/registries';
import { isStoreError } from '../../store/errors';
import type { Store } from '../../store/store';
import type { StoreSnapshot } from '../../store/snapshot';
import type { LocalImageIndex, LocalImageInfo } from './local-images';

export interface LabelledStore {
  label: string;
  store: Store;
}

export async function localImageIndex(stores: readonly LabelledStore[], log: (msg: string) => void): Promise<LocalImageIndex> {
  const snaps: Array<{ label: string; snapshot: StoreSnapshot }> = [];
  for (const s of stores) {
    try {
      snaps.push({ label: s.label, snapshot: await s.store.snapshot() });
    } catch (e) {
      // An unreadable store simply contributes no images to the editor features.
      log(`[containerfile] skipping ${s.label}: ${(e as Error).message}`);
    }
  }
  let registries: RegistriesConfig;
  try {
    registries = loadRegistriesConfig();
  } catch (e) {
    log(`[containerfile] registries.conf could not be read: ${(e as Error).message}`);
    registries = EMPTY_REGISTRIES_CONFIG;
  }
  return {
    names: () => snaps.flatMap((s) => s.snapshot.images.flatMap((i) => i.record.names ?? [])),
    find: (reference: string): LocalImageInfo | undefined => {
      for (const { label, snapshot } of snaps) {
        try {
          const { image } = lookupImage(snapshot, reference, { registries });
          return {
            id: image.record.id,
            names: image.record.names ?? [],
            size: snapshot.imageSize(image) ?? 0,
            created: image.record.created,
            storeLabel: label,
          };
        } catch (e) {
          if (!isStoreError(e)) throw e;
        }
      }
      return undefined;
    },
  };
}
