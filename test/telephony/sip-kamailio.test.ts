// The telephony scenario suite against Kamailio (deploy/kamailio/kamailio.cfg, digest auth, BLF).
import { telephonySuite } from './scenarios.ts';
import { kamailioPhoneServer } from './servers.ts';

telephonySuite('Kamailio', kamailioPhoneServer);
