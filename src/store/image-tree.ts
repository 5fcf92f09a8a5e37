/*
 * `podman image tree`: the image's layer chain (base first) or, with --whatrequires, the layers
 * that build on its top layer, rendered with gotree's box drawing exactly as podman prints it.
 * Also the structured form the extension's tree view shows.
 */
import { humanSizeWithPrecision } from './go-format';
import { repoTagsOf } from './image-names';
import type { ImageEntry, LayerEntry, StoreSnapshot } from './snapshot';

export interface TreeNode {
  text: string;
  children: TreeNode[];
}

/** gotree's printer. */
export function printTree(root: TreeNode): string {
  const printItems = (items: TreeNode[], spaces: boolean[]): string => {
    let out = '';
    items.forEach((item, i) => {
      const last = i === items.length - 1;
      const prefix = spaces.map((s) => (s ? '    ' : '│   ')).join('');
      item.text.split('\n').forEach((line, j) => {
        const indicator = j === 0 ? (last ? '└── ' : '├── ') : last ? '    ' : '│   ';
        out += prefix + indicator + line + '\n';
      });
      if (item.children.length > 0) out += printItems(item.children, [...spaces, last]);
    });
    return out;
  };
  return root.text + '\n' + printItems(root.children, []);
}

/** Union of RepoTags of the images whose top layer is `layerId`, store order, deduplicated. */
export function topLayerTags(snapshot: StoreSnapshot, layerId: string): string[] {
  const tags: string[] = [];
  for (const img of snapshot.imagesByTopLayer.get(layerId) ?? []) {
    if (img.record.layer !== layerId) continue;
    for (const t of repoTagsOf(img.record.names ?? [])) if (!tags.includes(t)) tags.push(t);
  }
  return tags;
}

function goList(items: string[]): string {
  return '[' + items.join(' ') + ']';
}

function layerText(snapshot: StoreSnapshot, layer: LayerEntry): string {
  const size = humanSizeWithPrecision(layer.record['diff-size'] ?? 0, 4).padStart(7, ' ');
  const tags = topLayerTags(snapshot, layer.record.id);
  return `ID: ${layer.record.id.slice(0, 12)} Size: ${size}${tags.length ? ` Top Layer of: ${goList(tags)}` : ''}`;
}

function header(snapshot: StoreSnapshot, image: ImageEntry): string {
  const size = snapshot.imageSize(image) ?? -1;
  return [
    `Image ID: ${image.record.id.slice(0, 12)}`,
    `Tags:     ${goList(repoTagsOf(image.record.names ?? []))}`,
    `Size:     ${humanSizeWithPrecision(size, 4)}`,
    image.record.layer ? 'Image Layers' : 'No Image Layers',
  ].join('\n');
}

/** libimage Image.Tree(traverseChildren). */
export function imageTree(snapshot: StoreSnapshot, image: ImageEntry, whatRequires = false): TreeNode {
  const root: TreeNode = { text: header(snapshot, image), children: [] };
  const top = image.record.layer ? snapshot.layerById.get(image.record.layer) : undefined;
  if (!top) return root;
  if (!whatRequires) {
    const chain = snapshot.layerChain(image);
    for (let i = chain.length - 1; i >= 0; i--) root.children.push({ text: layerText(snapshot, chain[i]!), children: [] });
    return root;
  }
  const traverse = (layer: LayerEntry, parent: TreeNode): void => {
    const text = layerText(snapshot, layer);
    const siblings = layer.record.parent ? (snapshot.childrenOf.get(layer.record.parent) ?? []) : [];
    let container: TreeNode;
    if (!layer.record.parent || siblings.length <= 1) {
      parent.children.push({ text, children: [] });
      container = parent;
    } else {
      container = { text, children: [] };
      parent.children.push(container);
    }
    for (const child of snapshot.childrenOf.get(layer.record.id) ?? []) traverse(child, container);
  };
  traverse(top, root);
  return root;
}

/** `podman image tree` output (fmt.Println adds the final empty line). */
export function formatImageTree(snapshot: StoreSnapshot, image: ImageEntry, whatRequires = false): string {
  return printTree(imageTree(snapshot, image, whatRequires)) + '\n';
}
