// The telephony scenario suite against the embedded SIP server over secure WebSocket (wss://, TLS):
// how an agent on another machine reaches it from an https page such as Salesforce's.
import { telephonySuite } from './scenarios.ts';
import { embeddedWssPhoneServer } from './servers.ts';

telephonySuite('the embedded SIP server over wss', embeddedWssPhoneServer);
