/**
 * Real sip.js 0.21.2 UserAgents in Node, for driving the server in tests.
 *
 * sip.js needs a WebSocket constructor (Node 20 has none; the `ws` package is given) and a
 * SessionDescriptionHandler. Media is not the server's business, so `FixedSdpHandler` is a test
 * double that offers and answers a fixed SDP (sendonly when asked to hold) and records what the far
 * side sent. Everything else (transactions, dialogs, digest, REFER, NOTIFY) is sip.js itself.
 */
import { WebSocket as NodeWebSocket } from 'ws';
import {
  Invitation,
  Inviter,
  Messager,
  Publisher,
  PublisherState,
  Registerer,
  RegistererState,
  Session,
  SessionState,
  Subscriber,
  UserAgent,
  type Info,
  type Message,
  type Notification,
  type Referral,
  type SessionDescriptionHandler,
  type SessionDescriptionHandlerOptions,
  type BodyAndContentType,
} from 'sip.js';
import { AsyncQueue, withTimeout } from './wait.ts';

/**
 * `ws` emits every frame of one TCP read in the same task; a browser queues one task per message.
 * sip.js relies on the browser behaviour (it finishes ACK processing in a microtask before the next
 * message, else it answers a re-INVITE right behind an ACK with 500), so deliver like a browser.
 */
class BrowserLikeWebSocket extends NodeWebSocket {
  override addEventListener(...args: Parameters<NodeWebSocket['addEventListener']>): void {
    const [type, listener, options] = args as unknown as [string, (event: unknown) => void, undefined];
    if (type !== 'message') return super.addEventListener(...args);
    const deferred = (event: unknown): void => {
      setImmediate(() => listener.call(this, event));
    };
    (super.addEventListener as (t: string, l: (event: unknown) => void, o?: unknown) => void)('message', deferred, options);
  }
}

(globalThis as { WebSocket?: unknown }).WebSocket = BrowserLikeWebSocket;

let sdpSession = 1;

/** Offers/answers a fixed SDP; `hold` (from sessionDescriptionHandlerOptionsReInvite) makes it sendonly. */
export class FixedSdpHandler implements SessionDescriptionHandler {
  remoteSdps: string[] = [];
  private readonly id = sdpSession++;
  private version = 1;

  close(): void {}

