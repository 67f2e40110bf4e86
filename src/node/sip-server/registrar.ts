/**
 * The location service: address of record -> bindings (contact, expiry, the socket it came on).
 *
 * A binding lives until its expiry, an unregister (Expires 0, or `Contact: *`), or the close of the
 * socket it was registered on: a browser tab that goes away cannot be reached any more, and ringing a
 * dead contact would only delay the call.
 */
import type { Clock } from '../../core/index.ts';
import type { SipConnection } from './connection.ts';

export interface Binding {
  readonly aor: string;
  /** The contact as the UA wrote it, without header parameters (`<sip:x@y.invalid;transport=ws>`). */
  readonly contact: string;
  /** The contact URI (`sip:x@y.invalid;transport=ws`), used as the Request-URI toward the UA. */
  readonly contactUri: string;
  /** Lower-cased host of the contact URI. */
  readonly host: string;
  readonly connection: SipConnection;
  readonly instanceId: string | undefined;
  readonly registeredAt: number;
  expiresAt: number;
}

export type UnregisterReason = 'unregistered' | 'expired' | 'connection-closed' | 'replaced';

export interface RegistrarListener {
  registered(binding: Binding, refreshed: boolean): void;
  unregistered(binding: Binding, reason: UnregisterReason): void;
}

export interface ContactRequest {
  readonly contact: string;
  readonly contactUri: string;
  readonly host: string;
  readonly expires: number;
  readonly instanceId: string | undefined;
}

export class Registrar {
  private readonly bindings = new Map<string, Map<string, Binding>>();
  private readonly timers = new Map<Binding, () => void>();

  constructor(
    private readonly clock: Clock,
    private readonly listener: RegistrarListener,
  ) {}

  /** Applies one REGISTER's contacts (expires 0 removes). Returns the AOR's bindings after it. */
  update(aor: string, contacts: readonly ContactRequest[], connection: SipConnection): Binding[] {
    for (const c of contacts) {
      const key = c.contactUri.toLowerCase();
      const forAor = this.bindings.get(aor) ?? new Map<string, Binding>();
      const existing = forAor.get(key);
      if (c.expires === 0) {
        if (existing) this.remove(existing, 'unregistered');
        continue;
      }
      // The same instance (RFC 5626 +sip.instance) registering again from elsewhere replaces itself.
      if (c.instanceId) {
        for (const other of forAor.values()) {
          if (other !== existing && other.instanceId === c.instanceId) this.remove(other, 'replaced');
        }
      }
      if (existing && existing.connection !== connection) this.remove(existing, 'replaced');
      const now = this.clock.now();
      const refreshed = existing !== undefined && existing.connection === connection;
      const binding: Binding = refreshed
        ? existing
        : { aor, contact: c.contact, contactUri: c.contactUri, host: c.host, connection, instanceId: c.instanceId, registeredAt: now, expiresAt: 0 };
      binding.expiresAt = now + c.expires * 1000;
      forAor.set(key, binding);
      this.bindings.set(aor, forAor);
      this.timers.get(binding)?.();
      this.timers.set(
        binding,
        this.clock.setTimeout(() => this.remove(binding, 'expired'), c.expires * 1000),
      );
      this.listener.registered(binding, refreshed);
    }
    return this.lookup(aor);
  }

  removeAll(aor: string): void {
    for (const b of this.lookup(aor)) this.remove(b, 'unregistered');
  }

  removeConnection(connection: SipConnection): void {
    for (const forAor of [...this.bindings.values()]) {
      for (const b of [...forAor.values()]) if (b.connection === connection) this.remove(b, 'connection-closed');
    }
  }

  lookup(aor: string): Binding[] {
    return [...(this.bindings.get(aor)?.values() ?? [])];
  }

  all(): Binding[] {
    return [...this.bindings.values()].flatMap((m) => [...m.values()]);
  }

  aors(): string[] {
    return [...this.bindings.keys()];
  }

  /** Seconds left on a binding, at least 0. */
  secondsLeft(binding: Binding): number {
    return Math.max(0, Math.round((binding.expiresAt - this.clock.now()) / 1000));
  }

  dispose(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.bindings.clear();
  }

  private remove(binding: Binding, reason: UnregisterReason): void {
    const forAor = this.bindings.get(binding.aor);
    const key = binding.contactUri.toLowerCase();
    if (!forAor || forAor.get(key) !== binding) return;
    forAor.delete(key);
    if (forAor.size === 0) this.bindings.delete(binding.aor);
    this.timers.get(binding)?.();
    this.timers.delete(binding);
    this.listener.unregistered(binding, reason);
  }
}
