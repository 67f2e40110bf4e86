/**
 * One JSON object per line (time, level, message, fields), for log collectors. Callers never pass
 * the JWT, the key or the bridge token: fields are call keys, ids, statuses and durations.
 */
import type { Logger, LogLevel } from '../../core/index.ts';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

export function jsonLineLogger(write: (line: string) => void, minimum: LogLevel = 'info', now: () => number = Date.now): Logger {
  return {
    log(level, message, data) {
      if (RANK[level] < RANK[minimum]) return;
      write(`${JSON.stringify({ time: new Date(now()).toISOString(), level, message, ...data })}\n`);
    },
  };
}
