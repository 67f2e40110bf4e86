/**
 * One SLDS icon as a sprite of its own (`/assets/icons/{category}/{name}.svg`, referenced as
 * `…/{name}.svg#{name}`). The console draws its icons with `<use>`, and a `<use>` of SLDS's full
 * sprite (458 KB, hundreds of symbols) makes Chromium parse the whole sprite as a document on the
 * page's main thread: 60–80 ms in which the console answered no Open CTI message and rendered
 * nothing. Lightning ships each icon by itself too. The symbols are read from the SLDS package's
 * sprite (trusted, generated: one `<symbol … id="name">…</symbol>` per icon, never nested).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ICON_CATEGORIES = ['utility', 'standard', 'action', 'doctype', 'custom'] as const;
export type IconCategory = (typeof ICON_CATEGORIES)[number];

const SYMBOL = /<symbol\b[^>]*\bid="([^"]+)"[^>]*>[\s\S]*?<\/symbol>/g;
const ICON_PATH = /^\/assets\/icons\/([a-z]+)\/([a-z0-9_]+)\.svg$/;

/** The icon's SVG document for an `/assets/icons/…` path; undefined when the path names no icon. */
export function createIconSymbols(sldsDir: string): (path: string) => string | undefined {
  const sprites = new Map<IconCategory, ReadonlyMap<string, string>>();
  const sprite = (category: IconCategory): ReadonlyMap<string, string> => {
    let symbols = sprites.get(category);
    if (!symbols) {
      const text = readFileSync(join(sldsDir, 'icons', `${category}-sprite`, 'svg', 'symbols.svg'), 'utf8');
      symbols = new Map([...text.matchAll(SYMBOL)].map((m) => [m[1]!, m[0]]));
      sprites.set(category, symbols);
    }
    return symbols;
  };
  return (path) => {
    const m = ICON_PATH.exec(path);
    if (!m || !(ICON_CATEGORIES as readonly string[]).includes(m[1]!)) return undefined;
    const symbol = sprite(m[1] as IconCategory).get(m[2]!);
    return symbol && `<svg xmlns="http://www.w3.org/2000/svg">${symbol}</svg>`;
  };
}
