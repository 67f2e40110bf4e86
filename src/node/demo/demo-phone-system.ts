/**
 * The demo phone system that `npm start` and the end-to-end tests run: who can register on the
 * embedded SIP server, and the support number customers call. One definition, so the SIP server's
 * users, the demo call center's settings and the tests can never disagree.
 */
import { randomBytes } from 'node:crypto';

export interface DemoSipUser {
  readonly username: string;
  readonly password: string;
  readonly displayName: string;
}

export const DEMO_SIP_DOMAIN = 'localhost';

/** Agents. The first is the console's demo agent (the demo call center signs it in). */
export const DEMO_AGENTS: readonly DemoSipUser[] = [
  { username: '1001', password: 'switchboard-1001', displayName: 'Ada Agent' },
  { username: '1002', password: 'switchboard-1002', displayName: 'Bob Backup' },
  { username: '1003', password: 'switchboard-1003', displayName: 'Cara Cover' },
];

/**
 * Customer phones register as guests (no password): they stand for the outside world, so their
 * user names are phone numbers (E.164) that the screen pop can find in the demo data.
 */
export const DEMO_CUSTOMERS: readonly string[] = [
  '+14155550134', // Maria Lopez: one match
  '+14155550100', // Acme's main line: several matches
  '+442079460958', // Alan Turing, stored in international form
  '+16505550123', // nobody: the new-record form
];

/** The support line: a ring group that rings every available agent. */
export const DEMO_SUPPORT_NUMBER = '5000';
export const DEMO_RING_GROUPS: Readonly<Record<string, readonly string[]>> = {
  [DEMO_SUPPORT_NUMBER]: DEMO_AGENTS.map((a) => a.username),
};

/**
 * The `switchboard` section items of the demo call center, for a given SIP server, in one of the
 * demo's two ways of signing agents in:
 * - ephemeral (what `npm start` runs, because it shares a secret with the SIP server): no password
 *   in the call center; each Salesforce user's console mints short-lived credentials for their own
 *   extension through `SwitchboardCredentials.mint`;
 * - static (an emulator started without a SIP secret): the call center carries one agent's
 *   `sipUsername`/`sipPassword`, marked `demoCallCenter`, so every console signs in as that agent.
 */
export function demoConnectorItems(sipWebSocketUrl: string, options: { readonly ephemeral: boolean; readonly agent?: DemoSipUser }): Record<string, string> {
  const { ephemeral, agent = DEMO_AGENTS[0]! } = options;
  if (ephemeral) {
    // One call center for every agent: the directory lists all of them (each console skips its own).
    return {
      sipWebSocketUrl,
      sipDomain: DEMO_SIP_DOMAIN,
      credentialScheme: 'ephemeral',
      directory: DEMO_AGENTS.map((a) => `${a.username}:${a.displayName}`).join(';'),
    };
  }
  return {
    sipWebSocketUrl,
    sipDomain: DEMO_SIP_DOMAIN,
    sipUsername: agent.username,
    sipPassword: agent.password,
    demoCallCenter: 'true',
    directory: DEMO_AGENTS.filter((a) => a.username !== agent.username)
      .map((a) => `${a.username}:${a.displayName}`)
      .join(';'),
  };
}

/** A fresh secret for one run of the demo, shared by the SIP server and the emulator's mint. */
export function demoSipSecret(): string {
  return randomBytes(32).toString('base64url');
}
