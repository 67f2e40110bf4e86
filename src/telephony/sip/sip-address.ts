/** The SIP address a dial string, an extension or a user@host goes to. */
import { UserAgent, type URI } from 'sip.js';
import { SwitchboardError } from '../../core/index.ts';

/** `user` as a SIP URI: as is when it is one, `sip:user` when it names a host, else at `domain`. */
export function sipAddress(user: string, domain: string): URI {
  const text = /^sips?:/i.test(user) ? user : user.includes('@') ? `sip:${user}` : `sip:${encodeUser(user)}@${domain}`;
  const uri = UserAgent.makeURI(text);
  if (!uri) throw new SwitchboardError('SB20004', `'${user}' does not make a valid SIP address.`);
  return uri;
}

function encodeUser(user: string): string {
  // '+' and digits stay readable; anything else a SIP user part cannot hold is escaped.
  return user.replace(/[^A-Za-z0-9\-_.!~*'()&=+$,;?/]/g, (c) => encodeURIComponent(c));
}
