/**
 * The Lightning console's side of Open CTI: receives the softphone frame's calls (only from that
 * frame's window and origin), does the work (UI here, data through the server), and replies to
 * the frame's origin (never '*') in Salesforce's `{success, returnValue, errors}` shape. Listener
 * registrations (onClickToDial, onNavigationChange, hvs.onWorkStart) stay for the page's life.
 */
import { OPENCTI_API_TYPE, isApiRequest, type ApiRequest, type OpenCtiResponse } from '../opencti/web/protocol.ts';
import type { ApiClient, RecordPage, Session } from './api-client.ts';
import { LmsBus } from './lms-bus.ts';
import type { UtilityBar } from './utility-bar.ts';
import { PopError, type ClickToDialEvent, type ViewInfo, type Workspace } from './workspace.ts';

export interface LogEntry {
  method: string;
  args: unknown;
  at: number;
}

const ok = (returnValue: unknown = null): OpenCtiResponse => ({ success: true, returnValue, errors: null });
const invalid = (description: string): OpenCtiResponse => ({ success: false, returnValue: null, errors: [{ code: 'INVALID_PARAM', description }] });

export const PANEL_HEIGHT = { min: 240, max: 2560 } as const;
export const PANEL_WIDTH = { min: 200, max: 1920 } as const;

export class LightningHost {
  readonly log: LogEntry[] = [];
  readonly listeners = { onClickToDial: 0, onNavigationChange: 0, 'hvs.onWorkStart': 0 };
  initializationComplete = false;
  private apiVersion = 0;
  private readonly works = new Map<string, { to: string; completed: boolean }>();
  private nextWork = 1;

  constructor(
    private readonly frame: HTMLIFrameElement,
    private readonly frameOrigin: string,
    private readonly api: ApiClient,
    private readonly session: Session,
    private readonly workspace: Workspace,
    private readonly bar: UtilityBar,
    readonly lms: LmsBus,
  ) {
    window.addEventListener('message', (event) => void this.onMessage(event));
  }

  private async onMessage(event: MessageEvent): Promise<void> {
    if (event.source !== this.frame.contentWindow || event.origin !== this.frameOrigin) return;
    const data: unknown = event.data;
    if (!isApiRequest(data, OPENCTI_API_TYPE)) return;
    this.apiVersion = data.apiVersion;
    const entry: LogEntry = { method: data.methodName, args: data.args, at: Date.now() };
    this.log.push(entry);
    let response: OpenCtiResponse | undefined;
    try {
      response = await this.handle(data);
    } catch (e) {
      response = { success: false, returnValue: null, errors: [{ code: 'GENERIC_ERROR', description: e instanceof Error ? e.message : String(e) }] };
    }
    this.api.log([{ method: data.methodName, args: data.args, at: entry.at, surface: 'lightning', userId: this.session.user.Id, success: response?.success }]);
    if (response && data.isCallbackRegistered) this.reply(data.methodName, data.callId, response);
  }

  /** Posts to the softphone frame, targeted at its origin. */
  reply(methodName: string, callId: number, response: unknown): void {
    this.frame.contentWindow?.postMessage({ methodName, callId, apiVersion: this.apiVersion, apiType: OPENCTI_API_TYPE, response }, this.frameOrigin);
  }

  /** A listener event: goes to every listener the frame registered for `methodName`. */
  emit(methodName: string, payload: unknown): void {
    this.reply(methodName, -1, payload);
  }

  /**
   * onNavigationChange fires for record pages, tab switches and refreshes; in a console app, moving
   * from a record to a list view or object home gives no call.
   */
  navigationChanged(info: ViewInfo): void {
    const kind = this.workspace.active?.kind;
    if (!info.recordId && (kind === 'list' || kind === 'objecthome') && !this.workspace.modalOpen) return;
    if (this.listeners.onNavigationChange > 0) this.emit('onNavigationChange', info);
  }

  clickToDial(event: ClickToDialEvent): void {
    if (!this.workspace.clickToDial) return;
    this.bar.setVisible(true);
    if (this.listeners.onClickToDial > 0) this.emit('onClickToDial', event);
  }

  workStart(to: string): string | undefined {
    if (this.listeners['hvs.onWorkStart'] === 0) return undefined;
    const workId = `0Zw${String(this.nextWork++).padStart(12, '0')}`;
    this.works.set(workId, { to, completed: false });
    this.bar.setVisible(true);
    this.emit('hvs.onWorkStart', { workId, completeWorkWhen: 'TaskSaved', attributes: { to } });
    return workId;
  }

