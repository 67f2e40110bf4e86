/**
 * The transfer directory's lamps: a phone watches its colleagues' lines (and presence) once it is
 * registered, and again after each re-register, since the phone system's subscriptions go with the
 * connection they came over. Both surfaces use it: the softphone panel's directory and the Voice
 * connector's phone book (its availability).
 */
import type { Logger, TelephonyPort } from '../../core/index.ts';

export function watchDirectoryLamps(telephony: Pick<TelephonyPort, 'events' | 'watchLines'>, extensions: readonly string[], logger: Logger): void {
  if (extensions.length === 0) return;
  telephony.events.on('registration', (r) => {
    if (r.state === 'registered')
      telephony.watchLines(extensions).catch((e: unknown) => logger.log('warn', 'watching directory lines failed', { error: String(e) }));
  });
}
