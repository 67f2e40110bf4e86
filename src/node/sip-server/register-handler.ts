/**
 * REGISTER (RFC 3261 10): authenticate, read the Contacts and their Expires (bounded by the
 * server's minimum and maximum), learn the contacts' hosts, update the bindings, and answer with
 * the bindings now held. A call ringing a party whose page reloaded rings it again once it is back.
 */
import type { SipConnection } from './connection.ts';
import type { Directory } from './directory.ts';
import type { ResponseOptions } from './message-build.ts';
import { headerParam } from './message-edit.ts';
import type { ForwardTarget, Proxy } from './proxy.ts';
import type { ContactRequest, Registrar } from './registrar.ts';
import type { RequestAuth } from './request-auth.ts';
import type { SipRequest } from './sip-message.ts';

export interface RegisterHandlerPort {
  readonly directory: Pick<Directory, 'aorOf'>;
  readonly auth: Pick<RequestAuth, 'authenticate' | 'learnHosts'>;
  readonly registrar: Pick<Registrar, 'removeAll' | 'update' | 'secondsLeft'>;
  readonly proxy: Pick<Proxy, 'partyRegistered'>;
  /** Shorter registrations than this (seconds) get 423 Interval Too Brief. */
  readonly minExpires: number;
  /** Longer registrations are cut to this (seconds). */
  readonly maxExpires: number;
  targetsOf(aor: string): ForwardTarget[];
  reply(request: SipRequest, connection: SipConnection, status: number, options?: ResponseOptions): void;
}

export class RegisterHandler {
  constructor(private readonly port: RegisterHandlerPort) {}

  handle(request: SipRequest, connection: SipConnection): void {
    const who = this.port.auth.authenticate(request, connection);
    if (who === undefined) return;
    const aor = this.port.directory.aorOf(who.user);
    const raw = request.raw;
    const contacts = raw.getAll('contact');
    const headerExpires = raw.get('expires');
    const defaultExpires = headerExpires !== undefined && /^\s*\d+\s*$/.test(headerExpires) ? Number(headerExpires) : 3600;
    if (contacts.length === 1 && contacts[0] === '*') {
      if (defaultExpires !== 0) return this.port.reply(request, connection, 400, { reason: 'Bad Request (Contact * needs Expires: 0)' });
      this.port.registrar.removeAll(aor);
      return this.port.reply(request, connection, 200);
    }
    const requests: ContactRequest[] = [];
    for (let i = 0; i < contacts.length; i++) {
      const parsed = request.message.parseHeader('contact', i) as
        { uri: { host: string; toString(): string }; getParam(k: string): string | null | undefined } | undefined;
      if (!parsed) return this.port.reply(request, connection, 400, { reason: 'Bad Request (unreadable Contact)' });
      const param = parsed.getParam('expires');
      let expires = param !== undefined && param !== null && /^\d+$/.test(param) ? Number(param) : defaultExpires;
      if (expires > 0 && expires < this.port.minExpires) {
        return this.port.reply(request, connection, 423, { headers: [['Min-Expires', String(this.port.minExpires)]] });
      }
      expires = Math.min(expires, this.port.maxExpires);
      const contactUri = /<([^>]*)>/.exec(contacts[i])?.[1] ?? contacts[i].split(';')[0];
      const instance = headerParam(contacts[i], '\\+sip\\.instance');
      requests.push({ contact: `<${contactUri}>`, contactUri, host: parsed.uri.host.toLowerCase(), expires, instanceId: instance });
    }
    if (
      !this.port.auth.learnHosts(
        request,
        connection,
        who,
        requests.filter((r) => r.expires > 0).map((r) => r.host),
      )
    )
      return;
    const bindings = this.port.registrar.update(aor, requests, connection);
    this.port.reply(request, connection, 200, {
      headers: bindings.map((b) => ['Contact', `${b.contact};expires=${this.port.registrar.secondsLeft(b)}`] as const),
    });
    if (requests.some((r) => r.expires > 0)) this.port.proxy.partyRegistered(aor, this.port.targetsOf(aor));
  }
}
