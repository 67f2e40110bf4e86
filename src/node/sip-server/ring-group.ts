/**
 * Which members of a ring group to ring. A member is rung when it is registered, available by
 * presence, and not already in a call (or ringing) through this server. When nobody qualifies the
 * caller hears 486 Busy Here if every registered member is busy, else 480 Temporarily Unavailable.
 */
export interface MemberStatus {
  readonly aor: string;
  readonly registered: boolean;
  readonly available: boolean;
  readonly busy: boolean;
}

export type RingDecision = { readonly ring: readonly string[] } | { readonly status: 480 | 486; readonly reason: string };

export function chooseMembers(members: readonly MemberStatus[]): RingDecision {
  const ring = members.filter((m) => m.registered && m.available && !m.busy).map((m) => m.aor);
  if (ring.length > 0) return { ring };
  const registered = members.filter((m) => m.registered);
  if (registered.length > 0 && registered.every((m) => m.busy)) return { status: 486, reason: 'Busy Here' };
  return { status: 480, reason: registered.length === 0 ? 'No agent signed in' : 'No agent available' };
}
