/** The sip.js UserAgent the adapter signs in with: transport, media, ICE and logging options. */
import { SIPExtension, UserAgent, type Invitation, type URI } from 'sip.js';
import type { ConnectorSettings, Logger, SipCredentials } from '../../core/index.ts';
import { restartAwareSessionDescriptionHandlerFactory } from './restart-aware-sdh.ts';
import { dtmfAtSendRate } from './sdp-dtmf.ts';

/** A last resort only, for an offer nobody ever ends (see `noAnswerTimeout`). */
export const NO_ANSWER_TIMEOUT_SECONDS = 3600;

export interface UserAgentParts {
  readonly logger: Logger;
  /** See SipTelephonyOptions.iceTransportPolicy. */
  readonly iceTransportPolicy: RTCIceTransportPolicy | undefined;
  /** The microphone stream new calls send. */
  microphone(): Promise<MediaStream>;
  onInvite(invitation: Invitation): void;
}

export function createUserAgent(uri: URI, credentials: SipCredentials, webSocketUrl: string, sip: ConnectorSettings['sip'], parts: UserAgentParts): UserAgent {
  return new UserAgent({
    uri,
    displayName: credentials.displayName,
    authorizationUsername: credentials.authorizationUsername ?? credentials.username,
    authorizationPassword: credentials.password,
    transportOptions: { server: webSocketUrl, connectionTimeout: 5 },
    sessionDescriptionHandlerFactory: restartAwareSessionDescriptionHandlerFactory(() => parts.microphone(), [dtmfAtSendRate()]),
    sessionDescriptionHandlerFactoryOptions: {
      peerConnectionConfiguration: {
        iceServers: sip.iceServers.map((s) => ({ ...s, urls: typeof s.urls === 'string' ? s.urls : [...s.urls] })),
        ...(parts.iceTransportPolicy ? { iceTransportPolicy: parts.iceTransportPolicy } : {}),
      },
      // Without trickle ICE every candidate must be in the SDP: wait for TURN relay candidates
      // (the slowest) up to this long. sip.js stops waiting as soon as gathering completes, and
      // an incoming call is announced (screen pop) before any of this, on the INVITE.
      iceGatheringTimeout: sip.iceGatheringTimeoutMs,
    },
    // How long an offer rings is the phone system's decision (a queue's ring timeout, a ring
    // group's, a caller giving up). sip.js would otherwise answer 480 by itself after 60 s: a
    // queue that rings longer sees the agent refuse, re-offers the call to a colleague, and the
    // agent's panel logs a missed call for a call that is then answered and logged again.
    noAnswerTimeout: NO_ANSWER_TIMEOUT_SECONDS,
    sipExtensionReplaces: SIPExtension.Supported,
    userAgentString: 'Switchboard (sip.js 0.21)',
    logBuiltinEnabled: false,
    logLevel: 'warn',
    logConnector: (level, category, _label, content) =>
      parts.logger.log(level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'debug', `sip.js ${category}: ${content}`),
    delegate: {
      onInvite: (invitation) => parts.onInvite(invitation),
    },
  });
}
