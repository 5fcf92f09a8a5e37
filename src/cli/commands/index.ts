/*
 * The CLI's command table. Each command lives in its own file; add one line here per command.
 */
import type { Command } from '../args';
import { imagesCommand } from './images';
import { inspectCommand } from './inspect';
import { historyCommand } from './history';
import { treeCommand } from './tree';
import { tagCommand, untagCommand } from './tag';
import { rmiCommand } from './rmi';
import { saveCommand } from './save';
import { loadCommand } from './load';
import { importCommand } from './import';

export const COMMANDS: Command[] = [
  imagesCommand,
  inspectCommand,
  historyCommand,
  treeCommand,
  tagCommand,
  untagCommand,
  rmiCommand,
  saveCommand,
  loadCommand,
  importCommand,
];
