/**
 * The global header's App Launcher (the waffle: a dialog listing the app and its items, filtered as
 * one types) and Setup menu (the gear), as Lightning lays them out. Both navigate in the workspace.
 * As in Lightning, the dialog and the menu exist only while open (nothing hidden stays in the page).
 */
import { h, icon } from './dom.ts';
import { popup } from './header-popup.ts';

export interface LauncherItem {
  readonly label: string;
  readonly path: string;
}

function itemLink(item: LauncherItem, close: () => void, navigate: (path: string) => void, attrs: Record<string, string> = {}): HTMLAnchorElement {
  return h(
    'a',
    {
      ...attrs,
      href: item.path,
      onclick: (e: Event) => {
        e.preventDefault();
        close();
        navigate(item.path);
      },
    },
    item.label,
  );
}

export function appLauncher(appName: string, items: readonly LauncherItem[], navigate: (path: string) => void): HTMLElement {
  const waffle = h(
    'span',
    { class: 'slds-icon-waffle', 'aria-hidden': 'true' },
    ...Array.from({ length: 9 }, (_, i) => h('span', { class: `slds-r${i + 1}` })),
  );
  const button = h(
    'button',
    {
      type: 'button',
      class: 'slds-button slds-button_icon console-launcher__button',
      'aria-label': 'App Launcher',
      title: 'App Launcher',
      'aria-haspopup': 'dialog',
      'aria-expanded': 'false',
    },
    waffle,
  );
  return popup(
    button,
    (close) => {
      const search = h('input', { type: 'search', class: 'slds-input', 'aria-label': 'Search apps and items', placeholder: 'Search apps and items...' });
      const rows = items.map((item) => h('li', { class: 'console-launcher__item' }, itemLink(item, close, navigate)));
      const none = h('p', { class: 'console-launcher__none', role: 'status' });
      search.addEventListener('input', () => {
        const term = search.value.trim().toLowerCase();
        const shown = items.filter((item, i) => {
          const match = !term || item.label.toLowerCase().includes(term);
          rows[i]!.hidden = !match;
          return match;
        });
        none.textContent = shown.length ? '' : `No items match "${search.value.trim()}"`;
      });
      const element = h(
        'section',
        { role: 'dialog', 'aria-label': 'App Launcher', class: 'slds-popover console-launcher' },
        h('h2', { class: 'slds-text-heading_small' }, 'App Launcher'),
        search,
        h('h3', { class: 'slds-text-title_caps' }, 'Apps'),
        h('ul', { 'aria-label': 'Apps' }, h('li', { class: 'console-launcher__item' }, h('span', { 'aria-current': 'true' }, appName))),
        h('h3', { class: 'slds-text-title_caps' }, 'Items'),
        h('ul', { 'aria-label': 'Items' }, rows),
        none,
      );
      return { element, focus: search };
    },
    'console-launcher__root',
  );
}

export function setupMenu(items: readonly LauncherItem[], navigate: (path: string) => void): HTMLElement {
  const button = h(
    'button',
    {
      type: 'button',
      class: 'slds-button slds-button_icon console-setup-menu__button',
      'aria-label': 'Setup',
      title: 'Setup',
      'aria-haspopup': 'menu',
      'aria-expanded': 'false',
    },
    icon('setup'),
  );
  return popup(
    button,
    (close) => {
      const links = items.map((item) => itemLink(item, close, navigate, { role: 'menuitem' }));
      const element = h(
        'ul',
        { role: 'menu', 'aria-label': 'Setup', class: 'slds-dropdown slds-dropdown_right console-setup-menu__list' },
        links.map((a) => h('li', { role: 'presentation', class: 'slds-dropdown__item' }, a)),
      );
      return { element, ...(links[0] ? { focus: links[0] } : {}) };
    },
    'slds-dropdown-trigger console-setup-menu',
  );
}
