/*
 * Inspect and History. Both open the inspect panel (src/extension/webview) on the chosen image;
 * until that panel is present they open the same data read-only in an editor.
 */
import * as vscode from 'vscode';
import { humanAge, humanSize, shortId } from '../../shared/format';
import type { Services } from '../services';
import { resolveTargets } from './targets';
import { showError } from './ui';

export async function inspectImage(services: Services, arg?: unknown, all?: unknown): Promise<void> {
  const target = (await resolveTargets(services, arg, all, { many: false, title: 'Inspect which image?' }))?.[0];
  if (!target) return;
  try {
    const data = await services.client.inspectImage(target.storeId, target.imageId);
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify([data], null, 4) + '\n' });
    await vscode.window.showTextDocument(doc, { preview: true });
  } catch (e) {
    await showError(services, `Could not inspect ${target.label}`, e);
  }
}

export async function showImageHistory(services: Services, arg?: unknown, all?: unknown): Promise<void> {
  const target = (await resolveTargets(services, arg, all, { many: false, title: 'Show the history of which image?' }))?.[0];
  if (!target) return;
  try {
    const rows = await services.client.imageHistory(target.storeId, target.imageId);
    const now = Date.now();
    const lines = [`# History of ${target.label}`, '', '| ID | Created | Created by | Size | Comment |', '|---|---|---|---|---|'];
    const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    for (const r of rows) {
      lines.push(`| ${cell(r.id === '<missing>' ? r.id : shortId(r.id))} | ${humanAge(r.created, now)} | ${cell(r.createdBy)} | ${humanSize(r.size)} | ${cell(r.comment)} |`);
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') + '\n' });
    await vscode.window.showTextDocument(doc, { preview: true });
  } catch (e) {
    await showError(services, `Could not read the history of ${target.label}`, e);
  }
}
