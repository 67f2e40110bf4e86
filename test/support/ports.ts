/** Free loopback ports, for daemons that cannot bind port 0 themselves (Kamailio, rtpengine, SIPp). */
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

/** Ports `freePort` handed out in this process: the kernel may offer a port again once its probe closed. */
const handedOut = new Set<number>();

/**
 * A port free for both TCP and UDP on 127.0.0.1 right now (the caller binds it soon after), and not
 * handed out before in this process. Taken between 10000 and 19999, below the kernel's ephemeral
 * range (32768+): what binds port 0 (static servers, Chromium's sockets, another test's probe)
 * cannot be given it meanwhile, and two ports asked for one daemon (Kamailio's SIP and TLS ports)
 * cannot come back the same.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 10000 + Math.floor(Math.random() * 10000);
    if (handedOut.has(port) || !(await tcpFree(port)) || !(await udpFree(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port between 10000 and 19999 on 127.0.0.1 after 50 tries');
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise<boolean>((ok) => {
    const s = createServer();
    s.once('error', () => ok(false)).listen(port, '127.0.0.1', () => s.close(() => ok(true)));
  });
}

/**
 * A base for SIPp's `-mp`: SIPp binds audio RTP there and video RTP two ports up (and each one's
 * RTCP next to it), so all four must be free. Taken below the kernel's ephemeral range (32768+),
 * where Chromium's ICE sockets and rtpengine's ports (test/support/rtpengine.ts, 30000+) come and go.
 */
export async function freeMediaPorts(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const base = 20000 + 4 * Math.floor(Math.random() * 2490);
    const free = await Promise.all([0, 1, 2, 3].map((n) => udpFree(base + n)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no four free UDP ports in a row between 20000 and 29999 on 127.0.0.1 after 50 tries');
}

function udpFree(port: number): Promise<boolean> {
  return new Promise<boolean>((ok) => {
    const u = createSocket('udp4');
    u.once('error', () => ok(false));
    u.bind(port, '127.0.0.1', () => u.close(() => ok(true)));
  });
}

/** Resolves when `host:port` accepts a TCP connection; rejects after `timeoutMs`. */
export async function waitForTcp(port: number, timeoutMs = 5000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((done) => {
      const c = connect(port, host);
      c.once('connect', () => {
        c.destroy();
        done(true);
      });
      c.once('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing accepted connections on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
