/** The two phone systems the suite runs against: the embedded server (src/node/sip-server) and Kamailio. */
import { startSipServer, type SipServer } from '../../src/node/sip-server/index.ts';
import { startKamailio } from '../support/kamailio.ts';
import type { PhoneServer } from './agents.ts';

export const SUITE_USERS = ['1001', '1002', '1003', '1004', '1005'] as const;
const PASSWORD = 'secret';

export async function embeddedPhoneServer(): Promise<PhoneServer & { server: () => SipServer }> {
  const options = {
    host: '127.0.0.1',
    domain: '127.0.0.1',
    users: SUITE_USERS.map((username) => ({ username, password: PASSWORD })),
  };
  let server = await startSipServer({ ...options, port: 0 });
  const port = server.port;
  return {
    name: 'embedded',
    wsUrl: server.url,
    domain: server.domain,
    passwordOf: () => PASSWORD,
    server: () => server,
    presenceOf: (user) => server.presenceOf(user)?.basic,
    restart: async () => {
      await server.close();
      server = await startSipServer({ ...options, port });
    },
    stop: () => server.close(),
  };
}

export async function kamailioPhoneServer(): Promise<PhoneServer> {
  const k = await startKamailio({ auth: true, blf: true, password: PASSWORD });
  return {
    name: 'kamailio',
    wsUrl: k.wsUrl,
    domain: k.domain,
    passwordOf: () => PASSWORD,
    restart: () => k.restart(),
    stop: () => k.stop(),
  };
}
