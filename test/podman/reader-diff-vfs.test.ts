/*
 * Differential tests of the store reader against podman on the vfs fixture store (see reader-diff.ts).
 */
import { readerDiffSuite } from './reader-diff';

readerDiffSuite('vfs');
