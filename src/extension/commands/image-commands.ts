/*
 * Tag…, Untag, Remove and Save…: the commands that change a store or write an archive. Each asks
 * only what it must (validated as the user types), confirms destructive steps in a modal that names
 * what goes, and refreshes the affected store when done (the watcher would too, a moment later).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { humanSize, shortId } from '../../shared/format';
import { SAVE_FORMATS, type SaveFormat } from '../../shared/model';
import { sentenceOf } from '../client/errors';
import type { ImageTarget, Services } from '../services';
import { resolveTargets, tagArgs } from './targets';
import { requireCapability, showError } from './ui';

export async function tagImage(services: Services, arg?: unknown, all?: unknown): Promise<void> {
  if (!requireCapability(services, 'tag')) return;
  const targets = await resolveTargets(services, arg, all, { many: false, title: 'Tag which image?', filter: (i) => !i.readOnly });
  const target = targets?.[0];
  if (!target) return;
  // Scripts and keybindings may pass the name: `{ storeId, imageId, name }`.
  const given = scriptedString(arg, 'name');
  const name = given ?? await vscode.window.showInputBox({
    title: `Tag ${target.label}`,
    prompt: 'New name, e.g. myapp:1.0 or quay.io/org/app:latest (a bare name gets localhost/ and :latest)',
    placeHolder: 'repository[:tag]',
    validateInput: (value) => validateName(services, value),
  });
  if (name === undefined) return;
  try {
    const added = await services.client.tagImage(target.storeId, target.imageId, name.trim());
    services.model.storeChanged(target.storeId);
    void vscode.window.setStatusBarMessage(`Tagged ${shortId(target.imageId)} as ${added}`, 4000);
  } catch (e) {
    showError(services, `Could not tag ${target.label}`, e);
  }
}

/** InputBox validation: asks the server's reference parser; '' is "no message". */
async function validateName(services: Services, value: string): Promise<string | undefined> {
  const v = value.trim();
  if (!v) return 'Enter a name';
  try {
    const problem = await services.client.validateReference(v);
    return problem || undefined;
  } catch (e) {
    return sentenceOf(e);
  }
}

export async function untagImage(services: Services, arg?: unknown, all?: unknown): Promise<void> {
  if (!requireCapability(services, 'untag')) return;
  let pairs = tagArgs(arg, all);
  if (pairs.length === 0) {
    const targets = await resolveTargets(services, arg, all, { many: false, title: 'Untag which image?', filter: (i) => i.names.length > 0 && !i.readOnly });
    const target = targets?.[0];
    if (!target) return;
    if (target.names.length === 0) {
      void vscode.window.showInformationMessage(`${target.label} has no names to remove.`);
      return;
    }
    const names =
      target.names.length === 1
        ? target.names
        : await vscode.window.showQuickPick(target.names, { title: `Remove which names from ${shortId(target.imageId)}?`, canPickMany: true });
    if (!names || names.length === 0) return;
    pairs = names.map((name) => ({ target, name }));
  }
  const touched = new Set<string>();
  for (const { target, name } of pairs) {
    try {
      await services.client.untagImage(target.storeId, target.imageId, name);
      touched.add(target.storeId);
    } catch (e) {
      showError(services, `Could not remove the name ${name}`, e);
      break;
    }
  }
  for (const id of touched) services.model.storeChanged(id);
}

