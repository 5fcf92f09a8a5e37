/*
 * The tree's nodes as plain data: stable ids, labels, descriptions, tooltips (as lines, so store
 * strings are escaped by whoever renders them), contextValue tokens and parent links. Pure: no
 * vscode import, no I/O, so grouping, filtering and ids are unit-tested headless. The provider
 * turns these into TreeItems; the model decides when to rebuild them.
 */
import { humanAge, humanSize, parseName, shortId } from '../../shared/format';
import type { ContainerSummary, ImageDetails, ImageRef, ImageSummary, LayerSummary, StoreInfo } from '../../shared/model';

export type NodeKind = 'store' | 'repository' | 'image' | 'tagsSection' | 'tag' | 'section' | 'layer' | 'imageLink' | 'container' | 'message';

/** A tooltip line: `label` is ours (markdown-safe), `value` comes from the store and must be escaped. */
export interface TooltipLine {
  label: string;
  value: string;
  code?: boolean;
}

export interface TreeNode {
  /** Stable across refreshes: derived from store, repository, image and layer IDs only. */
  id: string;
  kind: NodeKind;
  label: string;
  description?: string;
  tooltip?: TooltipLine[];
  /** Colon-separated facets matched by regex in package.json menus. */
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** Codicon id. */
  icon: string;
  /** Theme colour id for the icon, when it signals a state. */
  iconColor?: string;
  parent?: TreeNode;
  storeId: string;
  image?: ImageSummary;
  /** The full name a tag node stands for (`localhost/app:v1`). */
  name?: string;
  layer?: LayerSummary;
  ref?: ImageRef;
  container?: ContainerSummary;
  store?: StoreInfo;
  /** Sections: which part of the details they show. */
  section?: 'layers' | 'children' | 'containers';
  repository?: string;
}

export interface ViewOptions {
  groupBy: 'repository' | 'none';
  showIntermediate: boolean;
  /** Case-insensitive text matched against names and ID; '' shows all. */
  filter: string;
  now: number;
}

const NONE = '<none>';

const KIND_LABEL: Record<StoreInfo['kind'], string> = {
  rootless: 'Rootless store',
  rootful: 'Rootful store',
  additional: 'Additional image store',
  configured: 'Store',
};

export function storeNode(store: StoreInfo): TreeNode {
  const facets = ['store', store.status === 'ready' ? 'ready' : 'unavailable', ...(store.readOnly ? ['readonly'] : [])];
  const tooltip: TooltipLine[] = [
    { label: 'Kind', value: KIND_LABEL[store.kind] },
    { label: 'Graph root', value: store.graphRoot, code: true },
    { label: 'Run root', value: store.runRoot, code: true },
    { label: 'Driver', value: store.driver || 'unknown' },
  ];
  if (store.readOnly) tooltip.push({ label: 'Access', value: 'read-only' });
  if (store.problem) tooltip.push({ label: 'Problem', value: store.problem.message });
  return {
    id: store.id,
    kind: 'store',
    label: KIND_LABEL[store.kind],
    description: `${store.driver ? store.driver + ' · ' : ''}${store.graphRoot}${store.readOnly ? ' · read-only' : ''}`,
    tooltip,
    contextValue: facets.join(':'),
    collapsible: 'expanded',
    icon: store.status === 'ready' ? 'database' : 'warning',
    ...(store.status === 'ready' ? {} : { iconColor: 'problemsWarningIcon.foreground' }),
    storeId: store.id,
    store,
  };
}

/** A leaf explaining something (a store that cannot be read, an empty filter result, an error). */
export function messageNode(parent: TreeNode, key: string, label: string, icon = 'info'): TreeNode {
  return { id: `${parent.id}/msg:${key}`, kind: 'message', label, contextValue: 'message', collapsible: 'none', icon, parent, storeId: parent.storeId };
}

export function isVisible(image: ImageSummary, opts: ViewOptions): boolean {
  if (image.intermediate && !opts.showIntermediate) return false;
  const f = opts.filter.trim().toLowerCase();
  if (!f) return true;
  if (image.id.startsWith(f.replace(/^sha256:/, ''))) return true;
  return image.names.some((n) => n.toLowerCase().includes(f));
}

