/**
 * Which ACKs end at this server. An ACK for a non-2xx final response belongs to the INVITE's own
 * transaction and carries the INVITE's Via branch (RFC 3261 §17.1.1.3); an ACK for a 2xx is a new
 * transaction, with a new branch, that travels the dialog to the far end. So an ACK whose branch
 * and Call-ID are those of an INVITE received here acknowledges a failure answered here (our own
 * 401/407/403/404, or the best branch's answer the proxy sent up, which it ACKed downstream
 * itself): it goes no further. Without this, the ACK of a challenged INVITE sent straight to a
 * contact (a reload take-back) reached that contact, which had never seen the INVITE.
 */
export class HopByHopAcks {
  private readonly invites = new Set<string>();

  /** `capacity`: INVITE branches remembered; far more than the INVITEs of 32 s (Timer H) on a dev server. */
  constructor(private readonly capacity = 4096) {}

  /** An INVITE arrived (out of a dialog or in one). */
  invite(branch: string | undefined, callId: string): void {
    if (!branch) return;
    const key = `${branch}|${callId}`;
    this.invites.delete(key);
    this.invites.add(key);
    if (this.invites.size > this.capacity) this.invites.delete(this.invites.values().next().value as string);
  }

  /** Is this ACK for a non-2xx answer to an INVITE that came here? Forgets the INVITE if so. */
  ends(branch: string | undefined, callId: string): boolean {
    return branch !== undefined && this.invites.delete(`${branch}|${callId}`);
  }
}
