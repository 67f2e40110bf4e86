/** Shared fixtures of the crm tests: settings, a standard org, URLs. */
import { parseConnectorSettings, type ConnectorSettings, type Logger } from '../../core/index.ts';
import { DEFAULT_CALL_CENTER_SETTINGS, FakeOrg, type FakeRecord } from '../fake/fake-org.ts';
import type { OriginTrust } from '../shared/trusted-origins.ts';

export const SF_ORIGIN = 'https://acme.my.salesforce.com';
export const LIGHTNING_SEARCH = `?sfdcIframeOrigin=${encodeURIComponent(SF_ORIGIN)}&mode=Lightning`;
/** A softphone framed by SF_ORIGIN, with no extra trusted origin: what Salesforce gives. */
export const SF_TRUST: OriginTrust = { trustedOrigins: [], ancestry: { framed: true, parentOrigin: SF_ORIGIN } };
export const CLASSIC_SEARCH = `?sfdcIFrameOrigin=${encodeURIComponent(SF_ORIGIN)}&sfdcIFrameHost=web&nonce=abc&isdtp=vw`;

export function testSettings(extra: Readonly<Record<string, string>> = {}): ConnectorSettings {
  const result = parseConnectorSettings({ ...DEFAULT_CALL_CENTER_SETTINGS, ...extra });
  if (!result.ok) throw new Error(`bad test settings: ${result.problems.map((p) => p.message).join('; ')}`);
  return result.settings;
}

export const RECORDS: readonly FakeRecord[] = [
  { id: '003000000000000001', objectType: 'Contact', name: 'Ada Lovelace', phones: ['+1 (415) 555-0134'] },
  { id: '001000000000000001', objectType: 'Account', name: 'Analytical Engines', phones: ['(415) 555-0199'], fields: { AccountNumber: 'ACC-7731' } },
  { id: '003000000000000002', objectType: 'Contact', name: 'Charles Babbage', phones: ['4155550177'] },
  { id: '00Q000000000000001', objectType: 'Lead', name: 'Grace Hopper', phones: ['+14155550177'] },
  { id: '500000000000000001', objectType: 'Case', name: 'Engine jammed', fields: { CaseNumber: '00001042', Subject: 'Engine jammed' } },
];

export function standardOrg(): FakeOrg {
  return new FakeOrg({ records: RECORDS });
}

/** A Logger that keeps what it is told, for assertions. */
export class MemoryLogger implements Logger {
  readonly lines: { level: string; message: string; data?: Readonly<Record<string, unknown>> }[] = [];
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Readonly<Record<string, unknown>>): void {
    this.lines.push({ level, message, ...(data ? { data } : {}) });
  }
}
