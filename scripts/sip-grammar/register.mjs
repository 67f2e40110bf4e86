// `node --import ./scripts/sip-grammar/register.mjs …` (npm start, npm test, the bench, bin/switchboard.mjs):
// sip.js's SIP grammar decodes its rule table once per process, not once per parsed header (./hooks.mjs).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
