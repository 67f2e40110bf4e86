/**
 * The emulator's sessions, like an org's `sid`: a random token bound to a user. The console page
 * gets one in an HttpOnly, SameSite=Strict cookie when it loads (or signs in at /login); API
 * clients send one as `Authorization: Bearer <token>` (the emulator creates `apiToken` at start).
 * State-changing requests need one (see request-guard.ts), which is what stops other web pages
 * from forging them: a cross-site request carries no SameSite=Strict cookie and cannot add an
 * Authorization header without a CORS preflight the emulator never grants.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface Session {
  readonly token: string;
  /** The signed-in user's Id. */
  userId: string;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  /**
   * @param port the Lightning listener's port (known once it listens), part of the cookie's name:
   *   cookies are scoped to a host, not a port, so two emulators on 127.0.0.1 would otherwise
   *   overwrite each other's session.
   * @param secure cookies for HTTPS origins carry `Secure`.
   */
  constructor(
    private readonly port: () => number,
    private readonly secure: boolean,
  ) {}

  get cookieName(): string {
    return `sid_${this.port()}`;
  }

  /** A new session for `userId`; `token` fixes the token (an API token chosen by the caller). */
  create(userId: string, token: string = newToken()): Session {
    if (!/^[\w.!~-]{16,200}$/.test(token)) throw new Error('a session token must be 16-200 characters of letters, digits and . ! ~ - _');
    const session = { token, userId };
    this.sessions.set(token, session);
    return session;
  }

  /** Ends a session (OAuth revocation); false when there was none with this token. */
  revoke(token: string): boolean {
    return this.sessions.delete(token);
  }

  get(token: string | undefined): Session | undefined {
    return token ? this.sessions.get(token) : undefined;
  }

  /** The request's session: its cookie, else its `Authorization: Bearer|OAuth <token>`. */
  fromRequest(req: IncomingMessage): Session | undefined {
    return this.get(cookie(req, this.cookieName)) ?? this.get(bearer(req));
  }

  /** The session the request's cookie names (not its bearer token). */
  fromCookie(req: IncomingMessage): Session | undefined {
    return this.get(cookie(req, this.cookieName));
  }

  /** `Set-Cookie` value for a session: HttpOnly, SameSite=Strict, the whole origin. */
  setCookie(session: Session): string {
    return `${this.cookieName}=${session.token}; Path=/; HttpOnly; SameSite=Strict${this.secure ? '; Secure' : ''}`;
  }
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function bearer(req: IncomingMessage): string | undefined {
  const m = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
