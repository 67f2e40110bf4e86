/**
 * Masks SIP authentication values in text bound for the support log. sip.js logs whole SIP
 * messages; a REGISTER's `Authorization: Digest … response="…"` together with the challenge's nonce
 * lets anyone holding the log test guesses of a short extension password offline.
 *
 * In `Authorization`, `Proxy-Authorization`, `WWW-Authenticate` and `Proxy-Authenticate` header
 * values, Digest parameters keep their value only when they are known to be harmless for support
 * (who, which realm, which URI, which algorithm); every other parameter (response, nonce, cnonce,
 * opaque, nc, and any unknown one) is masked. Other schemes (Bearer, Basic…) lose their whole
 * credential.
 */
export const MASK = '[masked]';

const KEEP = new Set(['username', 'realm', 'uri', 'algorithm', 'qop', 'stale']);
const HEADER = /(?<![A-Za-z0-9_-])((?:proxy-)?authorization|(?:www|proxy)-authenticate)([ \t]*:[ \t]*)([^\r\n]*)/gi;
const PARAM = /([A-Za-z][\w-]*)([ \t]*=[ \t]*)("(?:[^"\\]|\\.)*(?:"|$)|[^,\s]*)/g;

function maskValue(value: string): string {
  const m = /^([A-Za-z][\w-]*)(\s+)([\s\S]*)$/.exec(value);
  if (!m) return value.trim() === '' ? value : MASK;
  const [, scheme = '', space = '', params = ''] = m;
  if (scheme.toLowerCase() !== 'digest') return `${scheme}${space}${MASK}`;
  return `${scheme}${space}${params.replace(PARAM, (all: string, name: string, eq: string, v: string) =>
    KEEP.has(name.toLowerCase()) ? all : `${name}${eq}${v.startsWith('"') ? `"${MASK}"` : MASK}`,
  )}`;
}

/** The text with the values of SIP authentication headers masked; text without them is returned as is. */
export function maskSipAuth(text: string): string {
  if (!/authorization|authenticate/i.test(text)) return text;
  return text.replace(HEADER, (_all: string, name: string, colon: string, value: string) => `${name}${colon}${maskValue(value)}`);
}
