/**
 * A layout checker run inside a console page: horizontal overflow, elements cut off by the
 * viewport's right edge, visible interactive or text-bearing elements that overlap without one
 * containing the other, a tab whose close button wrapped below its label, and text clipped in the
 * header, tabs and utility bar. Each problem names both elements (accessible name and a selector)
 * and their rectangles, so a failure says what to fix.
 *
 * Layers: the utility bar, each utility panel and an open modal float over the page on purpose (as
 * in Lightning), so page content under them is not an overlap; two floating layers covering each
 * other (Phone over Omni-Channel, a panel over the bar's items) is.
 *
 * The in-page code is a plain script string: a function compiled by tsx can carry helper calls
 * (`__name`) that do not exist in the page.
 */
import type { Page } from 'playwright-core';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}
export interface Problem {
  readonly kind: 'page-overflow' | 'cut-off' | 'overlap' | 'clipped-text' | 'wrapped-tab';
  readonly message: string;
}

const IN_PAGE = String.raw`(() => {
  const INTERACTIVE = 'button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=tab], [role=radio], [role=link], [role=combobox], iframe, [role=dialog], h1, h2, h3, h4, label, dd, th, .slds-form-element__static, .slds-timeline__item, .slds-card__header-title';
  const LAYERS = '.console-utility-bar, .console-phone-panel, .console-omni-panel, .slds-modal, .console-user-menu__list';
  const TEXT_REGIONS = '.console-header, .console-nav, .console-tabs, .console-utility-bar, .console-panel-header, .console-classic-header, .console-classic-nav';
  const vw = window.innerWidth, vh = window.innerHeight;
  const problems = [];
  const round = (r) => ({ x: Math.round(r.left), y: Math.round(r.top), w: Math.round(r.right - r.left), h: Math.round(r.bottom - r.top) });
  const fmt = (r) => '[' + r.x + ',' + r.y + ' ' + r.w + 'x' + r.h + ']';
  const nameOf = (el) => {
    const by = el.getAttribute('aria-labelledby');
    const labelled = by ? by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ') : '';
    const text = el.getAttribute('aria-label') || labelled || el.getAttribute('title') || (el.labels && el.labels[0] ? el.labels[0].textContent : '') ||
      (el.innerText || '') || el.getAttribute('placeholder') || el.getAttribute('value') || el.getAttribute('alt') || '';
    return text.replace(/\s+/g, ' ').trim().slice(0, 50);
  };
  const selectorOf = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
      let s = e.tagName.toLowerCase();
      if (e.id) { parts.unshift(s + '#' + e.id); break; }
      const cls = [...e.classList].filter((c) => !c.startsWith('slds-button_')).slice(0, 2);
      if (cls.length) s += '.' + cls.join('.');
      parts.unshift(s);
    }
    // Name the nearest ancestor with an id when the three levels above did not reach one (which panel, which form).
    const anchor = parts[0].includes('#') ? null : el.parentElement?.closest('[id]');
    return (anchor && anchor !== document.getElementById('console') ? '#' + anchor.id + ' … ' : '') + parts.join(' > ');
  };
  const describe = (el, r) => '"' + nameOf(el) + '" (' + selectorOf(el) + ') ' + fmt(r);
  const hiddenByAncestor = (el) => {
    for (let e = el; e; e = e.parentElement) {
      if (e.getAttribute('aria-hidden') === 'true' || e.hidden) return true;
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.opacity === '0') return true;
    }
    return getComputedStyle(el).visibility === 'hidden';
  };
  // The part of an element its scrolling or clipping ancestors show (a table scrolled sideways
  // inside its card is not cut off by the viewport).
  const visibleRect = (el) => {
    const b = el.getBoundingClientRect();
    let r = { left: b.left, top: b.top, right: b.right, bottom: b.bottom };
    for (let e = el.parentElement; e && e !== document.documentElement; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
        const c = e.getBoundingClientRect();
        if (cs.overflowX !== 'visible') { r.left = Math.max(r.left, c.left); r.right = Math.min(r.right, c.right); }
        if (cs.overflowY !== 'visible') { r.top = Math.max(r.top, c.top); r.bottom = Math.min(r.bottom, c.bottom); }
      }
    }
    return { rect: r, raw: b };
  };
  const items = [];
  for (const el of document.querySelectorAll(INTERACTIVE)) {
    if (el.classList.contains('slds-assistive-text') || hiddenByAncestor(el)) continue;
    const { rect, raw } = visibleRect(el);
    // Zero or screen-reader-only size, or scrolled out of its container: nothing on screen.
    if (raw.width < 2 || raw.height < 2 || rect.right - rect.left < 2 || rect.bottom - rect.top < 2) continue;
    items.push({ el, rect, layer: el.closest(LAYERS) });
  }
  const de = document.documentElement;
  if (de.scrollWidth > vw) problems.push({ kind: 'page-overflow', message: 'the page scrolls sideways: document scrollWidth ' + de.scrollWidth + ' > innerWidth ' + vw });
  for (const it of items) {
    if (it.rect.right > vw + 0.5) problems.push({ kind: 'cut-off', message: describe(it.el, round(it.rect)) + ' is cut off by the right edge (' + vw + ')' });
  }
  const overlapArea = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      // A label and its own control (SLDS puts a checkbox's faux box inside the label's box).
      if (a.el.tagName === 'LABEL' && a.el.control === b.el || b.el.tagName === 'LABEL' && b.el.control === a.el) continue;
      if (a.layer !== b.layer) {
        // Floating panels and modals cover the page on purpose; they must not cover each other.
        if (!a.layer || !b.layer) continue;
        if (a.layer.contains(b.layer) || b.layer.contains(a.layer)) continue;
      }
      // One pixel of shared border is not an overlap.
      if (overlapArea(a.rect, b.rect) <= 2) continue;
      const w = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const h = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (w <= 1 || h <= 1) continue;
      problems.push({ kind: 'overlap', message: describe(a.el, round(a.rect)) + ' overlaps ' + describe(b.el, round(b.rect)) });
    }
  }
  // A tab's label and its close button share one row, as in Lightning's workspace tabs.
  for (const tab of document.querySelectorAll('[role=tab]')) {
    if (hiddenByAncestor(tab)) continue;
    const t = tab.getBoundingClientRect();
    for (const other of tab.parentElement ? tab.parentElement.children : []) {
      if (other === tab || hiddenByAncestor(other)) continue;
      const o = other.getBoundingClientRect();
      if (o.width < 2 || o.height < 2) continue;
      if (Math.min(t.bottom, o.bottom) - Math.max(t.top, o.top) <= 1) {
        problems.push({ kind: 'wrapped-tab', message: describe(other, round(o)) + ' is not on the row of its tab ' + describe(tab, round(t)) });
      }
    }
  }
  for (const region of document.querySelectorAll(TEXT_REGIONS)) {
    if (hiddenByAncestor(region)) continue;
    for (const el of [region, ...region.querySelectorAll('*')]) {
      const cs = getComputedStyle(el);
      if (cs.overflowX === 'visible' || el.clientWidth === 0 || el.tagName === 'IFRAME') continue;
      if (el.scrollWidth <= el.clientWidth + 1) continue;
      if (cs.textOverflow === 'ellipsis' && el.getAttribute('title')) continue;
      problems.push({ kind: 'clipped-text', message: describe(el, round(el.getBoundingClientRect())) + ' clips its text: scrollWidth ' + el.scrollWidth + ' > clientWidth ' + el.clientWidth });
    }
  }
  return problems;
})()`;

/** Every layout problem of the page as it is now (the top document; frames count as one element). */
export async function checkLayout(page: Page): Promise<Problem[]> {
  return (await page.evaluate(IN_PAGE)) as Problem[];
}

/** The problems as one readable block for an assertion message. */
export function formatProblems(where: string, problems: readonly Problem[]): string {
  return `${where}: ${problems.length} layout problem(s)\n${problems.map((p) => `  ${p.kind}: ${p.message}`).join('\n')}`;
}