export async function removeImages(services: Services, arg?: unknown, all?: unknown): Promise<void> {
  if (!requireCapability(services, 'remove')) return;
  const targets = await resolveTargets(services, arg, all, { many: true, title: 'Remove which images?', filter: (i) => !i.readOnly });
  if (!targets) return;
  for (const [storeId, group] of groupByStore(targets)) {
    let plan;
    try {
      plan = await services.client.planRemoval(storeId, group.map((t) => t.imageId));
    } catch (e) {
      showError(services, 'Could not prepare the removal', e);
      return;
    }
    if (plan.images.length === 0) {
      const why = plan.blocked.map((b) => b.message).join('; ');
      void vscode.window.showWarningMessage(`Nothing can be removed: ${why}.`);
      continue;
    }
    const names = plan.images.map((r) => r.names[0] ?? shortId(r.id));
    const what = plan.images.length === 1 ? names[0]! : `${plan.images.length} images`;
    const detailLines = [
      ...(plan.images.length > 1 ? [`Images: ${names.join(', ')}`] : []),
      `This deletes ${plan.layers} layer${plan.layers === 1 ? '' : 's'} and frees ${humanSize(plan.bytes)}.`,
      ...plan.images.flatMap((r) => (r.names.length > 1 ? [`${shortId(r.id)} also loses the names ${r.names.slice(1).join(', ')}.`] : [])),
      ...plan.blocked.map((b) => `Kept: ${b.message}.`),
    ];
    // A script that already asked its user passes `confirmed: true`; everyone else sees the modal.
    const ok = scriptedFlag(arg, 'confirmed') ? 'Remove' : await vscode.window.showWarningMessage(`Remove ${what}?`, { modal: true, detail: detailLines.join('\n') }, 'Remove');
    if (ok !== 'Remove') return;
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Removing ${what}`, cancellable: false },
        () => services.client.removeImages(storeId, plan.images.map((r) => r.id)),
      );
      services.model.storeChanged(storeId);
      void vscode.window.setStatusBarMessage(`Removed ${what}, freed ${humanSize(result.bytes)}`, 5000);
    } catch (e) {
      services.model.storeChanged(storeId);
      showError(services, `Could not remove ${what}`, e);
    }
  }
}

/** A string field of a plain-object argument (scripts, keybindings, tests), if given. */
function scriptedString(arg: unknown, key: string): string | undefined {
  if (typeof arg !== 'object' || arg === null || 'kind' in arg) return undefined;
  const v = (arg as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

function scriptedFlag(arg: unknown, key: string): boolean {
  return typeof arg === 'object' && arg !== null && !('kind' in arg) && (arg as Record<string, unknown>)[key] === true;
}

function groupByStore(targets: ImageTarget[]): Map<string, ImageTarget[]> {
  const m = new Map<string, ImageTarget[]>();
  for (const t of targets) {
    let list = m.get(t.storeId);
    if (!list) m.set(t.storeId, (list = []));
    list.push(t);
  }
  return m;
}

const FORMAT_INFO: Record<SaveFormat, { label: string; detail: string; dir: boolean; ext: string }> = {
  'docker-archive': { label: 'docker-archive', detail: 'A .tar that `docker load` and `podman load` read (several images allowed)', dir: false, ext: 'tar' },
  'oci-archive': { label: 'oci-archive', detail: 'An OCI image layout in a .tar', dir: false, ext: 'tar' },
  'oci-dir': { label: 'oci-dir', detail: 'An OCI image layout directory', dir: true, ext: '' },
  'docker-dir': { label: 'docker-dir', detail: 'A directory of manifest, config and layer blobs (the dir: transport)', dir: true, ext: '' },
};

export async function saveImage(services: Services, arg?: unknown, all?: unknown): Promise<void> {
  if (!requireCapability(services, 'save')) return;
  const targets = await resolveTargets(services, arg, all, { many: true, title: 'Save which images?' });
  if (!targets) return;
  const groups = groupByStore(targets);
  if (groups.size > 1) {
    void vscode.window.showWarningMessage('Save images of one store at a time.');
    return;
  }
  const [storeId, group] = [...groups][0]!;
  const formats = group.length > 1 ? (['docker-archive'] as SaveFormat[]) : [...SAVE_FORMATS];
  const givenFormat = scriptedString(arg, 'format');
  if (givenFormat !== undefined && !formats.includes(givenFormat as SaveFormat)) {
    void vscode.window.showWarningMessage(`Strata cannot save as "${givenFormat}"; use one of ${formats.join(', ')}.`);
    return;
  }
  const picked = givenFormat !== undefined ? { format: givenFormat as SaveFormat } : await vscode.window.showQuickPick(
    formats.map((f) => ({ label: FORMAT_INFO[f].label, detail: FORMAT_INFO[f].detail, format: f })),
    { title: group.length > 1 ? `Save ${group.length} images as (several images need docker-archive)` : `Save ${group[0]!.label} as` },
  );
  if (!picked) return;
  const info = FORMAT_INFO[picked.format];
  const base = (group[0]!.names[0] ?? shortId(group[0]!.imageId)).replace(/^.*\//, '').replace(/[:@]/g, '_');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const givenOutput = scriptedString(arg, 'output');
  const uri = givenOutput !== undefined ? vscode.Uri.file(givenOutput) : await vscode.window.showSaveDialog({
    title: info.dir ? 'Directory to create' : 'Archive to write',
    defaultUri: vscode.Uri.joinPath(folder, info.ext ? `${base}.${info.ext}` : base),
    saveLabel: 'Save',
    ...(info.ext ? { filters: { Archives: [info.ext] } } : {}),
  });
  if (!uri) return;
  // Names make the archive's tags; an untagged image goes by ID.
  const refs = group.map((t) => t.names[0] ?? t.imageId);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Saving ${refs.length === 1 ? group[0]!.label : `${refs.length} images`}`, cancellable: true },
      // The save dialog already asked before replacing a file; a scripted output is never replaced.
      (progress, token) => services.client.saveImage({ storeId, refs, format: picked.format, output: uri.fsPath, overwrite: givenOutput === undefined }, progress, token),
    );
    // Not awaited: the command is done; the notification stays until the user dismisses it.
    void vscode.window.showInformationMessage(`Saved ${path.basename(uri.fsPath)} (${humanSize(result.bytes)}).`, 'Reveal').then((open) => {
      if (open === 'Reveal') void vscode.commands.executeCommand('revealFileInOS', uri);
    });
  } catch (e) {
    showError(services, `Could not save ${group[0]!.label}`, e);
  }
}
