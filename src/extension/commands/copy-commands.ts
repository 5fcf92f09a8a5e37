/*
 * Copy ID / full name / digest of an image (or of the tag row it was invoked on).
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { TreeNode } from '../views/image-tree-nodes';
import { resolveTargets } from './targets';

async function copy(text: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(`Copied ${what}`, 3000);
}

export async function copyImageId(services: Services, arg?: unknown): Promise<void> {
  const t = (await resolveTargets(services, arg, undefined, { many: false, title: 'Copy the ID of which image?' }))?.[0];
  if (t) await copy(t.imageId, `ID ${t.imageId.slice(0, 12)}`);
}

export async function copyImageName(services: Services, arg?: unknown): Promise<void> {
  const node = arg as TreeNode | undefined;
  if (node?.kind === 'tag' && node.name) return copy(node.name, node.name);
  const t = (await resolveTargets(services, arg, undefined, { many: false, title: 'Copy the name of which image?', filter: (i) => i.names.length > 0 }))?.[0];
  if (!t) return;
  if (t.names.length === 0) {
    void vscode.window.showInformationMessage(`${t.label} has no name; copy its ID instead.`);
    return;
  }
  const name = t.names.length === 1 ? t.names[0] : await vscode.window.showQuickPick(t.names, { title: 'Copy which name?' });
  if (name) await copy(name, name);
}

export async function copyImageDigest(services: Services, arg?: unknown): Promise<void> {
  const t = (await resolveTargets(services, arg, undefined, { many: false, title: 'Copy the digest of which image?', filter: (i) => Boolean(i.digest) }))?.[0];
  if (!t) return;
  if (!t.digest) {
    void vscode.window.showInformationMessage(`${t.label} has no recorded manifest digest.`);
    return;
  }
  await copy(t.digest, 'the digest');
}
