/**
 * The Classic console's side of Open CTI for Salesforce Classic (`sforce.interaction`): the same
 * work as Lightning, answered in Classic's shapes — callbacks get `{result, error}`, results are
 * often JSON strings, saveLog takes a query string, screenPop takes a relative URL.
 */
import { INTERACTION_API_TYPE, isApiRequest, type ApiRequest, type InteractionResponse, type OpenCtiResponse } from '../opencti/web/protocol.ts';
import type { ApiClient, Session } from './api-client.ts';
import { PopError, type ClickToDialEvent, type ViewInfo, type Workspace } from './workspace.ts';

const res = (result: unknown): InteractionResponse => ({ result });
const err = (error: string): InteractionResponse => ({ error });
const firstError = (r: OpenCtiResponse): string => r.errors?.map((e) => e.description).join(' ') ?? 'failed';

export class ClassicHost {
  readonly log: { method: string; args: unknown; at: number }[] = [];
  readonly listeners = { onClickToDial: 0, onFocus: 0 };
  visible = true;
  width: number;
  height: number;
  private apiVersion = 0;

  constructor(
    private readonly frame: HTMLIFrameElement,
    private readonly frameOrigin: string,
    private readonly api: ApiClient,
    private readonly session: Session,
    private readonly workspace: Workspace,
    size: { width: number; height: number },
  ) {
    this.width = size.width;
    this.height = size.height;
    window.addEventListener('message', (e) => void this.onMessage(e));
  }

  private async onMessage(event: MessageEvent): Promise<void> {
    if (event.source !== this.frame.contentWindow || event.origin !== this.frameOrigin) return;
    if (!isApiRequest(event.data, INTERACTION_API_TYPE)) return;
    const req = event.data;
    this.apiVersion = req.apiVersion;
    const at = Date.now();
    this.log.push({ method: req.methodName, args: req.args, at });
    let response: InteractionResponse | undefined;
    try {
      response = await this.handle(req);
    } catch (e) {
      response = err(e instanceof Error ? e.message : String(e));
    }
    this.api.log([
      { method: req.methodName, args: req.args, at, surface: 'classic', userId: this.session.user.Id, success: response ? !response.error : true },
    ]);
    if (response && req.isCallbackRegistered) this.post(req.methodName, req.callId, response);
  }

  private post(methodName: string, callId: number, response: unknown): void {
    this.frame.contentWindow?.postMessage({ methodName, callId, apiVersion: this.apiVersion, apiType: INTERACTION_API_TYPE, response }, this.frameOrigin);
  }

  private pageInfo(info: ViewInfo): string {
    return JSON.stringify({ url: info.url, objectId: info.recordId ?? '', objectName: info.recordName ?? '', object: info.objectType ?? '' });
  }

  navigationChanged(info: ViewInfo): void {
    if (this.listeners.onFocus > 0) this.post('onFocus', -1, res(this.pageInfo(info)));
  }

  clickToDial(e: ClickToDialEvent): void {
    if (!this.workspace.clickToDial || this.listeners.onClickToDial === 0) return;
    this.post(
      'onClickToDial',
      -1,
      res(JSON.stringify({ number: e.number, objectId: e.recordId, objectName: e.recordName, object: e.objectType, displayName: e.objectType })),
    );
  }

