// Node module hooks (module.register, see ./register.mjs): sip.js's grammar is loaded decoded once
// (./decode-once.mjs), as the browser build bundles it, for the embedded SIP server, the CLI and tests.
import { fileURLToPath } from 'node:url';
import { decodeGrammarOnce, SIP_GRAMMAR } from './decode-once.mjs';

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (!url.startsWith('file:') || !SIP_GRAMMAR.test(url)) return loaded;
  const source = typeof loaded.source === 'string' ? loaded.source : Buffer.from(loaded.source).toString('utf8');
  return { ...loaded, source: decodeGrammarOnce(source, fileURLToPath(url)), shortCircuit: true };
}
