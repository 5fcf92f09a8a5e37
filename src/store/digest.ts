/*
 * The digest c/image and c/storage name content by: "sha256:" and the hex SHA-256 of the bytes.
 */
import { createHash } from 'node:crypto';

export function sha256(data: Buffer): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}