  private async handle(req: ApiRequest): Promise<InteractionResponse | undefined> {
    const a = req.args as Record<string, unknown>;
    if (req.isListenerRegistered && req.methodName in this.listeners) this.listeners[req.methodName as 'onFocus']++;
    switch (req.methodName) {
      case 'onFocus':
      case 'onClickToDial':
        return undefined;
      case 'getPageInfo':
        return res(this.pageInfo(this.workspace.info()));
      case 'isInConsole':
        return res(true);
      case 'isVisible':
        return res(this.visible);
      case 'setVisible':
        if (typeof a.value !== 'boolean') return err('value must be true or false');
        this.visible = a.value;
        this.frame.parentElement!.hidden = !a.value;
        return res(true);
      case 'refreshPage':
      case 'refreshRelatedList':
        await this.workspace.refresh();
        return res(true);
      case 'enableClickToDial':
      case 'disableClickToDial':
        this.workspace.clickToDial = req.methodName === 'enableClickToDial';
        await this.workspace.refresh();
        return res(true);
      case 'notifyInitializationComplete':
        return undefined;
      case 'setSoftphoneHeight':
      case 'setSoftphoneWidth': {
        const v = req.methodName === 'setSoftphoneHeight' ? a.height : a.width;
        if (typeof v !== 'number' || v <= 0) return err(`${req.methodName}: a positive number of pixels is required`);
        if (req.methodName === 'setSoftphoneHeight') this.height = v;
        else this.width = v;
        this.frame.style.height = `${this.height}px`;
        this.frame.style.width = `${this.width}px`;
        return res(true);
      }
      case 'getCallCenterSettings':
      case 'getSoftphoneLayout': {
        const r = await this.api.openCti(req.methodName, {});
        return r.success ? res(JSON.stringify(r.returnValue)) : err(firstError(r));
      }
      case 'getDirectoryNumbers': {
        const users = this.session.users.filter((u) => u.CallCenterId && u.CallCenterId === this.session.user.CallCenterId);
        return res(JSON.stringify({ hasNext: false, ...Object.fromEntries(users.map((u) => [u.Name, u.Username])) }));
      }
      case 'runApex': {
        const r = await this.api.openCti('runApex', a);
        if (!r.success) return err(firstError(r));
        const v = (r.returnValue as { runApex: unknown }).runApex;
        return res(typeof v === 'string' ? v : JSON.stringify(v));
      }
      case 'saveLog': {
        if (typeof a.object !== 'string' || typeof a.saveParams !== 'string') return err('saveLog needs an object name and a saveParams query string');
        const fields: Record<string, string> = {};
        for (const [k, v] of new URLSearchParams(a.saveParams)) fields[k] = v;
        const value = fields.Id ? fields : { entityApiName: a.object, ...fields };
        const r = await this.api.openCti('saveLog', { object: value });
        if (!r.success) return { result: false, error: firstError(r) };
        return { result: true, ...{ id: (r.returnValue as { recordId: string }).recordId } } as InteractionResponse;
      }
      case 'screenPop':
        try {
          await this.workspace.pop({ type: 'url', params: { url: a.url } });
          return res(true);
        } catch (e) {
          if (e instanceof PopError) return err(e.message);
          throw e;
        }
      case 'searchAndScreenPop':
      case 'searchAndGetScreenPopUrl': {
        const r = await this.api.openCti('searchAndScreenPop', { searchParams: a.searchParams, queryParams: a.queryParams, callType: a.callType || 'inbound' });
        if (!r.success) return err(firstError(r));
        const v = r.returnValue as { matches: Record<string, Record<string, unknown>>; pop: { type: string; params: Record<string, unknown> } | null };
        const out: Record<string, unknown> = {};
        for (const [id, m] of Object.entries(v.matches)) out[id] = { ...m, object: m.RecordType, displayName: m.RecordType };
        if (req.methodName === 'searchAndGetScreenPopUrl') {
          out.screenPopUrl = v.pop ? popUrl(v.pop) : '';
          return res(JSON.stringify(out));
        }
        if (v.pop && a.callType !== 'outbound' && a.callType !== 'internal') await this.workspace.pop(v.pop);
        return res(JSON.stringify(out));
      }
      default:
        return err(`Unknown method ${req.methodName}`);
    }
  }
}

function popUrl(pop: { type: string; params: Record<string, unknown> }): string {
  switch (pop.type) {
    case 'sobject':
      return `/${String(pop.params.recordId)}`;
    case 'url':
      return String(pop.params.url);
    case 'search':
      return `/_ui/search/ui/UnifiedSearchResults?str=${encodeURIComponent(String(pop.params.searchString))}`;
    case 'newRecord':
      return `/${String(pop.params.entityName)}/e`;
    default:
      return '';
  }
}