/** Children of a ready store: repository groups, or images directly (groupBy none). */
export function storeChildren(store: TreeNode, images: ImageSummary[], opts: ViewOptions): TreeNode[] {
  const visible = images.filter((i) => isVisible(i, opts)).sort(byCreatedDesc);
  if (visible.length === 0) {
    const why = images.length === 0 ? 'No images in this store' : opts.filter ? `No image matches "${opts.filter}"` : 'Only intermediate images (hidden)';
    return [messageNode(store, 'empty', why)];
  }
  if (opts.groupBy === 'none') return visible.map((img) => imageNode(store, img, undefined, opts));
  const groups = new Map<string, ImageSummary[]>();
  for (const img of visible) {
    const repos = repositoriesOf(img);
    for (const repo of repos) {
      let list = groups.get(repo);
      if (!list) groups.set(repo, (list = []));
      list.push(img);
    }
  }
  const names = [...groups.keys()].sort((a, b) => (a === NONE ? 1 : b === NONE ? -1 : a.localeCompare(b)));
  return names.map((repo) => {
    const imgs = groups.get(repo)!;
    const node: TreeNode = {
      id: `${store.id}/repo:${repo}`,
      kind: 'repository',
      label: repo,
      description: `${imgs.length} image${imgs.length === 1 ? '' : 's'}`,
      contextValue: 'repository',
      collapsible: 'collapsed',
      icon: 'repo',
      parent: store,
      storeId: store.storeId,
      repository: repo,
    };
    return node;
  });
}

export function repositoryChildren(group: TreeNode, images: ImageSummary[], opts: ViewOptions): TreeNode[] {
  const repo = group.repository ?? NONE;
  return images
    .filter((i) => isVisible(i, opts) && repositoriesOf(i).includes(repo))
    .sort(byCreatedDesc)
    .map((img) => imageNode(group, img, repo, opts));
}

/** Repositories an image is listed under; untagged images go under `<none>`. */
export function repositoriesOf(img: ImageSummary): string[] {
  const repos = [...new Set(img.names.map((n) => parseName(n).repository))];
  return repos.length > 0 ? repos : [NONE];
}

function byCreatedDesc(a: ImageSummary, b: ImageSummary): number {
  return (Date.parse(b.created) || 0) - (Date.parse(a.created) || 0) || a.id.localeCompare(b.id);
}

export function imageFacets(img: ImageSummary): string {
  const f = ['image'];
  if (img.names.length > 0) f.push('tagged');
  if (img.dangling) f.push('dangling');
  if (img.intermediate) f.push('intermediate');
  if (img.digest) f.push('digest');
  if (img.readOnly) f.push('readonly');
  if (img.containers > 0) f.push('inuse');
  return f.join(':');
}

export function imageNode(parent: TreeNode, img: ImageSummary, repo: string | undefined, opts: ViewOptions): TreeNode {
  let label: string;
  if (repo !== undefined && repo !== NONE) {
    const tags = img.names.map(parseName).filter((p) => p.repository === repo).map((p) => p.tag || p.digest.slice(0, 19) || NONE);
    label = tags.join(', ');
  } else if (img.names.length > 0) {
    label = img.names[0]! + (img.names.length > 1 ? ` (+${img.names.length - 1})` : '');
  } else {
    label = img.intermediate ? `${NONE} (intermediate)` : NONE;
  }
  const bits = [shortId(img.id), humanSize(img.size), humanAge(img.created, opts.now)].filter(Boolean);
  if (img.readOnly) bits.push('R/O');
  if (img.containers > 0) bits.push(`${img.containers} container${img.containers === 1 ? '' : 's'}`);
  return {
    id: `${parent.id}/image:${img.id}`,
    kind: 'image',
    label,
    description: bits.join(' · '),
    tooltip: imageTooltip(img, opts.now),
    contextValue: imageFacets(img),
    collapsible: 'collapsed',
    icon: img.intermediate ? 'layers-dot' : img.dangling ? 'circle-outline' : 'package',
    parent,
    storeId: parent.storeId,
    image: img,
  };
}

export function imageTooltip(img: ImageSummary, now: number): TooltipLine[] {
  const lines: TooltipLine[] = [{ label: 'ID', value: img.id, code: true }];
  for (const n of img.names) lines.push({ label: 'Name', value: n, code: true });
  if (img.digest) lines.push({ label: 'Digest', value: img.digest, code: true });
  lines.push({ label: 'Size', value: humanSize(img.size) });
  if (img.created) lines.push({ label: 'Created', value: `${img.created} (${humanAge(img.created, now)})` });
  if (img.parentId) lines.push({ label: 'Parent', value: shortId(img.parentId), code: true });
  if (img.containers > 0) lines.push({ label: 'Containers', value: String(img.containers) });
  if (img.readOnly) lines.push({ label: 'Store', value: 'read-only (additional image store)' });
  for (const [k, v] of Object.entries(img.labels).slice(0, 8)) lines.push({ label: 'Label', value: `${k}=${v}` });
  return lines;
}

