/*
 * Stable error codes shared by the store library, the store server (ResponseError.data) and
 * the extension client, which turns each into a sentence for the user. Append only: codes are
 * part of the protocol and of the CLI's exit behaviour.
 */
export const STORE_ERROR_CODES = [
  'NotFound', //            a store, file or directory that should exist does not
  'PermissionDenied', //    the user cannot read (or write) part of the store
  'CorruptMetadata', //     images.json / layers.json / containers.json / big data could not be parsed
  'MissingBigData', //      an image names a big-data item whose file is absent
  'MissingLayer', //        an image or layer refers to a layer that is not recorded
  'UnsupportedDriver', //   content operation on a driver other than overlay or vfs
  'InvalidConfig', //       storage.conf could not be parsed or names impossible values
  'InvalidReference', //    a name that is not a valid image reference
  'ImageNotKnown', //       no image matches the given name or ID
  'AmbiguousImage', //      several images match a short name or ID prefix
  'ImageInUse', //          a container uses the image
  'NameInUse', //           the name is held by another image where that is not allowed
  'ReadOnlyStore', //       a write was asked of a read-only (additional) store
  'StoreBusy', //           the store lock could not be taken in time
  'LockFailed', //          the lock primitive itself failed
  'DigestMismatch', //      content does not match its recorded digest
  'InvalidArchive', //      an archive is malformed, truncated or hostile
  'OutputExists', //        refusing to overwrite an existing output
  'Cancelled', //           the caller cancelled the operation
  'IoError', //             any other I/O failure
  'InvalidArgument', //     a bad option or argument
] as const;

export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export function isStoreErrorCode(x: unknown): x is StoreErrorCode {
  return typeof x === 'string' && (STORE_ERROR_CODES as readonly string[]).includes(x);
}