  async getDescription(options?: SessionDescriptionHandlerOptions): Promise<BodyAndContentType> {
    const hold = (options as { hold?: boolean } | undefined)?.hold === true;
    const body = [
      'v=0',
      `o=- ${this.id} ${this.version++} IN IP4 127.0.0.1`,
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${40000 + (this.id % 1000) * 2} RTP/AVP 0`,
      'a=rtpmap:0 PCMU/8000',
      hold ? 'a=sendonly' : 'a=sendrecv',
      '',
    ].join('\r\n');
    return { body, contentType: 'application/sdp' };
  }

  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }

  async setDescription(sdp: string): Promise<void> {
    this.remoteSdps.push(sdp);
  }

  sendDtmf(): boolean {
    return true;
  }
}

export interface PhoneOptions {
  readonly url: string;
  readonly domain: string;
  readonly user: string;
  readonly password?: string;
  /** Digest username when it is not the user (a short-lived credential's `"<expiry>:<user>"`). */
  readonly authorizationUsername?: string;
  /** Seconds between sip.js's CRLF keep-alive pings (sip.js `keepAliveInterval`; default none). */
  readonly keepAliveInterval?: number;
  /** Seconds asked for in REGISTER (sip.js default 600). */
  readonly expires?: number;
  /** Display name in From (tests use hostile ones). */
  readonly displayName?: string;
}

export type CallOutcome = { readonly kind: 'established' } | { readonly kind: 'rejected'; readonly status: number } | { readonly kind: 'terminated' };

export class TestPhone {
  readonly ua: UserAgent;
  readonly uri: string;
  readonly invitations = new AsyncQueue<Invitation>();
  readonly messages = new AsyncQueue<Message>();
  /** INFO requests received in any session of this phone. */
  readonly infos = new AsyncQueue<Info>();
  /** Sessions that received BYE. */
  readonly byes = new AsyncQueue<Session>();
  /** REFERs received; the phone accepts them and calls the target (blind transfer). */
  readonly referrals = new AsyncQueue<Referral>();
  /** Calls placed because of an accepted REFER. */
  readonly transferCalls = new AsyncQueue<Inviter>();
  registerer: Registerer | undefined;
  private readonly options: PhoneOptions;

  private constructor(options: PhoneOptions) {
    this.options = options;
    this.uri = `sip:${options.user}@${options.domain}`;
    const uri = UserAgent.makeURI(this.uri);
    if (!uri) throw new Error(`bad URI ${this.uri}`);
    this.ua = new UserAgent({
      uri,
      transportOptions: { server: options.url, ...(options.keepAliveInterval !== undefined ? { keepAliveInterval: options.keepAliveInterval } : {}) },
      authorizationUsername: options.authorizationUsername ?? options.user,
      authorizationPassword: options.password,
      ...(options.displayName !== undefined ? { displayName: options.displayName } : {}),
      logBuiltinEnabled: false,
      logLevel: 'error',
      sessionDescriptionHandlerFactory: () => new FixedSdpHandler(),
      delegate: {
        onInvite: (invitation) => {
          this.watch(invitation);
          this.invitations.push(invitation);
        },
        onMessage: (message) => {
          void message.accept();
          this.messages.push(message);
        },
      },
    });
  }

  static async start(options: PhoneOptions): Promise<TestPhone> {
    const phone = new TestPhone(options);
    await withTimeout(phone.ua.start(), 3000, `${phone.uri} to connect`);
    return phone;
  }

  /** Registers; resolves 'registered' or the failure status. */
  async register(): Promise<'registered' | number> {
    this.registerer ??= new Registerer(this.ua, { expires: this.options.expires });
    const registerer = this.registerer;
    return withTimeout(
      new Promise<'registered' | number>((resolve) => {
        if (registerer.state === RegistererState.Registered) return resolve('registered');
        const onState = (state: RegistererState): void => {
          if (state === RegistererState.Registered) {
            registerer.stateChange.removeListener(onState);
            resolve('registered');
          }
        };
        registerer.stateChange.addListener(onState);
        void registerer
          .register({
            requestDelegate: {
              onReject: (response) => {
                registerer.stateChange.removeListener(onState);
                resolve(response.message.statusCode ?? 0);
              },
            },
          })
          .catch(() => resolve(0));
      }),
      10_000,
      `${this.uri} to register`,
    ); // generous: CI runs two heavy test files at once on 2 cores
  }

  async unregister(): Promise<void> {
    const registerer = this.registerer;
    if (!registerer) return;
    await withTimeout(
      new Promise<void>((resolve) => {
        if (registerer.state === RegistererState.Unregistered) return resolve();
        const onState = (state: RegistererState): void => {
          if (state === RegistererState.Unregistered) resolve();
        };
        registerer.stateChange.addListener(onState);
        void registerer.unregister();
      }),
      3000,
      `${this.uri} to unregister`,
    );
  }

  /** Places a call to `user` (or a full URI); `outcome` settles on answer or failure. */
  call(target: string): { inviter: Inviter; outcome: Promise<CallOutcome>; progress: Promise<number> } {
    const uri = UserAgent.makeURI(target.startsWith('sip:') ? target : `sip:${target}@${this.options.domain}`);
    if (!uri) throw new Error(`bad target ${target}`);
    const inviter = new Inviter(this.ua, uri);
    this.watch(inviter);
    let progressed: (status: number) => void = () => {};
    const progress = new Promise<number>((r) => {
      progressed = r;
    });
    const outcome = new Promise<CallOutcome>((resolve) => {
      inviter.stateChange.addListener((state) => {
        if (state === SessionState.Established) resolve({ kind: 'established' });
        // sip.js terminates the session before it calls onReject: let onReject speak first.
        if (state === SessionState.Terminated) setTimeout(() => resolve({ kind: 'terminated' }), 20);
      });
      void inviter
        .invite({
          requestDelegate: {
            onProgress: (response) => progressed(response.message.statusCode ?? 0),
            onReject: (response) => resolve({ kind: 'rejected', status: response.message.statusCode ?? 0 }),
          },
        })
        .catch(() => resolve({ kind: 'terminated' }));
    });
    return { inviter, outcome, progress };
  }

  message(target: string, text: string): Promise<number> {
    const uri = UserAgent.makeURI(`sip:${target}@${this.options.domain}`);
    if (!uri) throw new Error(`bad target ${target}`);
    const messager = new Messager(this.ua, uri, text);
    return withTimeout(
      new Promise<number>((resolve) => {
        void messager.message({
          requestDelegate: {
            onAccept: (r) => resolve(r.message.statusCode ?? 0),
            onReject: (r) => resolve(r.message.statusCode ?? 0),
          },
        });
      }),
      3000,
      `MESSAGE to ${target}`,
    );
  }

  /** Publishes PIDF presence for this phone's own URI. */
  publisher(): Publisher {
    const uri = UserAgent.makeURI(this.uri);
    if (!uri) throw new Error('bad uri');
    return new Publisher(this.ua, uri, 'presence', { expires: 600, contentType: 'application/pidf+xml' });
  }

  /** Publishes a PIDF document (basic open/closed, optional RPID activity and note); resolves on the answer. */
  async publishPresence(basic: 'open' | 'closed', activity?: string, note?: string): Promise<Publisher> {
    const publisher = this.publisher();
    const published = withTimeout(
      new Promise<void>((resolve) => {
        publisher.stateChange.addListener((state) => {
          if (state === PublisherState.Published) resolve();
        });
      }),
      3000,
      `${this.uri} to publish`,
    );
    await publisher.publish(pidf(this.uri, basic, activity, note));
    await published;
    return publisher;
  }

  /** Subscribes to `event` of `user`; NOTIFY bodies arrive on the returned queue. */
  subscribe(user: string, event: 'presence' | 'dialog', expires = 600): { subscriber: Subscriber; notifications: AsyncQueue<Notification> } {
    const uri = UserAgent.makeURI(`sip:${user}@${this.options.domain}`);
    if (!uri) throw new Error('bad uri');
    const notifications = new AsyncQueue<Notification>();
    const subscriber = new Subscriber(this.ua, uri, event, { expires });
    subscriber.delegate = {
      onNotify: (notification) => {
        notifications.push(notification);
        void notification.accept();
      },
    };
    void subscriber.subscribe();
    return { subscriber, notifications };
  }

  async stop(): Promise<void> {
    await withTimeout(this.ua.stop(), 3000, `${this.uri} to stop`).catch(() => undefined);
  }

  /** Wires session delegates: INFO, BYE and REFER (accept, then call the refer target). */
  private watch(session: Session): void {
    session.delegate = {
      onInfo: (info) => {
        void info.accept();
        this.infos.push(info);
      },
      onBye: (bye) => {
        void bye.accept();
        this.byes.push(session);
      },
      onRefer: (referral) => {
        this.referrals.push(referral);
        void referral.accept().then(() => {
          const inviter = referral.makeInviter();
          this.watch(inviter);
          this.transferCalls.push(inviter);
          void inviter.invite();
        });
      },
    };
  }
}

export function pidf(entity: string, basic: 'open' | 'closed', activity?: string, note?: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${entity}">`,
    `  <tuple id="t1"><status><basic>${basic}</basic></status>${note ? `<note>${note}</note>` : ''}</tuple>`,
    activity ? `  <dm:person id="p1"><rpid:activities><rpid:${activity}/></rpid:activities></dm:person>` : '',
    '</presence>',
  ].join('\r\n');
}

/** Waits for a session to reach `state`. */
export function reach(session: Session, state: SessionState, ms = 3000): Promise<void> {
  if (session.state === state) return Promise.resolve();
  return withTimeout(
    new Promise<void>((resolve) => {
      const listener = (s: SessionState): void => {
        if (s === state) {
          session.stateChange.removeListener(listener);
          resolve();
        }
      };
      session.stateChange.addListener(listener);
    }),
    ms,
    `session to reach ${state}`,
  );
}

export { SessionState, Invitation };
