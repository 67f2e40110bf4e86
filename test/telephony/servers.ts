/** The two phone systems the suite runs against: the embedded server (src/node/sip-server) and Kamailio. */
import { createHash, X509Certificate } from 'node:crypto';
import { startSipServer, type SipServer } from '../../src/node/sip-server/index.ts';
import { devCertificate } from '../../src/node/console/server/dev-certificate.ts';
import { startKamailio } from '../support/kamailio.ts';
import type { PhoneServer } from './agents.ts';

export const SUITE_USERS = ['1001', '1002', '1003', '1004', '1005'] as const;
const PASSWORD = 'secret';

export async function embeddedPhoneServer(): Promise<PhoneServer & { server: () => SipServer }> {
  return embedded(undefined);
}

/**
 * The embedded server over secure WebSocket with a throwaway self-signed certificate. Chromium
 * trusts exactly that key (by its SPKI hash), not every certificate.
 */
export async function embeddedWssPhoneServer(): Promise<PhoneServer & { server: () => SipServer }> {
  const tls = devCertificate();
  const spki = createHash('sha256')
    .update(new X509Certificate(tls.cert).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  return { ...(await embedded(tls)), name: 'embedded-wss', chromiumArgs: [`--ignore-certificate-errors-spki-list=${spki}`] };
}

async function embedded(tls: { key: string; cert: string } | undefined): Promise<PhoneServer & { server: () => SipServer }> {
  const options = {
    host: '127.0.0.1',
    domain: '127.0.0.1',
    users: SUITE_USERS.map((username) => ({ username, password: PASSWORD })),
    ...(tls ? { tls } : {}),
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
