/*
 * "Load…" (podman load: docker-archive, oci-archive, OCI layout, dir:) and "Import…" (podman
 * import of a rootfs tarball) into one store, with cancellable progress. The server does the
 * work; a failed or cancelled load leaves the store untouched, and the tree refreshes after.
 * Scripts may pass `{ storeId, input }` / `{ storeId, file, name }` to skip the dialogs.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { StoreInfo } from '../../shared/model';
import { sentenceOf } from '../client/errors';
import { requireCapability, showError } from './ui';

function scripted(arg: unknown, key: string): string | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const v = (arg as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

/** The store to load into: the store node or script argument given, the only writable store, or the user's pick. */
async function pickStore(services: Services, arg: unknown, title: string): Promise<StoreInfo | undefined> {
  const stores = (await services.model.getStores()).filter((s) => s.status === 'ready' && !s.readOnly);
  const given = scripted(arg, 'storeId');
  if (given !== undefined) {
    const s = stores.find((x) => x.id === given);
    if (!s) void vscode.window.showWarningMessage('That store cannot be written to (it is missing, not ready or read-only).');
    return s;
  }
  if (stores.length === 0) {
    void vscode.window.showWarningMessage('There is no writable container store to load into.');
    return undefined;
  }
  if (stores.length === 1) return stores[0];
  const picked = await vscode.window.showQuickPick(
    stores.map((s) => ({ label: s.graphRoot, description: s.driver, store: s })),
    { title },
  );
  return picked?.store;
}

export async function loadImages(services: Services, arg?: unknown): Promise<void> {
  if (!requireCapability(services, 'load')) return;
  const store = await pickStore(services, arg, 'Load images into which store?');
  if (!store) return;
  let input = scripted(arg, 'input');
  if (input === undefined) {
    // One dialog cannot offer files and folders on every platform: ask which first.
    const kind = await vscode.window.showQuickPick(
      [
        { label: 'Archive file', detail: 'docker-archive or oci-archive (.tar, .tar.gz), as written by podman save or docker save', dir: false },
        { label: 'Image directory', detail: 'An OCI image layout, or a dir: directory (podman save --format oci-dir / docker-dir)', dir: true },
      ],
      { title: 'Load from' },
    );
    if (!kind) return;
    const uris = await vscode.window.showOpenDialog({
      title: kind.dir ? 'Image directory to load' : 'Archive to load',
      canSelectFiles: !kind.dir,
      canSelectFolders: kind.dir,
      canSelectMany: false,
      openLabel: 'Load',
      ...(kind.dir ? {} : { filters: { Archives: ['tar', 'gz', 'tgz'], 'All files': ['*'] } }),
    });
    input = uris?.[0]?.fsPath;
    if (input === undefined) return;
  }
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Loading ${input.replace(/^.*\//, '')}`, cancellable: true },
      (progress, token) => services.client.loadImages({ storeId: store.id, input: input! }, progress, token),
    );
    services.model.storeChanged(store.id);
    const what = result.loaded.length === 1 ? result.loaded[0]! : `${result.loaded.length} images`;
    void vscode.window.showInformationMessage(`Loaded ${what}.`);
  } catch (e) {
    services.model.storeChanged(store.id);
    await showError(services, `Could not load ${input}`, e);
  }
}

export async function importImage(services: Services, arg?: unknown): Promise<void> {
  if (!requireCapability(services, 'load')) return;
  const store = await pickStore(services, arg, 'Import into which store?');
  if (!store) return;
  let file = scripted(arg, 'file');
  if (file === undefined) {
    const uris = await vscode.window.showOpenDialog({
      title: 'Root file system tarball to import',
      canSelectFiles: true,
      canSelectMany: false,
      openLabel: 'Import',
      filters: { Tarballs: ['tar', 'gz', 'tgz'], 'All files': ['*'] },
    });
    file = uris?.[0]?.fsPath;
    if (file === undefined) return;
  }
  let name = scripted(arg, 'name');
  if (name === undefined && !(typeof arg === 'object' && arg !== null && 'file' in arg)) {
    name = await vscode.window.showInputBox({
      title: 'Name for the imported image (optional)',
      prompt: 'e.g. myrootfs:1.0 (a bare name gets localhost/ and :latest); leave empty for an unnamed image',
      placeHolder: 'repository[:tag]',
      validateInput: async (value) => {
        const v = value.trim();
        if (!v) return undefined;
        try {
          return (await services.client.validateReference(v)) || undefined;
        } catch (e) {
          return sentenceOf(e);
        }
      },
    });
    if (name === undefined) return;
  }
  const reference = name?.trim() ? name.trim() : undefined;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Importing ${file.replace(/^.*\//, '')}`, cancellable: true },
      (progress, token) => services.client.importImage({ storeId: store.id, file: file!, ...(reference ? { reference } : {}) }, progress, token),
    );
    services.model.storeChanged(store.id);
    void vscode.window.showInformationMessage(`Imported ${result.names[0] ?? result.imageId.slice(0, 12)}.`);
  } catch (e) {
    services.model.storeChanged(store.id);
    await showError(services, `Could not import ${file}`, e);
  }
}
