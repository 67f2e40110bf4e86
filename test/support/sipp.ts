/**
 * SIPp (Debian's sip-tester, /usr/bin/sipp 3.6) for interop tests: run a scenario against a SIP
 * server, and make the raw 8 kHz μ-law audio its `rtp_stream` action plays (G.711 encoding here,
 * so no Python or sox is needed).
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';

export const SIPP_PATH = process.env.SIPP_PATH ?? '/usr/bin/sipp';

/** G.711 μ-law encoding of one 16-bit linear sample. */
export function linearToUlaw(sample: number): number {
  const BIAS = 0x84, CLIP = 32635;
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

/** Runs sipp with `args` in `cwd`; resolves when it exits (bounded by `timeoutMs`). */
export function runSipp(args: readonly string[], cwd: string, timeoutMs = 30_000): Promise<SippResult> {
  if (!existsSync(SIPP_PATH)) throw new Error(`SIPp is not installed at ${SIPP_PATH} (apt-get install sip-tester).`);
  return new Promise((resolve) => {
    const proc = spawn(SIPP_PATH, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (b: Buffer) => (output += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
