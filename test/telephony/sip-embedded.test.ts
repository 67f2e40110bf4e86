// The telephony scenario suite against the embedded SIP server (src/node/sip-server).
import { telephonySuite } from './scenarios.ts';
import { embeddedPhoneServer } from './servers.ts';

telephonySuite('the embedded SIP server', embeddedPhoneServer);
