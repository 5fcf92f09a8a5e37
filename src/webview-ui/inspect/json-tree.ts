/*
 * The model behind the collapsible inspect tree: one node per JSON value with a stable id (its JSON
 * pointer), the text shown for its key and value, and the jq path and value text used by copy.
 * Pure: no DOM, so it is unit-tested in node. Store strings stay plain strings here; the view puts
 * them in the page only through textContent.
 */
import { humanAge, humanSize } from '../../shared/human-format';

export type NodeKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
export type PathPart = string | number;

export interface TreeNode {
  /** JSON pointer (RFC 6901) of the value: "" for the root, "/Config/Labels/a~1b". Stable across reloads. */
  readonly id: string;
  readonly path: readonly PathPart[];
  readonly kind: NodeKind;
  readonly value: unknown;
  /** Depth below the root's children: top-level keys are 0. The root is -1. */
  readonly depth: number;
  readonly parent: TreeNode | null;
  readonly children: readonly TreeNode[];
  /** Key as shown: the object key with invisible characters escaped, or the array index. Empty for the root. */
  readonly keyText: string;
  /** Scalar as shown (strings without quotes, escaped); empty for objects and arrays. */
  readonly valueText: string;
}

export interface JsonTreeModel {
  readonly root: TreeNode;
  /** Every node but the root, in document order. */
  readonly nodes: readonly TreeNode[];
  readonly byId: ReadonlyMap<string, TreeNode>;
}

function kindOf(value: unknown): NodeKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'string';
  }
}

/** Characters that reorder or hide text (bidi controls, zero-width marks, BOM): a label could use them to look like something else. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * A string as shown in the tree and raw views: JSON escapes for control characters and lone
 * surrogates, plus visible \uXXXX escapes for bidi/zero-width characters, without the quotes.
 */
export function displayString(s: string): string {
  return escapeInvisible(JSON.stringify(s).slice(1, -1));
}

/** Replaces bidi/zero-width characters by visible `\uXXXX` escapes. */
export function escapeInvisible(s: string): string {
  return s.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function scalarText(kind: NodeKind, value: unknown): string {
  switch (kind) {
    case 'string':
      return displayString(String(value));
    case 'number':
      return Number.isFinite(value) || typeof value === 'bigint' ? String(value) : 'null';
    case 'boolean':
      return String(value);
    case 'null':
      return 'null';
    default:
      return '';
  }
}

export function escapePointerToken(part: PathPart): string {
  return String(part).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function buildTree(value: unknown): JsonTreeModel {
  const nodes: TreeNode[] = [];
  const byId = new Map<string, TreeNode>();
  const make = (v: unknown, path: PathPart[], id: string, parent: TreeNode | null): TreeNode => {
    const kind = kindOf(v);
    const children: TreeNode[] = [];
    const last = path[path.length - 1];
    const node: TreeNode = {
      id,
      path,
      kind,
      value: v,
      depth: path.length - 1,
      parent,
      children,
      keyText: last === undefined ? '' : typeof last === 'number' ? String(last) : displayString(last),
      valueText: scalarText(kind, v),
    };
    if (parent) nodes.push(node);
    byId.set(id, node);
    if (kind === 'array') {
      (v as unknown[]).forEach((c, i) => children.push(make(c, [...path, i], `${id}/${i}`, node)));
    } else if (kind === 'object') {
      for (const [k, c] of Object.entries(v as Record<string, unknown>)) {
        if (c === undefined) continue; // as JSON.stringify: undefined members do not exist
        children.push(make(c, [...path, k], `${id}/${escapePointerToken(k)}`, node));
      }
    }
    return node;
  };
  const root = make(value, [], '', null);
  return { root, nodes, byId };
}

const JQ_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The jq path of a node relative to the image object, e.g. `.Config.Labels["org.example.x"]`, `.RootFS.Layers[0]`. */
export function jqPath(path: readonly PathPart[]): string {
  if (path.length === 0) return '.';
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : JQ_IDENT.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`))
    .join('')
    .replace(/^\[/, '.[');
}

/** What "Copy value" puts on the clipboard: strings bare (an ID pastes as an ID), anything else as JSON. */
export function copyText(node: TreeNode): string {
  if (node.kind === 'string') return String(node.value);
  return JSON.stringify(node.value, null, 2) ?? 'null';
}

/** "12 keys" / "3 items" for a container, shown beside its key. */
export function childSummary(node: TreeNode): string {
  const n = node.children.length;
  if (node.kind === 'object') return n === 1 ? '1 key' : `${n} keys`;
  if (node.kind === 'array') return n === 1 ? '1 item' : `${n} items`;
  return '';
}

const SIZE_KEYS = new Set(['Size', 'VirtualSize', 'size']);
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** A muted hint after some scalars: "10.2 kB" after byte counts, "2 days ago" after timestamps. */
export function valueHint(node: TreeNode, now: number): string | null {
  const key = node.path[node.path.length - 1];
  if (node.kind === 'number' && typeof key === 'string' && SIZE_KEYS.has(key) && typeof node.value === 'number') {
    return humanSize(node.value);
  }
  if (node.kind === 'string' && TIMESTAMP.test(String(node.value))) return humanAge(String(node.value), now);
  return null;
}

/** Nodes expanded when the user has never changed the expansion: the parts of an image people look at first. */
export const DEFAULT_EXPANDED: readonly string[] = ['/RepoTags', '/Config', '/Config/Labels', '/Labels'];
