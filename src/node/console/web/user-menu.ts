/**
 * The global header's user menu: who is signed in (and their extension), and a way to sign in as
 * another of the org's agents, as Salesforce's "Log in as" does for an admin. Choosing a user
 * starts a session for them (`POST /login`, which sets the session cookie) and reloads the console
 * without `?user=`, so every call it makes is that user's.
 */
import { h } from './dom.ts';
import { popup } from './header-popup.ts';
import type { Session, UserView } from './api-client.ts';

export function userMenu(session: Session, startPath: string): HTMLElement {
  const others = session.users.filter((u) => u.Id !== session.user.Id && u.CallCenterId);
  const status = h('span', { role: 'status', class: 'console-user-menu__status' });
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'slds-button console-user',
      'aria-label': 'Signed-in user',
      'aria-haspopup': 'menu',
      'aria-expanded': 'false',
      title: session.user.Username,
    },
    session.user.Name,
    session.user.SwitchboardExtension__c ? ` (${session.user.SwitchboardExtension__c})` : '',
  );
  const menu = popup(
    toggle,
    (close) => {
      const items = [
        ...others.map((u) =>
          h(
            'button',
            {
              type: 'button',
              role: 'menuitem',
              class: 'slds-button',
              onclick: () => {
                close();
                void switchTo(u);
              },
            },
            `Log in as ${label(u)}`,
          ),
        ),
        h('a', { role: 'menuitem', href: `/login?startURL=${encodeURIComponent(startPath)}` }, 'Log out'),
      ];
      const element = h(
        'ul',
        { role: 'menu', class: 'slds-dropdown slds-dropdown_right console-user-menu__list', 'aria-label': 'Log in as another user' },
        items.map((item) => h('li', { role: 'presentation', class: 'slds-dropdown__item' }, item)),
      );
      return { element, focus: items[0] };
    },
    'slds-dropdown-trigger slds-is-open console-user-menu',
  );
  menu.append(status);

  async function switchTo(user: UserView): Promise<void> {
    status.textContent = `Logging in as ${user.Name}…`;
    const res = await fetch('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.Username, startURL: startPath }),
    }).catch((e: unknown) => ({ ok: false, statusText: e instanceof Error ? e.message : String(e) }) as const);
    if (!res.ok) {
      status.textContent = `Could not log in as ${user.Name}: ${res.statusText}`;
      return;
    }
    location.assign(startPath);
  }

  return menu;
}

function label(u: UserView): string {
  return u.SwitchboardExtension__c ? `${u.Name} (${u.SwitchboardExtension__c})` : u.Name;
}
