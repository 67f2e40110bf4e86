/**
 * The call queues of the ring groups that have one: an INVITE to such a group waits here (182
 * Queued) until a member is free, then is offered through the proxy; the queue decides whom and
 * when (call-queue.ts), this module connects it to the server's SIP side.
 */
import type { Clock } from '../../core/index.ts';
import { CallQueue, type CallQueueOptions } from './call-queue.ts';
import type { SipConnection } from './connection.ts';
import type { Directory } from './directory.ts';
import { buildResponse, type ResponseOptions } from './message-build.ts';
import type { ForwardTarget, Proxy } from './proxy.ts';
import type { MemberStatus } from './ring-group.ts';
import type { SipRequest } from './sip-message.ts';
import type { QueueInfo, SipServerEvents } from './types.ts';

/** An INVITE to a queued ring group, held until a member takes it. */
export interface QueuedInvite {
  readonly key: string;
  readonly group: string;
  readonly request: SipRequest;
  readonly connection: SipConnection;
  readonly caller: string;
  readonly called: string;
  readonly toTag: string;
  readonly setHeaders: ReadonlyArray<readonly [string, string | undefined]> | undefined;
}

export interface GroupQueuesPort {
  readonly clock: Clock;
  readonly directory: Pick<Directory, 'ringGroup' | 'ringGroupNames'>;
  readonly proxy: Pick<Proxy, 'forward'>;
  /** The state of each of `members` but `caller`. */
  memberStatuses(members: readonly string[], caller: string): MemberStatus[];
  targetsOf(aor: string): ForwardTarget[];
  /** Our Contact value (a 1xx with a To tag needs one). */
  contact(): string;
  reply(request: SipRequest, connection: SipConnection, status: number, options?: ResponseOptions): void;
  inviteForwarded(event: SipServerEvents['invite-forwarded'][0]): void;
  changed(event: SipServerEvents['queue'][0]): void;
  defer(fn: () => void): void;
}

export class GroupQueues {
  private readonly queues = new Map<string, CallQueue<QueuedInvite>>();

  /** Throws when a queue names no ring group. */
  constructor(
    options: Readonly<Record<string, CallQueueOptions>>,
    private readonly port: GroupQueuesPort,
  ) {
    const { directory } = port;
    for (const [group, queueOptions] of Object.entries(options)) {
      if (directory.ringGroup(group) === undefined)
        throw new Error(`queue "${group}" names no ring group (ring groups: ${directory.ringGroupNames.join(', ') || 'none'})`);
      this.queues.set(group, this.makeQueue(group, queueOptions));
    }
  }

  /** True when ring group `group` queues its calls. */
  isQueued(group: string): boolean {
    return this.queues.has(group);
  }

  /** An INVITE to a queued group arrives (a retransmission of a call the queue holds changes nothing). */
  arrive(call: QueuedInvite): void {
    const queue = this.queues.get(call.group);
    if (!queue || queue.has(call.key)) return;
    queue.arrive(call.key, call.request.callId, call);
  }

  /** True when a queue holds (waits or offers) this INVITE. */
  holds(inviteKey: string): boolean {
    return [...this.queues.values()].some((q) => q.has(inviteKey));
  }

  /** The caller cancelled: the call it had waiting, taken out of its queue, or undefined. */
  abandon(inviteKey: string): QueuedInvite | undefined {
    for (const q of this.queues.values()) {
      const waiting = q.abandon(inviteKey);
      if (waiting) return waiting;
    }
    return undefined;
  }

  /** A socket closed: its callers leave the queues. */
  abandonFrom(connection: SipConnection): void {
    for (const q of this.queues.values()) q.abandonWhere((call) => call.connection === connection);
  }

  /** Members may have become free (a call ended, someone registered or published): offer waiting calls. */
  wake(): void {
    if (this.queues.size === 0) return;
    this.port.defer(() => {
      for (const q of this.queues.values()) q.drain();
    });
  }

  /** Calls waiting now, in all queues. */
  get depth(): number {
    return [...this.queues.values()].reduce((n, q) => n + q.depth, 0);
  }

  info(group: string): QueueInfo | undefined {
    const q = this.queues.get(group);
    return q ? { group, depth: q.depth, maxDepth: q.maxDepth, strategy: q.strategy, maxWaitMs: q.maxWaitMs, maxLength: q.maxLength } : undefined;
  }

  clear(): void {
    for (const q of this.queues.values()) q.clear();
  }

  private makeQueue(group: string, options: CallQueueOptions): CallQueue<QueuedInvite> {
    const { port } = this;
    const queue: CallQueue<QueuedInvite> = new CallQueue(group, options, port.clock, {
      members: (call) => port.memberStatuses(port.directory.ringGroup(group) ?? [], call.caller),
      offer: (call, members, ringTimeoutMs) => {
        const targets = members.flatMap((aor) => port.targetsOf(aor));
        port.proxy.forward(call.request, call.connection, targets, {
          recordRoute: true,
          track: { caller: call.caller, called: call.called },
          ringTimeoutMs,
          ...(call.setHeaders ? { setHeaders: call.setHeaders } : {}),
          onAnswered: () => {
            queue.offerEnded(call.key, { answered: true, callerGone: false, members });
          },
          onFailure: (o) => queue.offerEnded(call.key, { answered: false, callerGone: o.callerGone, members }),
        });
        port.inviteForwarded({ callId: call.request.callId, from: call.caller, to: call.called, targets: members, ringGroup: group });
      },
      reject: (call, status, reason, cause) => {
        if (call.connection.closed) return;
        port.reply(call.request, call.connection, status, { reason, toTag: call.toTag, headers: [['Reason', cause]] });
      },
      queued: (call) => {
        // 182 with a To tag and a Contact: sip.js drops a 1xx without them.
        call.connection.send(buildResponse(call.request.raw, 182, { reason: 'Queued', toTag: call.toTag, headers: [['Contact', port.contact()]] }));
      },
      changed: (event) => port.changed({ group, ...event }),
      defer: (fn) => port.defer(fn),
    });
    return queue;
  }
}
