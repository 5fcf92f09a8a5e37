/*
 * The "Strata" tree: a TreeDataProvider over ImageTreeModel that owns its TreeView. Stateless apart
 * from the model: nodes come from image-tree-nodes.ts, tooltips are built on hover
 * (resolveTreeItem) with every store string escaped. No disk access, no notifications from
 * getChildren: empty and error states are context keys + viewsWelcome, or message rows.
 */
import * as vscode from 'vscode';
import { Views } from '../constants';
import { Disposable } from '../util/disposable';
import type { ImageTreeModel } from './image-tree-model';
import {
  imageChildren,
  messageNode,
  repositoryChildren,
  sectionChildren,
  storeChildren,
  storeNode,
  tagNodes,
  type TreeNode,
  type ViewOptions,
} from './image-tree-nodes';

const COLLAPSE: Record<TreeNode['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export class ImageTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  readonly view: vscode.TreeView<TreeNode>;
  private readonly changeEmitter = this._register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;

  constructor(private readonly model: ImageTreeModel) {
    super();
    this.view = this._register(vscode.window.createTreeView(Views.images, { treeDataProvider: this, canSelectMany: true, showCollapseAll: true }));
    this._register(
      model.onDidChange(() => {
        this.updateMessage();
        this.changeEmitter.fire(undefined);
      }),
    );
    this.updateMessage();
  }

  private updateMessage(): void {
    const f = this.model.options.filter;
    this.view.message = f ? `Filtered by "${f}"` : undefined;
  }

  private viewOptions(): ViewOptions {
    return { ...this.model.options, now: Date.now() };
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, COLLAPSE[node.collapsible]);
    item.id = node.id;
    item.description = node.description;
    item.contextValue = node.contextValue;
    item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
    if (node.kind === 'image' || node.kind === 'imageLink') {
      item.accessibilityInformation = { label: `Image ${node.label} ${node.description ?? ''}` };
    }
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    if (node.tooltip) item.tooltip = renderTooltip(node);
    return item;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const opts = this.viewOptions();
    if (!node) {
      const stores = await this.model.getStores();
      return stores.map(storeNode);
    }
    switch (node.kind) {
      case 'store': {
        const store = node.store!;
        if (store.status !== 'ready') return [messageNode(node, 'problem', store.problem?.message ?? 'This store cannot be read', 'warning')];
        const r = await this.model.getImages(store.id);
        if ('error' in r) return [messageNode(node, 'error', r.error, 'error')];
        return storeChildren(node, r.images, opts);
      }
      case 'repository': {
        const r = await this.model.getImages(node.storeId);
        return 'images' in r ? repositoryChildren(node, r.images, opts) : [];
      }
      case 'image': {
        try {
          const d = await this.model.getDetails(node.storeId, node.image!.id);
          return imageChildren(node, d, opts);
        } catch (e) {
          return [messageNode(node, 'error', `Could not read this image: ${(e as Error).message}`, 'error')];
        }
      }
      case 'tagsSection':
        return tagNodes(node);
      case 'section': {
        try {
          const d = await this.model.getDetails(node.storeId, node.image!.id);
          return sectionChildren(node, d, opts);
        } catch (e) {
          return [messageNode(node, 'error', `Could not read this image: ${(e as Error).message}`, 'error')];
        }
      }
      default:
        return [];
    }
  }
}

/** Markdown tooltip: our labels in bold, every store-provided value escaped as text or code. */
export function renderTooltip(node: TreeNode): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown(`**${escapeMarkdown(node.label)}**\n\n`);
  for (const line of node.tooltip ?? []) {
    md.appendMarkdown(`${line.label}: `);
    if (line.code) md.appendMarkdown('`' + line.value.replace(/`/g, "'") + '`');
    else md.appendText(line.value);
    md.appendMarkdown('  \n');
  }
  return md;
}

function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (c) => `\\${c}`);
}
