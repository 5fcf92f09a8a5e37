/*
 * Turning a command's arguments into the images (or tags) it acts on: a tree node, the tree's
 * multi-selection, a plain `{storeId, imageId}` (webview, tests, keybindings), or, from the
 * palette, a QuickPick over every image of every readable store.
 */
import * as vscode from 'vscode';
import { humanSize, shortId } from '../../shared/format';
import type { ImageSummary } from '../../shared/model';
import type { ImageTarget, Services } from '../services';
import type { TreeNode } from '../views/image-tree-nodes';

export function targetOf(storeId: string, img: Pick<ImageSummary, 'id' | 'names'> & Partial<ImageSummary>): ImageTarget {
  return {
    storeId,
    imageId: img.id,
    label: img.names[0] ?? shortId(img.id),
    names: [...img.names],
    digest: img.digest ?? '',
    readOnly: img.readOnly ?? false,
  };
}

function isNode(x: unknown): x is TreeNode {
  return typeof x === 'object' && x !== null && typeof (x as TreeNode).kind === 'string' && typeof (x as TreeNode).storeId === 'string';
}

function isPlainTarget(x: unknown): x is { storeId: string; imageId: string } {
  return typeof x === 'object' && x !== null && typeof (x as ImageTarget).storeId === 'string' && typeof (x as ImageTarget).imageId === 'string';
}

/** Image of a node: image rows, tag rows, sections and "built on it" links all name one. */
function nodeTarget(n: TreeNode): ImageTarget | undefined {
  if (n.image) return targetOf(n.storeId, n.image);
  if (n.ref) return targetOf(n.storeId, n.ref);
  return undefined;
}

/** The images a command was invoked on, without asking. */
export async function argTargets(services: Services, arg: unknown, all: unknown): Promise<ImageTarget[]> {
  const items = Array.isArray(all) && all.length > 0 ? all : arg !== undefined ? [arg] : [];
  const out: ImageTarget[] = [];
  for (const it of items) {
    if (isNode(it)) {
      const t = nodeTarget(it);
      if (t) out.push(t);
    } else if (isPlainTarget(it)) {
      out.push(await resolvePlain(services, it.storeId, it.imageId));
    }
  }
  // One image selected twice (under two repositories) is still one image.
  const seen = new Set<string>();
  return out.filter((t) => {
    const k = `${t.storeId}\n${t.imageId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

async function resolvePlain(services: Services, storeId: string, imageId: string): Promise<ImageTarget> {
  const r = await services.model.getImages(storeId);
  const img = 'images' in r ? r.images.find((i) => i.id === imageId || i.id.startsWith(imageId)) : undefined;
  return img ? targetOf(storeId, img) : { storeId, imageId, label: shortId(imageId), names: [], digest: '', readOnly: false };
}

interface ImagePick extends vscode.QuickPickItem {
  target: ImageTarget;
}

/** Images from the arguments, else picked by the user; undefined when the user cancelled. */
export async function resolveTargets(
  services: Services,
  arg: unknown,
  all: unknown,
  opts: { many: boolean; title: string; filter?: (i: ImageSummary) => boolean },
): Promise<ImageTarget[] | undefined> {
  const direct = await argTargets(services, arg, all);
  if (direct.length > 0) return opts.many ? direct : direct.slice(0, 1);
  const lists = await services.model.allImages();
  const items: ImagePick[] = [];
  for (const { store, images } of lists) {
    for (const img of images) {
      if (opts.filter && !opts.filter(img)) continue;
      items.push({
        label: img.names[0] ?? `<none> ${shortId(img.id)}`,
        description: `${shortId(img.id)} · ${humanSize(img.size)}`,
        detail: lists.length > 1 ? store.graphRoot : img.names.slice(1).join(', ') || undefined,
        target: targetOf(store.id, img),
      });
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage('There are no images to choose from.');
    return undefined;
  }
  if (opts.many) {
    const picked = await vscode.window.showQuickPick(items, { title: opts.title, canPickMany: true, matchOnDescription: true });
    return picked && picked.length > 0 ? picked.map((p) => p.target) : undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: opts.title, matchOnDescription: true });
  return picked ? [picked.target] : undefined;
}

/** Tag rows selected (node or multi-selection), as image + name pairs. */
export function tagArgs(arg: unknown, all: unknown): { target: ImageTarget; name: string }[] {
  const items = Array.isArray(all) && all.length > 0 ? all : arg !== undefined ? [arg] : [];
  const out: { target: ImageTarget; name: string }[] = [];
  for (const it of items) {
    if (isNode(it) && it.kind === 'tag' && it.image && it.name) out.push({ target: targetOf(it.storeId, it.image), name: it.name });
    else if (isPlainTarget(it) && typeof (it as { name?: unknown }).name === 'string') {
      const p = it as { storeId: string; imageId: string; name: string };
      out.push({ target: { storeId: p.storeId, imageId: p.imageId, label: p.name, names: [p.name], digest: '', readOnly: false }, name: p.name });
    }
  }
  return out;
}
