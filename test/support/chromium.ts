/**
 * Launching Debian's Chromium for browser tests (playwright-core, no bundled browser).
 *
 * CHROMIUM_ARGS are the flags real WebRTC needs in the tests' loopback-only network namespace:
 * fake microphone (a beep) granted without a prompt, no background traffic, and
 * `--allow-loopback-in-peer-connection`, without which Chromium gathers no ICE candidate on lo.
 * A missing Chromium is an error, never a skip.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--allow-loopback-in-peer-connection',
  // Call audio and tones play without a click in tests.
  '--autoplay-policy=no-user-gesture-required',
  // Background pages must not throttle timers (several agents run side by side).
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** `--name=value` → `--name`. */
const switchName = (arg: string): string => arg.split('=', 1)[0]!;

/**
 * Launches Chromium with CHROMIUM_ARGS plus `extraArgs`; a flag in `extraArgs` replaces the
 * default of the same name (`--autoplay-policy=document-user-activation-required` for a test of
 * the autoplay policy), rather than relying on which duplicate Chromium keeps. Throws a clear
 * error when Chromium is not installed.
 */
export async function launchChromium(extraArgs: readonly string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH). Browser tests cannot run without it.`);
  }
  const overridden = new Set(extraArgs.map(switchName));
  const args = [...CHROMIUM_ARGS.filter((a) => !overridden.has(switchName(a))), ...extraArgs];
  return chromium.launch({ executablePath: CHROMIUM_PATH, args, ...options });
}
