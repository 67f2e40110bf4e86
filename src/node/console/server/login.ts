/**
 * Signing in to the emulated org, as `login.salesforce.com` would: `GET /login` is a login form
 * (a username; the emulator asks for no password) plus the org's users for convenience,
 * `POST /login` (a form or JSON `{username}`) starts a session for that user in the session cookie
 * and sends the browser to the console (`startURL`, default the Lightning console). Console pages
 * also start a session when they load (`sessionForPage`): `?user=<Id or Username>` signs in as that
 * user, otherwise the page keeps the cookie's user, or the demo agent when there is none.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readBody, sendJson, sendText } from './http-util.ts';
import type { ConsoleData, UserView } from './console-data.ts';
import type { SessionStore } from './sessions.ts';
import { LOGIN_PATH } from './request-guard.ts';

const DEFAULT_START = '/lightning/page/home';

export interface LoginOptions {
  readonly data: ConsoleData;
  readonly sessions: SessionStore;
}

/** The `Set-Cookie` header a console page load needs, or none when the cookie already fits. */
export function sessionForPage(req: IncomingMessage, url: URL, options: LoginOptions): Record<string, string> {
  const { data, sessions } = options;
  const current = sessions.fromCookie(req);
  const wanted = url.searchParams.get('user');
  const user = wanted ? data.user(wanted) : undefined;
  if (current && (!user || user.Id === current.userId)) return {};
  return { 'set-cookie': sessions.setCookie(sessions.create((user ?? data.defaultUser()).Id)) };
}

/** Answers `/login`; false for any other path. */
export async function handleLogin(req: IncomingMessage, res: ServerResponse, url: URL, options: LoginOptions): Promise<boolean> {
  if (url.pathname !== LOGIN_PATH) return false;
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') {
    sendText(res, 200, loginPage(options.data.users(), startUrl(url.searchParams.get('startURL')), url.searchParams.get('error')), 'text/html; charset=utf-8');
    return true;
  }
  if (method !== 'POST') throw new HttpError(405, `${method} ${LOGIN_PATH} is not supported; use GET or POST`);
  const json = /^application\/json/i.test(req.headers['content-type'] ?? '');
  const text = await readBody(req);
  let fields: Record<string, unknown>;
  if (json) {
    try {
      fields = JSON.parse(text || '{}') as Record<string, unknown>;
    } catch (e) {
      throw new HttpError(400, `login body is not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else {
    fields = Object.fromEntries(new URLSearchParams(text));
  }
  const username = typeof fields?.username === 'string' ? fields.username.trim() : '';
  const start = startUrl(typeof fields?.startURL === 'string' ? fields.startURL : null);
  const user = username ? options.data.user(username) : undefined;
  if (!user) {
    const problem = username ? `There is no user '${username}' in this org.` : 'Enter a username.';
    if (json) sendJson(res, 400, { error: problem });
    else {
      res.writeHead(303, { location: `${LOGIN_PATH}?error=${encodeURIComponent(problem)}&startURL=${encodeURIComponent(start)}` });
      res.end();
    }
    return true;
  }
  const cookie = options.sessions.setCookie(options.sessions.create(user.Id));
  if (json) {
    res.setHeader('set-cookie', cookie);
    sendJson(res, 200, { userId: user.Id, username: user.Username, startURL: start });
  } else {
    res.writeHead(303, { location: start, 'set-cookie': cookie, 'cache-control': 'no-store' });
    res.end();
  }
  return true;
}

/**
 * Only the emulator's own console pages, or its OAuth authorize endpoint (a web server flow that
 * found no session comes back there): never an absolute or protocol-relative URL (open redirect).
 */
function startUrl(value: string | null): string {
  if (value && /^\/(lightning\/|console\/classic|services\/oauth2\/authorize\?)/.test(value) && !value.startsWith('//')) return value;
  return DEFAULT_START;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(users: readonly UserView[], start: string, error: string | null): string {
  const rows = users
    .map(
      (u) => `
      <li class="slds-item">
        <form method="post" action="${LOGIN_PATH}">
          <input type="hidden" name="username" value="${escapeHtml(u.Username)}">
          <input type="hidden" name="startURL" value="${escapeHtml(start)}">
          <button type="submit" class="slds-button slds-button_neutral">Log in as ${escapeHtml(u.Name)}</button>
          <span>${escapeHtml(u.Username)}${u.SwitchboardExtension__c ? `, extension ${escapeHtml(u.SwitchboardExtension__c)}` : ''}</span>
        </form>
      </li>`,
    )
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Login | Switchboard console emulator</title>
  <link rel="stylesheet" href="/assets/slds/styles/salesforce-lightning-design-system.min.css">
</head>
<body class="slds-scope">
  <main class="slds-p-around_large" style="max-width: 40rem">
    <h1 class="slds-text-heading_large">Log in to the Switchboard demo org</h1>
    ${error ? `<div role="alert" class="slds-text-color_error slds-m-vertical_small">${escapeHtml(error)}</div>` : ''}
    <form method="post" action="${LOGIN_PATH}" class="slds-m-vertical_medium">
      <div class="slds-form-element">
        <label class="slds-form-element__label" for="username">Username</label>
        <input id="username" name="username" type="email" class="slds-input" autocomplete="username" required>
      </div>
      <input type="hidden" name="startURL" value="${escapeHtml(start)}">
      <button type="submit" class="slds-button slds-button_brand slds-m-top_small">Log In</button>
    </form>
    <h2 class="slds-text-heading_medium">Demo users</h2>
    <p>The emulator asks for no password: pick a user to open the console as them.</p>
    <ul aria-label="Demo users" class="slds-has-dividers_bottom-space">${rows}
    </ul>
  </main>
</body>
</html>
`;
}
