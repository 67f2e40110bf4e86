/**
 * The benchmark anchor: the minimal honest softphone.
 * SIP.js (UserAgent, Registerer, Invitation) + one Lit element + a postMessage "ready" and
 * "screenPop" to the parent. Built by bench/run.ts with the same esbuild options as the connector.
 */
import { LitElement, html, css } from 'lit';
import { UserAgent, Registerer, type Invitation } from 'sip.js';

class AnchorPhone extends LitElement {
  static override styles = css`:host { display: block; font: 14px sans-serif; }`;
  static override properties = { caller: { type: String }, state: { type: String } };
  caller = '';
  state = 'idle';
  override render() {
    return html`<div role="status">${this.state}</div><div>${this.caller}</div>
      <button @click=${() => this.dispatchEvent(new CustomEvent('answer'))}>Answer</button>`;
  }
}
customElements.define('anchor-phone', AnchorPhone);

const params = new URLSearchParams(location.search);
const parentOrigin = params.get('parentOrigin') ?? location.origin;
const post = (message: Record<string, unknown>) => parent.postMessage(message, parentOrigin);

const phone = document.createElement('anchor-phone') as AnchorPhone;
document.body.append(phone);

const server = params.get('ws');
if (server) {
  const user = params.get('user') ?? '1001';
  const domain = params.get('domain') ?? '127.0.0.1';
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${user}@${domain}`),
    transportOptions: { server },
    authorizationUsername: user,
    authorizationPassword: params.get('password') ?? '',
    sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 500 },
    logLevel: 'error',
    delegate: {
      onInvite(invitation: Invitation) {
        phone.caller = invitation.remoteIdentity.uri.user ?? '';
        phone.state = 'ringing';
        post({ type: 'screenPop', number: phone.caller, at: performance.now() });
        invitation.stateChange.addListener((s) => {
          if (s === 'Terminated') phone.state = 'idle';
        });
      },
    },
  });
  void ua
    .start()
    .then(() => new Registerer(ua).register())
    .then(() => post({ type: 'registered' }));
}
// Ready as soon as the panel is usable; registration is kept off the critical path.
void phone.updateComplete.then(() => post({ type: 'ready', at: performance.now() }));
