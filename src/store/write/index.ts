/*
 * Store writers: tag, untag and remove images in place, following containers/storage's write
 * protocol (see transaction.ts). The only entry the CLI and the server use for changes.
 */
export { tagImage, untagImage, type NameChangeOptions, type NameChangeResult } from './tag';
export { removeImages, removeExitCode, type RemoveOptions, type RemoveReport, type RemovedImage } from './remove';
export { resolveEventsConfig, type EventsConfig, type EventsBackend } from './events-config';
export { writeTransaction, type WriteTransaction, type WriteScope, type WriteOptions } from './transaction';
