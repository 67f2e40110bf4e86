/**
 * The browser build's side of scripts/sip-grammar/decode-once.mjs: an esbuild plugin that bundles
 * sip.js's SIP grammar with its rule table decoded once per page instead of once per parsed header.
 */
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';
import { decodeGrammarOnce, SIP_GRAMMAR } from '../sip-grammar/decode-once.mjs';

export function sipGrammarOnce(): Plugin {
  return {
    name: 'sip-grammar-once',
    setup(build) {
      build.onLoad({ filter: SIP_GRAMMAR }, async (args) => ({ contents: decodeGrammarOnce(await readFile(args.path, 'utf8'), args.path), loader: 'js' }));
    },
  };
}
