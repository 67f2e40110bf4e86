/**
 * The echo test extension of the embedded server. The server carries signalling only, so the echo
 * itself is a WebRTC endpoint that registers here as this extension and sends back the audio it
 * receives (Setup > Switchboard's test call hosts one in the admin's browser: web/echo-test-call.ts
 * of the console emulator). It may register without a password, like a guest. A real phone system
 * has its own echo application (Asterisk's Echo(), FreeSWITCH's echo) at an extension of its choice.
 */
export const ECHO_EXTENSION = '9196';
