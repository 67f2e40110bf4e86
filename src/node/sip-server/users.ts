/**
 * The users file of the embedded SIP server: who may register and with what password.
 *
 * Format (JSON): `{ "users": [{ "username": "1001", "password": "secret", "displayName": "Ann Agent" }] }`.
 * The same structure is accepted in memory. Validation errors say which entry and which field.
 */
import { readFile } from 'node:fs/promises';

export interface SipUser {
  readonly username: string;
  readonly password: string;
  readonly displayName?: string;
}

export interface UsersDocument {
  readonly users: readonly SipUser[];
}

const USERNAME = /^[A-Za-z0-9._~!$&'()*+,;=-]+$/;

/** Checks a parsed users document; throws an Error naming `where` and the bad entry. */
export function parseUsers(value: unknown, where = 'users'): SipUser[] {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { users?: unknown }).users)) {
    throw new Error(`${where}: expected an object { "users": [ ... ] }`);
  }
  const list = (value as { users: unknown[] }).users;
  const seen = new Set<string>();
  return list.map((entry, i) => {
    const at = `${where}: users[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new Error(`${at} must be an object`);
    const { username, password, displayName } = entry as Record<string, unknown>;
    if (typeof username !== 'string' || !USERNAME.test(username)) {
      throw new Error(`${at}.username must be a non-empty SIP user part (got ${JSON.stringify(username)})`);
    }
    if (typeof password !== 'string' || password.length === 0) throw new Error(`${at}.password must be a non-empty string`);
    if (displayName !== undefined && typeof displayName !== 'string') throw new Error(`${at}.displayName must be a string`);
    if (seen.has(username)) throw new Error(`${at}.username "${username}" appears twice`);
    seen.add(username);
    return displayName === undefined ? { username, password } : { username, password, displayName };
  });
}

/** Reads and checks a users file. */
export async function loadUsersFile(path: string): Promise<SipUser[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read the users file (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseUsers(json, path);
}
