/**
 * The Telephony Integration Certificate of a Salesforce Voice contact center
 * (`reqHvcc/reqTelephonyIntegrationCertificate`): the X.509 certificate whose private key signs the
 * RS256 JWTs of the Telephony Integration REST API. Salesforce verifies those JWTs with it, so it
 * must be a parsable certificate of an RSA key, valid now; and the text that holds it must never
 * hold the private key, which would then be readable by every admin of the org and every agent of
 * the contact center (the connector gets the whole call center in connectorConfig).
 *
 * Pure: the linter also runs in the browser (the package's Switchboard Setup page bundles it), so
 * the default parser reads the DER itself (just the validity and the key's algorithm); the config
 * loader passes node's X509Certificate instead (voice-certificate.ts).
 */

/** Warn this long before the certificate expires: time to make a new key pair and re-import. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What the checks need from a parsed certificate. */
export interface CertificateFacts {
  readonly notAfter: Date;
  /** 'rsa', 'ec', 'ed25519'…, as node's KeyObject.asymmetricKeyType names them. */
  readonly keyType: string | undefined;
}

/** Parses a DER certificate; throws when it is not one. */
export type CertificateParser = (der: Uint8Array) => CertificateFacts;

export type CertificateVerdict =
  | { readonly ok: true; readonly pem: string; readonly notAfter: Date; readonly daysLeft: number }
  | { readonly ok: false; readonly kind: 'empty' | 'private-key' | 'invalid' | 'not-rsa' | 'expired'; readonly message: string };

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/;
/** A body pasted without its markers: base64 broken into lines, no other blanks. */
const BARE_BASE64 = /^[A-Za-z0-9+/=\r\n]+$/;

/** Whether the text holds a private key in any PEM form (PKCS#8, RSA, EC, encrypted, OpenSSH). */
export function containsPrivateKey(text: string): boolean {
  return /PRIVATE KEY/.test(text);
}

/**
 * How to make the voice bridge's key pair and the contact center's certificate: the bridge's own
 * keygen when the file has the name it writes, else openssl.
 */
export function certificateCommand(certificateFile: string): string {
  const slash = certificateFile.lastIndexOf('/');
  const openssl = `openssl req -x509 -newkey rsa:2048 -nodes -keyout voice-bridge-key.pem -out ${certificateFile} -days 365 -subj /CN=switchboard-voice-bridge`;
  return certificateFile.slice(slash + 1) === 'voice-bridge-cert.pem'
    ? `switchboard voice-bridge keygen --out ${slash < 0 ? '.' : certificateFile.slice(0, slash) || '/'} (or ${openssl})`
    : openssl;
}

/**
 * Judges a certificate given as PEM, or as its bare base64 body (what admins paste when they copy
 * only the lines between the markers). `what` names it in messages (a file, an item); the content
 * is never echoed.
 */
export function checkCertificate(text: string, what: string, now: Date = new Date(), parse: CertificateParser = parseDerCertificate): CertificateVerdict {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, kind: 'empty', message: `${what} is empty.` };
  if (containsPrivateKey(trimmed)) {
    return {
      ok: false,
      kind: 'private-key',
      message: `REFUSED: ${what} contains a PRIVATE KEY. The private key signs the voice bridge's JWTs and must stay on the bridge's host; the contact center takes only the certificate, which every admin and every agent of it can read.`,
    };
  }
  const body = PEM_CERTIFICATE.exec(trimmed)?.[1] ?? (BARE_BASE64.test(trimmed) ? trimmed : undefined);
  if (body === undefined)
    return {
      ok: false,
      kind: 'invalid',
      message: `${what} is not an X.509 certificate in PEM form (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----).`,
    };
  const base64 = body.replace(/\s+/g, '');
  let facts: CertificateFacts;
  try {
    facts = parse(decodeBase64(base64));
  } catch {
    return {
      ok: false,
      kind: 'invalid',
      message: `${what} does not parse as an X.509 certificate: its base64 body is truncated, damaged or not a certificate.`,
    };
  }
  if (facts.keyType !== 'rsa') {
    const type = facts.keyType ?? 'unknown';
    return {
      ok: false,
      kind: 'not-rsa',
      message: `${what} certifies a${/^[aeiou]/.test(type) ? 'n' : ''} ${type} key; the Telephony Integration REST API takes RS256 JWTs, which need an RSA key (2048 bits or more).`,
    };
  }
  if (facts.notAfter.getTime() <= now.getTime()) {
    return {
      ok: false,
      kind: 'expired',
      message: `${what} expired on ${facts.notAfter.toISOString()}: Salesforce refuses the JWTs signed with its key, so no VoiceCall can be created.`,
    };
  }
  const pem = `-----BEGIN CERTIFICATE-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----`;
  return { ok: true, pem, notAfter: facts.notAfter, daysLeft: Math.floor((facts.notAfter.getTime() - now.getTime()) / DAY_MS) };
}

