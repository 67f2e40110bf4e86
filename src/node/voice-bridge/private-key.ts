/**
 * The bridge's signing key: an RSA private key (2048 bits or more, as Salesforce recommends for
 * the Telephony Integration REST API), read as PEM from a file or from an environment variable.
 * Every failure names where the key came from, so an operator knows which file or variable to fix.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The environment variable that may carry the PEM instead of a file (`--key`). */
export const KEY_ENV = 'SWITCHBOARD_VOICE_KEY';

export const MIN_RSA_BITS = 2048;

export interface KeySource {
  /** A PEM file path (`--key FILE`). */
  readonly file?: string;
  /** The environment to read `SWITCHBOARD_VOICE_KEY` from when no file is given. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export class KeyError extends Error {
  override readonly name = 'KeyError';
}

/** Loads and checks the private key; throws KeyError naming the file or variable. */
export function loadPrivateKey(source: KeySource): KeyObject {
  if (source.file !== undefined) {
    let pem: string;
    try {
      pem = readFileSync(source.file, 'utf8');
    } catch (e) {
      throw new KeyError(`cannot read the private key file ${source.file}: ${(e as Error).message}`);
    }
    return parsePrivateKey(pem, `the file ${source.file}`);
  }
  const pem = source.env?.[KEY_ENV];
  if (pem === undefined || pem.trim() === '') {
    throw new KeyError(`no private key: pass --key FILE or set ${KEY_ENV} to the PEM text (make one with: switchboard voice-bridge keygen --out DIR)`);
  }
  return parsePrivateKey(pem, `the environment variable ${KEY_ENV}`);
}

/** Parses a PEM private key and checks it is RSA of at least MIN_RSA_BITS bits. */
export function parsePrivateKey(pem: string, where: string): KeyObject {
  if (!/-----BEGIN (?:RSA |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    const what = /-----BEGIN CERTIFICATE-----/.test(pem)
      ? 'a certificate'
      : /-----BEGIN (?:RSA )?PUBLIC KEY-----/.test(pem)
        ? 'a public key'
        : 'no PEM private key';
    throw new KeyError(`${where} holds ${what}, not a private key (expected "-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----")`);
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem)) {
    throw new KeyError(
      `${where} holds an encrypted private key; the bridge needs it unencrypted (openssl pkey -in key.pem -out plain.pem), kept readable by its user only`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw new KeyError(`${where} is not a readable PEM private key: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KeyError(
      `${where} holds a ${key.asymmetricKeyType ?? 'non-RSA'} key; the Telephony Integration REST API signs with RS256, which needs an RSA key`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new KeyError(`${where} holds a ${bits}-bit RSA key; use ${MIN_RSA_BITS} bits or more`);
  return key;
}
