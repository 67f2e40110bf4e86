/** A server plus registered sip.js phones, torn down together. */
import { startSipServer } from '../server.ts';
import type { SipServer, SipServerOptions } from '../types.ts';
import { TestPhone } from './sip-phone.ts';

export const DOMAIN = 'switchboard.test';
export const PASSWORD = 'pw-';

/** Users 1001..1009 with password `pw-<user>`, plus guest `raw` for hand-written messages. */
export const TEST_USERS = Array.from({ length: 9 }, (_, i) => {
  const username = String(1001 + i);
  return { username, password: `${PASSWORD}${username}`, displayName: `Agent ${username}` };
});

export interface Fixture {
  readonly server: SipServer;
  phone(user: string, options?: { password?: string; authorizationUsername?: string; expires?: number; register?: boolean }): Promise<TestPhone>;
  close(): Promise<void>;
}

export async function fixture(options: SipServerOptions = {}): Promise<Fixture> {
  const server = await startSipServer({ domain: DOMAIN, users: TEST_USERS, guests: ['raw', 'guest'], ...options });
  const phones: TestPhone[] = [];
  return {
    server,
    async phone(user, o = {}) {
      const phone = await TestPhone.start({
        url: server.url,
        domain: DOMAIN,
        user,
        password: o.password ?? `${PASSWORD}${user}`,
        expires: o.expires,
        authorizationUsername: o.authorizationUsername,
      });
      phones.push(phone);
      if (o.register !== false) {
        const result = await phone.register();
        if (result !== 'registered') throw new Error(`${user} failed to register: ${result}`);
      }
      return phone;
    },
    async close() {
      await Promise.all(phones.map((p) => p.stop()));
      await server.close();
    },
  };
}
