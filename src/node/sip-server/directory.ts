/**
 * What the embedded SIP server answers for: its domain and the host names that mean "here", its
 * users (with their passwords), its guests and its ring groups. An address of record is
 * `sip:<user>@<domain>`, whatever host a request wrote.
 */
import type { SipUser } from './users.ts';

export interface DirectoryOptions {
  readonly domain: string;
  /** Host names (besides the domain) that address this server: its bind address, aliases. */
  readonly hosts: readonly string[];
  readonly users: readonly SipUser[];
  readonly guests: readonly string[];
  /** Group name → its members (`1001` or `sip:1001@…`). */
  readonly ringGroups: Readonly<Record<string, readonly string[]>>;
  /** Short-lived credentials are on: any user name may sign in. */
  readonly anyUser: boolean;
}

export class Directory {
  readonly domain: string;
  private readonly localHosts = new Set<string>();
  private readonly users = new Map<string, SipUser>();
  private readonly guests: ReadonlySet<string>;
  private readonly groups = new Map<string, readonly string[]>();
  private readonly anyUser: boolean;

  constructor(options: DirectoryOptions) {
    this.domain = options.domain.toLowerCase();
    for (const h of [this.domain, ...options.hosts]) this.addLocalHost(h);
    this.setUsers(options.users);
    this.guests = new Set(options.guests);
    this.anyUser = options.anyUser;
    for (const [group, members] of Object.entries(options.ringGroups)) {
      this.groups.set(
        group,
        members.map((m) => this.aorOf(m)),
      );
    }
  }

  /** `1001` or `sip:1001@anything` -> `sip:1001@<domain>`. */
  aorOf(user: string): string {
    const name = user.replace(/^sips?:/i, '').split('@')[0];
    return `sip:${name}@${this.domain}`;
  }

  isLocalHost(host: string | undefined): boolean {
    if (!host) return false;
    return this.localHosts.has(host.toLowerCase().replace(/^\[|\]$/g, ''));
  }

  addLocalHost(host: string): void {
    this.localHosts.add(host.toLowerCase());
  }

  setUsers(users: readonly SipUser[]): void {
    this.users.clear();
    for (const u of users) this.users.set(u.username, u);
  }

  /** The password of a listed user (short-lived credentials are checked elsewhere). */
  passwordOf(username: string): string | undefined {
    return this.users.get(username)?.password;
  }

  isGuest(user: string): boolean {
    return this.guests.has(user);
  }

  /** Under short-lived credentials there is no user list: anyone may be signed in. */
  isKnownUser(user: string): boolean {
    return this.users.has(user) || this.guests.has(user) || this.groups.has(user) || (this.anyUser && user !== '');
  }

  /** The members' addresses of record of ring group `name`, or undefined when there is no such group. */
  ringGroup(name: string): readonly string[] | undefined {
    return this.groups.get(name);
  }

  get ringGroupNames(): string[] {
    return [...this.groups.keys()];
  }
}
