/**
 * Visualforce hosting: `/apex/<Name>` serves `<apexDir>/<Name>.page` (Visualforce markup) or
 * `<Name>.html`, on the Visualforce origin. Page names match case-insensitively, as in an org.
 * Supported markup is what a softphone page needs: `<apex:page …>` (its wrapper is dropped) and
 * `<apex:includeScript value="…"/>` (becomes a `<script src>`); any other `apex:` component is
 * refused with its line, since the emulator cannot render it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, basename, join } from 'node:path';

export type ApexPageResult =
  { readonly kind: 'page'; readonly html: string } | { readonly kind: 'missing' } | { readonly kind: 'error'; readonly message: string };

export function findApexPage(apexDir: string | undefined, name: string): ApexPageResult {
  if (!apexDir || !/^[A-Za-z][\w]*$/.test(name)) return { kind: 'missing' };
  let files: string[];
  try {
    files = readdirSync(apexDir);
  } catch {
    return { kind: 'missing' };
  }
  const match = files.find((f) => ['.page', '.html'].includes(extname(f).toLowerCase()) && basename(f, extname(f)).toLowerCase() === name.toLowerCase());
  if (!match) return { kind: 'missing' };
  const text = readFileSync(join(apexDir, match), 'utf8');
  if (extname(match).toLowerCase() === '.html') return { kind: 'page', html: text };
  return renderVisualforce(text, match);
}

export function renderVisualforce(text: string, fileName: string): ApexPageResult {
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length;
  const tag = /<(\/?)apex:(\w+)([^>]*?)(\/?)>/g;
  let out = '';
  let last = 0;
  let sawPage = false;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    out += text.slice(last, m.index);
    last = m.index + m[0].length;
    const [, closing, component, attrs] = m;
    if (component === 'page') {
      sawPage = true;
      continue;
    }
    if (component === 'includeScript' && !closing) {
      const value = /\bvalue\s*=\s*"([^"]*)"/.exec(attrs ?? '')?.[1];
      if (!value) return { kind: 'error', message: `${fileName}:${lineOf(m.index)}: <apex:includeScript> needs a value attribute` };
      out += `<script src="${value.replace(/"/g, '&quot;')}"></script>`;
      continue;
    }
    if (component === 'includeScript') continue;
    return {
      kind: 'error',
      message: `${fileName}:${lineOf(m.index)}: the console emulator does not render <apex:${component}>; use plain HTML (supported: apex:page, apex:includeScript)`,
    };
  }
  out += text.slice(last);
  if (!sawPage) return { kind: 'error', message: `${fileName}:1: a Visualforce page must be wrapped in <apex:page>` };
  const body = out.trim();
  return {
    kind: 'page',
    html:
      /^<!doctype/i.test(body) || /^<html/i.test(body) ? body : `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n${body}\n</body></html>\n`,
  };
}