/** Sections under an image; counts come from the details once they are loaded. */
export function imageChildren(imageNode: TreeNode, details: ImageDetails, opts: ViewOptions): TreeNode[] {
  const img = imageNode.image!;
  const out: TreeNode[] = [];
  if (img.names.length > 0) {
    out.push({
      id: `${imageNode.id}/tags`,
      kind: 'tagsSection',
      label: 'Tags',
      description: String(img.names.length),
      contextValue: 'section:tags',
      collapsible: 'expanded',
      icon: 'tag',
      parent: imageNode,
      storeId: imageNode.storeId,
      image: img,
    });
  }
  const section = (key: 'layers' | 'children' | 'containers', label: string, count: number, icon: string): TreeNode => ({
    id: `${imageNode.id}/${key}`,
    kind: 'section',
    label,
    description: String(count),
    contextValue: `section:${key}`,
    collapsible: count > 0 ? (key === 'layers' ? 'expanded' : 'collapsed') : 'none',
    icon,
    parent: imageNode,
    storeId: imageNode.storeId,
    image: img,
    section: key,
  });
  out.push(section('layers', 'Layers (top → base)', details.layers.length, 'layers'));
  out.push(section('children', 'Images built on it', details.children.length, 'type-hierarchy-sub'));
  out.push(section('containers', 'Containers', details.containers.length, 'vm'));
  void opts;
  return out;
}

export function tagNodes(section: TreeNode): TreeNode[] {
  const img = section.image!;
  return img.names.map((name) => ({
    id: `${section.id}/tag:${name}`,
    kind: 'tag' as const,
    label: name,
    tooltip: [{ label: 'Name', value: name, code: true }],
    contextValue: img.readOnly ? 'tag:readonly' : 'tag',
    collapsible: 'none' as const,
    icon: 'tag',
    parent: section,
    storeId: section.storeId,
    image: img,
    name,
  }));
}

export function sectionChildren(section: TreeNode, details: ImageDetails, opts: ViewOptions): TreeNode[] {
  switch (section.section) {
    case 'layers':
      return details.layers.map((l, i) => layerNode(section, l, i, details.layers.length));
    case 'children':
      return details.children.map((ref) => ({
        id: `${section.id}/image:${ref.id}`,
        kind: 'imageLink' as const,
        label: ref.names[0] ?? NONE,
        description: shortId(ref.id),
        tooltip: [{ label: 'ID', value: ref.id, code: true }, ...ref.names.map((n) => ({ label: 'Name', value: n, code: true }))],
        contextValue: 'imageLink',
        collapsible: 'none' as const,
        icon: 'package',
        parent: section,
        storeId: section.storeId,
        ref,
      }));
    case 'containers':
      return details.containers.map((c) => ({
        id: `${section.id}/container:${c.id}`,
        kind: 'container' as const,
        label: c.names[0] ?? shortId(c.id),
        description: [shortId(c.id), humanAge(c.created, opts.now)].filter(Boolean).join(' · '),
        tooltip: [{ label: 'Container', value: c.id, code: true }, ...c.names.map((n) => ({ label: 'Name', value: n }))],
        contextValue: 'container',
        collapsible: 'none' as const,
        icon: 'vm',
        parent: section,
        storeId: section.storeId,
        container: c,
      }));
    default:
      return [];
  }
}

function refLabel(r: ImageRef): string {
  return r.names[0] ?? shortId(r.id);
}

export function layerNode(section: TreeNode, l: LayerSummary, index: number, count: number): TreeNode {
  const bits = [humanSize(l.size)];
  if (l.topOf.length > 0) bits.push(`top of ${l.topOf.map(refLabel).join(', ')}`);
  if (l.sharedBy.length > 0) bits.push(`shared by ${l.sharedBy.length}`);
  const tooltip: TooltipLine[] = [
    { label: 'Layer', value: l.id, code: true },
    { label: 'Position', value: index === 0 ? 'top layer' : index === count - 1 ? 'base layer' : `${index + 1} of ${count}` },
    { label: 'Size', value: humanSize(l.size) },
  ];
  if (l.diffDigest) tooltip.push({ label: 'Diff digest', value: l.diffDigest, code: true });
  if (l.compressedDigest) tooltip.push({ label: 'Compressed digest', value: l.compressedDigest, code: true });
  if (l.created) tooltip.push({ label: 'Created', value: l.created });
  for (const r of l.topOf) tooltip.push({ label: 'Top layer of', value: `${shortId(r.id)} ${r.names.join(' ')}`.trim() });
  for (const r of l.sharedBy) tooltip.push({ label: 'Shared by', value: `${shortId(r.id)} ${r.names.join(' ')}`.trim() });
  return {
    id: `${section.id}/layer:${l.id}`,
    kind: 'layer',
    label: shortId(l.id),
    description: bits.join(' · '),
    tooltip,
    contextValue: l.sharedBy.length > 0 ? 'layer:shared' : 'layer',
    collapsible: 'none',
    icon: index === count - 1 ? 'debug-stackframe-dot' : 'layers',
    parent: section,
    storeId: section.storeId,
    layer: l,
  };
}
