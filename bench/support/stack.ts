/**
 * The whole product on loopback for benchmarks and soak tests: the embedded SIP server (or any
 * SIP-over-WebSocket URL, e.g. Kamailio), the console emulator with a throwaway org whose agents
 * each have their own call center carrying their SIP credentials (so the connector signs in by
 * itself), and Node sip.js callers (the sip-server's test phone) that stand for customers.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { startSipServer, type CallQueueOptions, type SipServer } from '../../src/node/sip-server/index.ts';
import { startConsole, type RunningConsole } from '../../src/node/console/index.ts';
import { TestPhone } from '../../src/node/sip-server/test-support/sip-phone.ts';

export const DOMAIN = 'switchboard.test';
/** Guest caller phones; their user parts are (fictional) phone numbers so the connector searches them. */
export const CALLERS = ['4155550134', ...Array.from({ length: 60 }, (_, i) => `2125550${String(200 + i)}`)];
/** Phones that agents dial: the connector dials E.164 (defaultCountry US). */
export const DIALLED = ['+14155550134', '+12125550203'];
export const agentUser = (i: number): string => String(2001 + i);
export const agentPassword = (user: string): string => `pw-${user}`;

export interface Stack {
  /** The embedded server (undefined with `sipUrl`); replaced by `startSip()` after `killSip()`. */
  readonly sip: SipServer | undefined;
  /** Stops the embedded server abruptly (every socket closes, every registration is lost). */
  killSip(): Promise<void>;
  /** Starts the embedded server again on the same port, with empty state. */
  startSip(): Promise<void>;
  readonly sipUrl: string;
  readonly console: RunningConsole;
  /** Console users (Ids) for agents 0..n-1, each with its own call center and SIP user 2001+i. */
  readonly agentIds: readonly string[];
  api<T = unknown>(method: string, path: string, body?: unknown, headers?: Readonly<Record<string, string>>): Promise<{ status: number; body: T }>;
  /** A Node sip.js phone registered as guest `callerN` (no password on the embedded server). */
  caller(name: string, password?: string): Promise<TestPhone>;
  /** Resolves when `user` has at least one registered contact on the embedded server (bounded). */
  registered(user: string, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  readonly agents?: number;
  /** Ring group number -> member indexes; default none. */
  readonly ringGroups?: Readonly<Record<string, readonly number[]>>;
  /** Ring groups (by number) whose calls queue on the embedded server when no member is free. */
  readonly queues?: Readonly<Record<string, CallQueueOptions>>;
  /** Use this SIP server instead of starting the embedded one. */
  readonly sipUrl?: string;
  readonly domain?: string;
  /** Extra `switchboard` section items for every agent's call center (e.g. wrap-up). */
  readonly items?: Readonly<Record<string, string>>;
  /** Salesforce-shaped HTTPS origins (the browser needs STRICT_CHROMIUM_ARGS); storage then works in the frame. */
  readonly strictOrigins?: boolean;
  /** More SIP users on the embedded server (e.g. the anchor softphone's). */
  readonly extraUsers?: readonly { readonly username: string; readonly password: string }[];
}

export function callCenterXml(name: string, sipUrl: string, domain: string, user: string, items: Readonly<Record<string, string>> = {}): string {
  const esc = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const all: Record<string, string> = { sipWebSocketUrl: sipUrl, sipDomain: domain, sipUsername: user, sipPassword: agentPassword(user), ...items };
  return `<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General Information">
    <item sortOrder="0" name="reqInternalName" label="Internal Name">${name}</item>
    <item sortOrder="1" name="reqDisplayName" label="Display Name">${name}</item>
    <item sortOrder="2" name="reqAdapterUrl" label="CTI Adapter URL">/softphone/</item>
    <item sortOrder="3" name="reqUseApi" label="Use CTI API">true</item>
    <item sortOrder="4" name="reqSoftphoneHeight" label="Softphone Height">560</item>
    <item sortOrder="5" name="reqSoftphoneWidth" label="Softphone Width">340</item>
    <item sortOrder="6" name="reqSalesforceCompatibilityMode" label="Salesforce Compatibility Mode">Lightning</item>
  </section>
  <section sortOrder="1" name="switchboard" label="Switchboard Connector">
${Object.entries(all)
  .map(([k, v], i) => `    <item sortOrder="${i}" name="${k}" label="${k}">${esc(v)}</item>`)
  .join('\n')}
  </section>
</callCenter>
`;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const n = options.agents ?? 1;
  const domain = options.domain ?? DOMAIN;
  const users = [
    ...Array.from({ length: n }, (_, i) => ({ username: agentUser(i), password: agentPassword(agentUser(i)), displayName: `Agent ${i + 1}` })),
    ...(options.extraUsers ?? []),
  ];
  const sipOptions = {
    host: '127.0.0.1',
    domain,
    users,
    guests: [...CALLERS, ...DIALLED],
    ringGroups: Object.fromEntries(Object.entries(options.ringGroups ?? {}).map(([k, v]) => [k, v.map(agentUser)])),
    ...(options.queues ? { queues: options.queues } : {}),
  };
  let sip = options.sipUrl ? undefined : await startSipServer({ ...sipOptions, port: 0 });
  const sipPort = sip?.port ?? 0;
  const sipUrl = options.sipUrl ?? sip!.url;
  const app = await startConsole({
    port: 0,
    vfPort: 0,
    dbFile: ':memory:',
    sipServer: sipUrl,
    sipDomain: domain,
    strictOrigins: options.strictOrigins ?? false,
  });
  const request = options.strictOrigins ? httpsRequest : httpRequest;
  const api = <T>(method: string, path: string, body?: unknown, extraHeaders: Readonly<Record<string, string>> = {}): Promise<{ status: number; body: T }> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: '127.0.0.1',
          port: app.port,
          method,
          path,
          rejectUnauthorized: false,
          headers: {
            authorization: `Bearer ${app.apiToken}`,
            ...extraHeaders,
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : null) as T });
            } catch {
              resolve({ status: res.statusCode ?? 0, body: text as T });
            }
          });
        },
      );
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.end(payload);
    });
  const phones: TestPhone[] = [];
  const agentIds: string[] = [];
  try {
    const session = await api<{ user: { Id: string } }>('GET', '/emulator/api/console/session');
    for (let i = 0; i < n; i++) {
      let userId = session.body.user.Id;
      if (i > 0) {
        const made = await api<{ id: string }>('POST', '/emulator/api/console/objects/User/records', {
          fields: {
            Username: `agent${i + 1}@switchboard.dev`,
            FirstName: 'Agent',
            LastName: String(i + 1),
            Alias: `ag${i + 1}`,
            Email: `agent${i + 1}@switchboard.dev`,
          },
        });
        if (made.status !== 201) throw new Error(`user create failed: ${JSON.stringify(made.body)}`);
        userId = made.body.id;
      }
      const name = `Bench${i + 1}`;
      const imported = await api<{ callCenter?: { Id: string } }>('POST', '/emulator/api/console/setup/call-centers/import', {
        text: callCenterXml(name, sipUrl, domain, agentUser(i), options.items),
        fileName: `${name}.xml`,
      });
      if (imported.status !== 201 || !imported.body.callCenter) throw new Error(`call center import failed: ${JSON.stringify(imported.body)}`);
      const assigned = await api('POST', '/emulator/api/console/setup/assign', { userId, callCenterId: imported.body.callCenter.Id });
      if (assigned.status !== 200) throw new Error(`assign failed: ${JSON.stringify(assigned.body)}`);
      agentIds.push(userId);
    }
  } catch (e) {
    await app.close();
    await sip?.close();
    throw e;
  }
  return {
    get sip() {
      return sip;
    },
    sipUrl,
    console: app,
    agentIds,
    api,
    async killSip() {
      if (!sip) throw new Error('killSip() needs the embedded server');
      await sip.close();
      sip = undefined;
    },
    async startSip() {
      if (sip) throw new Error('the embedded server is running');
      sip = await startSipServer({ ...sipOptions, port: sipPort });
    },
    async caller(name, password) {
      const phone = await TestPhone.start({ url: sipUrl, domain, user: name, ...(password ? { password } : {}) });
      phones.push(phone);
      return phone;
    },
    async registered(user, ms = 15_000) {
      if (!sip) throw new Error('registered() watches the embedded server only');
      const end = Date.now() + ms;
      while (sip.registrations(user).length === 0) {
        if (Date.now() > end) throw new Error(`${user} did not register within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await Promise.all(phones.map((p) => p.stop()));
      await app.close();
      await sip?.close();
    },
  };
}
