/**
 * A tiny element builder. Text from data always goes in as text nodes (never innerHTML), so a
 * record named `<img onerror=…>` is shown, not run.
 */
type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | undefined | null | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(el, child);
    else if (child === null || child === undefined || child === false) continue;
    else el.append(typeof child === 'number' ? String(child) : child);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** An SLDS utility icon, its symbol served alone (server/icon-symbols.ts says why not the whole sprite). */
export function icon(name: string, label?: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'slds-icon slds-icon_x-small slds-icon-text-default');
  svg.setAttribute('aria-hidden', label ? 'false' : 'true');
  if (label) svg.setAttribute('aria-label', label);
  const use = document.createElementNS(ns, 'use');
  use.setAttribute('href', iconHref(name));
  svg.append(use);
  return svg;
}

/** Points an icon() at another symbol, in place and only if it changed: a rebuilt <use> loads its symbol again and blinks empty meanwhile. */
export function setIcon(svg: SVGSVGElement, name: string): void {
  const href = iconHref(name);
  const use = svg.firstElementChild;
  if (use && use.getAttribute('href') !== href) use.setAttribute('href', href);
}

/** The symbol's own file, and the symbol in it. */
function iconHref(name: string): string {
  return `/assets/icons/utility/${encodeURIComponent(name)}.svg#${encodeURIComponent(name)}`;
}
