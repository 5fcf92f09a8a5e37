/*
 * Commands about what the tree shows: Refresh, Filter, Show/Hide intermediate images, Add store….
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { StateKeys } from '../constants';
import type { Services } from '../services';
import { addConfiguredStore } from '../util/config';

export function refresh(services: Services): void {
  services.model.refresh();
}

export async function filterImages(services: Services): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: 'Filter images',
    prompt: 'Show images whose name contains this text, or whose ID starts with it (empty shows all)',
    value: services.model.options.filter,
    validateInput: (v) => (v.length > 200 ? 'That filter is too long' : undefined),
  });
  if (value === undefined) return;
  services.model.setOptions({ filter: value.trim() });
}

export function clearFilter(services: Services): void {
  services.model.setOptions({ filter: '' });
}

export async function setShowIntermediate(services: Services, show: boolean): Promise<void> {
  await services.context.workspaceState.update(StateKeys.showIntermediate, show);
  services.model.setOptions({ showIntermediate: show });
}

/** Checks, as the user types, that a path looks like a containers/storage graph root. */
export function storePathProblem(p: string): string | undefined {
  if (!p) return 'Enter the absolute path of a store (its graph root)';
  if (!path.isAbsolute(p)) return 'The path must be absolute';
  let entries: string[];
  try {
    entries = fs.readdirSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'No such directory' : code === 'EACCES' ? 'You cannot read this directory' : `Cannot read it: ${(e as Error).message}`;
  }
  if (!entries.some((n) => /-(images|layers)$/.test(n))) return 'This directory holds no *-images or *-layers store directories';
  return undefined;
}

export async function addStore(services: Services): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Add a container store (its graph root, e.g. ~/.local/share/containers/storage)',
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Add Store',
  });
  let root = picked?.[0]?.fsPath;
  if (root === undefined) {
    // The dialog is not available everywhere (remote without file access): fall back to typing it.
    root = await vscode.window.showInputBox({ title: 'Add a container store', prompt: 'Absolute path of the graph root', validateInput: (v) => storePathProblem(v.trim()) });
    if (root === undefined) return;
    root = root.trim();
  } else {
    const problem = storePathProblem(root);
    if (problem) {
      void vscode.window.showWarningMessage(`${root} is not a container store: ${problem.charAt(0).toLowerCase()}${problem.slice(1)}.`);
      return;
    }
  }
  await addConfiguredStore({ root });
  services.log.info(`[command] added store ${root}`);
}
