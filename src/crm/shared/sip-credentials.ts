/**
 * Short-lived SIP credentials minted by Salesforce, read at the edge.
 *
 * ## The `SwitchboardCredentials.mint` Apex contract
 *
 *     runApex({ apexClass: 'SwitchboardCredentials', methodName: 'mint', methodParams: '' })
 *     (Classic: sforce.interaction.runApex('SwitchboardCredentials', 'mint', '', callback))
 *
 * returns, for the running user, a JSON string
 *
 *     {"username":"1733403600:1001","password":"<base64>","extension":"1001","expiresAt":1733403600,"ttlSeconds":3600}
 *
 * in the scheme of Kamailio's auth_ephemeral (`username_format=1`): `expiresAt` is Unix time in
 * **seconds** and is the prefix of `username`; the password is base64(HMAC-SHA1(shared secret,
 * username)). The secret (Custom Metadata `SwitchboardPhoneSecret__mdt.Default`) and the user's
 * extension (`User.SwitchboardExtension__c`) stay in Salesforce. The method throws, with a message
 * saying why, when the user has no extension or the secret is not configured; that message reaches
 * the agent as SB30005.
 *
 * Nothing here logs or echoes the answer: it carries a password.
 */
import { SwitchboardError, type MintedSipCredentials } from '../../core/index.ts';
import { asRecord } from './records.ts';
import { SalesforceApiError } from './salesforce-error.ts';
import type { SalesforceSurface } from './salesforce-surface.ts';

export const CREDENTIALS_APEX_CLASS = 'SwitchboardCredentials';
export const CREDENTIALS_APEX_METHOD = 'mint';
const WHAT = `${CREDENTIALS_APEX_CLASS}.${CREDENTIALS_APEX_METHOD}`;

function malformed(why: string): SwitchboardError {
  return new SwitchboardError('SB30005', `${WHAT} answered something that is not a credential: ${why}.`);
}

/**
 * Validates the Apex answer (a JSON string, or already parsed by the surface) and converts it to
 * the core's units (`expiresAt` in epoch milliseconds). Throws SB30005 saying which field is wrong.
 */
export function readMintedCredentials(value: unknown): MintedSipCredentials {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      throw malformed('not JSON');
    }
  }
  const o = asRecord(parsed);
  if (!o)
    throw malformed(
      parsed === null || parsed === undefined || parsed === '' ? 'nothing' : `a ${Array.isArray(parsed) ? 'list' : typeof parsed}, not an object`,
    );
  // An Apex method that reports failure as a value instead of throwing.
  if (typeof o.error === 'string' && o.username === undefined) throw new SwitchboardError('SB30005', `${WHAT}: ${o.error}`);
  const { username, password, extension, expiresAt, ttlSeconds } = o;
  if (typeof extension !== 'string' || !/^[^\s:@]+$/.test(extension))
    throw malformed('"extension" must be the user part of a SIP address (no spaces, ":" or "@")');
  if (typeof username !== 'string') throw malformed('"username" is missing');
  const m = /^(\d{1,12}):(.+)$/.exec(username);
  if (!m) throw malformed('"username" must be "<expiry seconds>:<extension>"');
  if (m[2] !== extension) throw malformed(`"username" names extension ${m[2]}, "extension" is ${extension}`);
  if (typeof password !== 'string' || password === '') throw malformed('"password" is missing');
  if (typeof expiresAt !== 'number' || !Number.isInteger(expiresAt) || expiresAt <= 0) throw malformed('"expiresAt" must be Unix time in whole seconds');
  if (String(expiresAt) !== m[1]) throw malformed(`"expiresAt" (${expiresAt}) differs from the expiry in "username" (${m[1]})`);
  if (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw malformed('"ttlSeconds" must be a positive whole number');
  return { username, password, extension, expiresAt: expiresAt * 1000, ttlSeconds };
}

/** Mints through the surface's runApex; Salesforce's refusals become SB30005 with its message. */
export async function mintThroughApex(surface: Pick<SalesforceSurface, 'runApex'>): Promise<MintedSipCredentials> {
  let answer: unknown;
  try {
    answer = await surface.runApex(CREDENTIALS_APEX_CLASS, CREDENTIALS_APEX_METHOD, '');
  } catch (error) {
    throw new SwitchboardError('SB30005', `${WHAT} failed: ${apexFailure(error)}`, error);
  }
  return readMintedCredentials(answer);
}

function apexFailure(error: unknown): string {
  if (error instanceof SalesforceApiError) {
    const text = error.errors
      .map((e) => e.description)
      .filter((d) => d !== '')
      .join('; ');
    if (/Could not load Apex class|No such Apex class|does not exist/i.test(text))
      return `the Apex class ${CREDENTIALS_APEX_CLASS} is not deployed in this org (${text})`;
    if (error.kind === 'timeout') return 'Salesforce did not answer in time';
    return text || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
