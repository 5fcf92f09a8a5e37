/*
 * The only way the webview builds markup: elements from createElement, text through textContent.
 * Store strings (labels, history lines) are attacker-controlled, so nothing here parses HTML, and
 * event-handler attributes are refused outright.
 */

export interface ElOptions {
  readonly className?: string;
  readonly text?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly title?: string;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  opts: ElOptions = {},
  children: readonly (Node | null | undefined)[] = [],
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (opts.className) e.className = opts.className;
  if (opts.text !== undefined) e.textContent = opts.text;
  if (opts.title !== undefined) e.title = opts.title;
  for (const [name, value] of Object.entries(opts.attrs ?? {})) {
    if (/^on/i.test(name) || name.toLowerCase() === 'style') throw new Error(`refusing attribute ${name}`);
    e.setAttribute(name, value);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

export function text(s: string): Text {
  return document.createTextNode(s);
}

/** Removes every child (faster than innerHTML = '' and never touches the HTML parser). */
export function clear(node: Node): void {
  while (node.lastChild) node.removeChild(node.lastChild);
}
