/**
 * The global header's drop-downs (App Launcher, Setup gear, user menu) open and close the same way,
 * as Lightning's do: the button toggles, Escape or a click outside closes, and the focus goes back
 * to the button. What opens is built each time and removed on close, so nothing hidden stays in
 * the page for a screen reader or a test to find.
 */
import { h } from './dom.ts';

/**
 * A header button that opens `build()`'s element below it; Escape, a click outside or a choice
 * closes it and gives the focus back to the button.
 */
export function popup(
  button: HTMLButtonElement,
  build: (close: () => void) => { readonly element: HTMLElement; readonly focus?: HTMLElement },
  rootClass: string,
): HTMLElement {
  const root = h('div', { class: rootClass }, button);
  let open: HTMLElement | undefined;
  const close = (): void => {
    if (!open) return;
    open.remove();
    open = undefined;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  };
  button.addEventListener('click', () => {
    if (open) return close();
    const built = build(close);
    open = built.element;
    root.append(open);
    button.setAttribute('aria-expanded', 'true');
    built.focus?.focus();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });
  document.addEventListener('click', (e) => {
    if (open && !root.contains(e.target as Node)) close();
  });
  return root;
}