  private async handle(req: ApiRequest): Promise<OpenCtiResponse | undefined> {
    const a = req.args as Record<string, unknown>;
    if (req.isListenerRegistered && req.methodName in this.listeners) this.listeners[req.methodName as keyof LightningHost['listeners']]++;
    switch (req.methodName) {
      case 'onClickToDial':
      case 'onNavigationChange':
        return undefined;
      case 'hvs.onWorkStart':
        // The record page offers a cadence call once a softphone can take the work.
        if (req.isListenerRegistered && this.listeners['hvs.onWorkStart'] === 1) await this.workspace.refresh();
        return undefined;
      case 'enableClickToDial':
      case 'disableClickToDial':
        this.workspace.clickToDial = req.methodName === 'enableClickToDial';
        await this.workspace.refresh();
        return ok();
      case 'setSoftphonePanelVisibility':
        if (typeof a.visible !== 'boolean') return invalid('visible must be true or false.');
        this.bar.setVisible(a.visible);
        return ok();
      case 'isSoftphonePanelVisible':
        return ok({ visible: this.bar.phone.visible });
      case 'setSoftphonePanelHeight':
      case 'setSoftphonePanelWidth': {
        const height = req.methodName === 'setSoftphonePanelHeight';
        const value = height ? a.heightPX : a.widthPX;
        const { min, max } = height ? PANEL_HEIGHT : PANEL_WIDTH;
        const name = height ? 'heightPX' : 'widthPX';
        if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
          return invalid(`${name} must be a number from ${min} to ${max}; got ${JSON.stringify(value)}.`);
        }
        if (height) this.bar.phone.heightPX = Math.round(value);
        else this.bar.phone.widthPX = Math.round(value);
        this.bar.renderPhone();
        return ok();
      }
      case 'setSoftphoneItemLabel':
      case 'setSoftphonePanelLabel': {
        if (typeof a.label !== 'string' || a.label.trim() === '') return invalid('label must be a non-empty string.');
        if (req.methodName === 'setSoftphoneItemLabel') this.bar.phone.itemLabel = a.label;
        else this.bar.phone.panelLabel = a.label;
        this.bar.renderPhone();
        return ok();
      }
      case 'setSoftphoneItemIcon':
      case 'setSoftphonePanelIcon': {
        if (typeof a.key !== 'string' || !/^[a-z][a-z0-9_]*$/.test(a.key)) return invalid('key must be an SLDS utility icon name, such as "call".');
        if (req.methodName === 'setSoftphoneItemIcon') this.bar.phone.itemIcon = a.key;
        else this.bar.phone.panelIcon = a.key;
        this.bar.renderPhone();
        return ok();
      }
      case 'getAppViewInfo':
        return ok(this.workspace.info());
      case 'refreshView':
        await this.workspace.refresh();
        return ok();
      case 'notifyInitializationComplete':
        this.initializationComplete = true;
        return ok();
      case 'screenPop':
        try {
          await this.workspace.pop({ type: a.type, params: a.params });
          return ok();
        } catch (e) {
          if (e instanceof PopError) return invalid(e.message);
          throw e;
        }
      case 'searchAndScreenPop': {
        const r = await this.api.openCti('searchAndScreenPop', a);
        if (!r.success) return r;
        const value = r.returnValue as { matches: Record<string, unknown>; pop: { type: string; params: unknown } | null; record?: RecordPage };
        const result: Record<string, unknown> = { ...value.matches };
        if (a.deferred === true) {
          if (value.pop) result.SCREEN_POP_DATA = value.pop;
        } else if (value.pop) {
          try {
            await this.workspace.pop(value.pop, value.record);
          } catch (e) {
            if (e instanceof PopError) return invalid(e.message);
            throw e;
          }
        }
        return ok(result);
      }
      case 'getCallCenterSettings':
      case 'getSoftphoneLayout':
      case 'runApex':
        return this.api.openCti(req.methodName, a);
      case 'saveLog': {
        const r = await this.api.openCti('saveLog', a);
        return r;
      }
      case 'subscribe': {
        if (!this.lms.knows(a.channelName)) return invalid(`Unknown message channel '${String(a.channelName)}'.`);
        const sub = this.lms.subscribe(a.channelName, 'softphone', (message, s) => this.emit('lmsMessage', { subscriptionId: s.subscriptionId, message }));
        return ok(sub);
      }
      case 'unsubscribe': {
        const s = a.subscription as { subscriptionId?: unknown } | undefined;
        if (!s || typeof s.subscriptionId !== 'string' || !this.lms.unsubscribe(s.subscriptionId))
          return invalid('subscription is not an active subscription.');
        return ok();
      }
      case 'publish': {
        if (!this.lms.knows(a.channelName)) return invalid(`Unknown message channel '${String(a.channelName)}'.`);
        if (typeof a.message !== 'object' || a.message === null) return invalid('message must be an object.');
        this.lms.publish(a.channelName, a.message);
        return ok();
      }
      case 'hvs.completeWork': {
        const work = typeof a.workId === 'string' ? this.works.get(a.workId) : undefined;
        if (!work) return invalid(`No work item with workId ${JSON.stringify(a.workId)}.`);
        const attrs = (a.attributes ?? {}) as { disposition?: unknown; taskId?: unknown; wasConnected?: unknown };
        if (typeof attrs.disposition !== 'string' || !attrs.disposition) return invalid('attributes.disposition is required for TaskSaved work.');
        if (typeof attrs.taskId !== 'string' || !attrs.taskId) return invalid('attributes.taskId is required for TaskSaved work.');
        work.completed = true;
        return ok();
      }
      default:
        return invalid(`Unknown Open CTI method '${req.methodName}'.`);
    }
  }
}
