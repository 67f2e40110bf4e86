/**
 * Audio a page receives over WebRTC, read from Chromium's own stats: scripts to evaluate in a page
 * or frame. `PEER_CONNECTION_PROBE` (an init script, or evaluated before the page makes any) keeps
 * every RTCPeerConnection with when it was made, so a test can tell a dialog set up after a reload
 * from the one before it.
 */
export const PEER_CONNECTION_PROBE = `(() => {
  if (window.__pcs || !window.RTCPeerConnection) return;
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__pcs.push({ pc: this, at: Date.now() }); }
  };
})()`;

/** Audio bytes received on the page's open peer connections made at or after `since` (epoch ms; 0: all). */
export const audioBytesSince = (since = 0): string => `(async () => {
  let total = 0;
  for (const { pc, at } of window.__pcs ?? []) {
    if (at < ${since} || pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') total += Number(s.bytesReceived ?? 0); });
  }
  return total;
})()`;