function decodeBase64(base64: string): Uint8Array {
  if (base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new Error('not base64');
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

// ─── A DER reader for what the checks need ─────────────────────────────────────────────────────

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

function readTlv(der: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new Error('truncated');
  const tag = der[at] ?? 0;
  let length = der[at + 1] ?? 0;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > limit) throw new Error('bad length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start + i] ?? 0);
    start += bytes;
  }
  const end = start + length;
  if (end > limit) throw new Error('truncated');
  return { tag, start, end };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const tlv = readTlv(der, at, parent.end);
    out.push(tlv);
    at = tlv.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const KEY_ALGORITHMS: Readonly<Record<string, string>> = {
  '2a864886f70d010101': 'rsa',
  '2a864886f70d01010a': 'rsa-pss',
  '2a8648ce3d0201': 'ec',
  '2b6570': 'ed25519',
  '2b6571': 'ed448',
  '2a8648ce380401': 'dsa',
};

/** Reads notAfter and the subject key's algorithm from a DER X.509 certificate (RFC 5280 §4.1). */
export function parseDerCertificate(der: Uint8Array): CertificateFacts {
  const cert = readTlv(der, 0, der.length);
  if (cert.tag !== SEQUENCE || cert.end !== der.length) throw new Error('not a certificate');
  const [tbs, signatureAlgorithm, signature] = children(der, cert);
  if (tbs?.tag !== SEQUENCE || signatureAlgorithm?.tag !== SEQUENCE || signature?.tag !== 0x03) throw new Error('not a certificate');
  const fields = children(der, tbs);
  const rest = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  const [serial, , , validity, , publicKeyInfo] = rest;
  if (serial?.tag !== 0x02 || validity?.tag !== SEQUENCE || publicKeyInfo?.tag !== SEQUENCE) throw new Error('not a certificate');
  const notAfter = children(der, validity)[1];
  if (!notAfter) throw new Error('no notAfter');
  const algorithm = children(der, publicKeyInfo)[0];
  const oid = algorithm ? children(der, algorithm)[0] : undefined;
  if (oid?.tag !== 0x06) throw new Error('no key algorithm');
  const hex = Array.from(der.subarray(oid.start, oid.end), (b) => b.toString(16).padStart(2, '0')).join('');
  return { notAfter: derTime(der, notAfter), keyType: KEY_ALGORITHMS[hex] };
}

function derTime(der: Uint8Array, tlv: Tlv): Date {
  const text = String.fromCharCode(...der.subarray(tlv.start, tlv.end));
  // UTCTime YYMMDDHHMMSSZ (years 1950–2049), GeneralizedTime YYYYMMDDHHMMSSZ.
  const m = (
    tlv.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/ : tlv.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/ : undefined
  )?.exec(text);
  if (!m) throw new Error('bad time');
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const year = tlv.tag === 0x17 ? (y < 50 ? 2000 + y : 1900 + y) : y;
  return new Date(Date.UTC(year, mo - 1, d, h, mi, s));
}
