/**
 * Serves the Open CTI libraries where Salesforce serves them:
 * `/support/api/<NN>.0/lightning/opencti_min.js` and `opencti.js` (NN ≥ 38) and
 * `/support/api/<NN>.0/interaction.js`. One build serves every version: the bundle is wrapped in a
 * function that hands it `__SB_OPENCTI_CONFIG__` = {apiVersion: NN, allowLocalOrigins}.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { sendText } from './http-util.ts';

const LIGHTNING = /^\/support\/api\/(\d+)\.0\/lightning\/(opencti_min|opencti)\.js$/;
const CLASSIC = /^\/support\/api\/(\d+)\.0\/interaction\.js$/;
export const MIN_LIGHTNING_VERSION = 38;
export const MIN_CLASSIC_VERSION = 20;

export interface OpenCtiRouteOptions {
  /** dist/node/console/opencti/web */
  readonly libraryDir: string;
  readonly allowLocalOrigins: boolean;
}

export function createOpenCtiRoutes(options: OpenCtiRouteOptions): (path: string, res: ServerResponse) => boolean {
  const cache = new Map<string, { mtime: number; code: string }>();
  const load = (name: string): string => {
    const file = join(options.libraryDir, name);
    const mtime = statSync(file).mtimeMs;
    const hit = cache.get(file);
    if (hit && hit.mtime === mtime) return hit.code;
    const code = readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, '');
    cache.set(file, { mtime, code });
    return code;
  };
  const wrap = (code: string, apiVersion: number): string =>
    `/* Switchboard console emulator: Open CTI ${apiVersion}.0 */\n(function (__SB_OPENCTI_CONFIG__) {\n${code}\n})(${JSON.stringify({ apiVersion, allowLocalOrigins: options.allowLocalOrigins })});\n`;

  return (path, res) => {
    let m = LIGHTNING.exec(path);
    let file = 'opencti.js';
    let min = MIN_LIGHTNING_VERSION;
    if (!m) {
      m = CLASSIC.exec(path);
      file = 'interaction.js';
      min = MIN_CLASSIC_VERSION;
    }
    if (!m) return false;
    const version = Number(m[1]);
    if (version < min) {
      sendText(res, 404, `Open CTI ${version}.0 is not available here (the oldest is ${min}.0).`);
      return true;
    }
    let code: string;
    try {
      code = load(file);
    } catch {
      sendText(res, 500, `The Open CTI library is not built: ${join(options.libraryDir, file)} is missing. Run npm run build.`);
      return true;
    }
    sendText(res, 200, wrap(code, version), 'text/javascript; charset=utf-8');
    return true;
  };
}
