/**
 * SIPp (Debian's sip-tester, /usr/bin/sipp 3.6) for interop tests: run a scenario against a SIP
 * server, and make the raw 8 kHz μ-law audio its `rtp_stream` action plays (G.711 encoding here,
 * so no Python or sox is needed).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const SIPP_PATH = process.env.SIPP_PATH ?? '/usr/bin/sipp';

/** G.711 μ-law encoding of one 16-bit linear sample. */
export function linearToUlaw(sample: number): number {
  const BIAS = 0x84,
    CLIP = 32635;
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s = Math.min(s, CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Writes `seconds` of a sine tone as raw 8 kHz μ-law (what `rtp_stream="file,loops,0"` plays). */
export function writeUlawTone(path: string, seconds = 3, frequency = 440, amplitude = 12000): void {
  const n = Math.round(8000 * seconds);
  const data = Buffer.alloc(n);
  for (let i = 0; i < n; i++) data[i] = linearToUlaw(amplitude * Math.sin((2 * Math.PI * frequency * i) / 8000));
  writeFileSync(path, data);
}

export interface SippResult {
  readonly code: number | null;
  readonly output: string;
}

/**
 * Runs sipp with `args` in `cwd`; resolves when it exits (bounded by `timeoutMs`). Aborting
 * `signal` kills it (a test that failed half-way through a long scenario).
 */
export function runSipp(args: readonly string[], cwd: string, timeoutMs = 30_000, signal?: AbortSignal): Promise<SippResult> {
  if (!existsSync(SIPP_PATH)) throw new Error(`SIPp is not installed at ${SIPP_PATH} (apt-get install sip-tester).`);
  return new Promise((resolve) => {
    const proc = spawn(SIPP_PATH, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal, killSignal: 'SIGKILL' as const } : {}) });
    let output = '';
    proc.stdout.on('data', (b: Buffer) => (output += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    // Aborting makes spawn emit an AbortError as well as 'exit' (which resolves).
    if (signal)
      proc.on('error', (e) => {
        if (e.name !== 'AbortError') output += `\n${String(e)}`;
      });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Where Debian's sip-tester keeps the pcap files SIPp's `play_pcap_audio` can play. */
export const SIPP_PCAP_DIR = process.env.SIPP_PCAP_DIR ?? '/usr/share/sip-tester';

/** The path of one of sip-tester's pcaps (e.g. `g711a.pcap`: 7 s of PCMA speech, 30 ms packets). */
export function sippPcap(name: string): string {
  const path = `${SIPP_PCAP_DIR}/${name}`;
  if (!existsSync(path)) throw new Error(`SIPp pcap ${path} is missing (apt-get install sip-tester ships it; or set SIPP_PCAP_DIR).`);
  return path;
}

/**
 * Resolves once a socket (a SIPp UAS just started) is bound to UDP `port`, so a call routed to it
 * is not lost to the first retransmission interval; rejects after `timeoutMs`. Reads
 * /proc/net/udp (this network namespace's sockets) rather than probing with a bind of our own,
 * which could take the port from under SIPp.
 */
export async function waitUdpBound(port: number, timeoutMs = 5000): Promise<void> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = readFileSync('/proc/net/udp', 'utf8');
    if (table.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(hexPort))) return;
    if (Date.now() > deadline) throw new Error(`nothing bound UDP port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
