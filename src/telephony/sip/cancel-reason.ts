/**
 * Why the phone system cancelled an offered call. A ring group or a parallel fork cancels the
 * branches nobody answered with `Reason: SIP;cause=200;text="Call completed elsewhere"` (RFC 3326;
 * some PBXs send the ISDN equivalent `Q.850;cause=26`, "non-selected user clearing"). Such a call
 * was answered by a colleague: for this agent it is not missed, and it is not this agent's to log.
 */
export function answeredElsewhere(reasonHeaders: readonly string[]): boolean {
  for (const header of reasonHeaders) {
    // One header may carry several comma-separated reasons: `SIP;cause=200, Q.850;cause=26`.
    for (const value of header.split(/,(?=\s*[A-Za-z0-9.]+\s*;)/)) {
      const protocol = /^\s*([A-Za-z0-9.]+)/.exec(value)?.[1]?.toUpperCase();
      const cause = /;\s*cause\s*=\s*"?(\d+)"?/i.exec(value)?.[1];
      if ((protocol === 'SIP' && cause === '200') || (protocol === 'Q.850' && cause === '26')) return true;
    }
  }
  return false;
}
