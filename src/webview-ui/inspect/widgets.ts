/*
 * Small accessible controls shared by the tabs: icon buttons with a tooltip and an aria-label, and
 * toggle buttons that expose their state through aria-pressed.
 */
import { el } from '../dom';
import { icon, type IconName } from './icons';

export function iconButton(name: IconName, title: string, onClick: () => void, tabIndex?: number): HTMLButtonElement {
  const b = el('button', { className: 'icon-button', title, attrs: { type: 'button', 'aria-label': title } }, [icon(name)]);
  if (tabIndex !== undefined) b.tabIndex = tabIndex;
  b.addEventListener('click', (e) => {
    e.stopPropagation();
    onClick();
  });
  return b;
}

export function toggleButton(name: IconName, title: string, initial: boolean, onChange: (on: boolean) => void): HTMLButtonElement {
  const b = iconButton(name, title, () => {
    const on = b.getAttribute('aria-pressed') !== 'true';
    b.setAttribute('aria-pressed', String(on));
    onChange(on);
  });
  b.classList.add('toggle');
  b.setAttribute('aria-pressed', String(initial));
  return b;
}
