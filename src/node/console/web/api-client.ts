/** The console page's calls to its server (`/emulator/api/console/...`). */
import type { OpenCtiResponse } from '../opencti/web/protocol.ts';

export interface UserView {
  Id: string;
  Name: string;
  Username: string;
  CallCenterId: string | null;
  SwitchboardExtension__c?: string | null;
  LocaleSidKey?: string;
  TimeZoneSidKey?: string;
}
export interface CallCenterView {
  Id: string;
  Name: string;
  InternalName: string;
  AdapterUrl: string | null;
}
export interface FieldInfo {
  name: string;
  label: string;
  type: string;
  required: boolean;
  createable: boolean;
  picklistValues?: string[];
  picklistLabels?: Record<string, string>;
}
export interface ObjectInfo {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldInfo[];
}
export interface ObjectSummary {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
}
export type Value = string | number | boolean | null;
export interface RecordView {
  Id: string;
  object: string;
  name: string;
  fields: Record<string, Value>;
}
/** What a record page shows (GET records/:id; also sent with a search and pop that opens a record). */
export interface RecordPage {
  record: RecordView;
  object: ObjectInfo;
  /** The latest activities (a few), newest first, and how many the record has in all. */
  activities: RecordView[];
  activityCount: number;
  /** Names of the lookups' parents (and the activities' Who/What), by Id. */
  names?: Record<string, LookupName>;
  related?: RelatedList[];
  /** The Task object's description (its CallDisposition labels), for the activity timeline. */
  activityObject?: ObjectInfo;
}
export interface LookupName {
  object: string;
  name: string;
}
export interface RelatedList {
  object: string;
  label: string;
  field: string;
  relationship: string;
  count: number;
  records: RecordView[];
}
/** One page of a View All list (GET records/:id/related/:relationship): whose list it is, the list, its object's description. */
export interface RelatedPage {
  parent: { Id: string; object: string; name: string; label: string };
  list: RelatedList;
  object: ObjectInfo;
  offset: number;
}
export interface CallTypeLayout {
  callRelatedFields: string[];
  objects: Record<string, { apiName: string; displayName: string }[]>;
  screenPopSettings: {
    screenPopsOpenWithin?: string;
    NoMatch?: { screenPopType: string; screenPopData?: string };
    SingleMatch?: { screenPopType: string; screenPopData?: string };
    MultipleMatches?: { screenPopType: string; screenPopData?: string };
  };
}
export interface SoftphoneLayoutDef {
  Inbound: CallTypeLayout;
  Outbound: CallTypeLayout;
  Internal: CallTypeLayout;
}
export interface Session {
  user: UserView;
  users: UserView[];
  callCenter: CallCenterView | null;
  settings: Record<string, string> | null;
  layout: SoftphoneLayoutDef;
  objects: ObjectSummary[];
  origins: { lightning: string; vf: string };
}
export interface ImportProblem {
  line: number;
  column: number;
  severity: string;
  rule: string;
  message: string;
  fix: string;
}

export class ApiClient {
  constructor(private readonly userId: string | undefined) {}

  private withUser(path: string): string {
    if (!this.userId) return path;
    return `${path}${path.includes('?') ? '&' : '?'}user=${encodeURIComponent(this.userId)}`;
  }

  async get<T>(path: string): Promise<T> {
    const res = await fetch(this.withUser(`/emulator/api/console/${path}`));
    const body = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
    return body;
  }

  async send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(this.withUser(`/emulator/api/console/${path}`), {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  session(): Promise<Session> {
    return this.get<Session>('session');
  }

  async openCti(method: string, args: unknown): Promise<OpenCtiResponse> {
    const { status, body } = await this.send<OpenCtiResponse & { error?: string }>('POST', `opencti/${method}`, { args });
    if (status !== 200) return { success: false, returnValue: null, errors: [{ code: 'SERVER_ERROR', description: body.error ?? `HTTP ${status}` }] };
    return body;
  }

  record(id: string): Promise<RecordPage> {
    return this.get(`records/${encodeURIComponent(id)}`);
  }

  related(id: string, relationship: string, offset = 0): Promise<RelatedPage> {
    return this.get(`records/${encodeURIComponent(id)}/related/${encodeURIComponent(relationship)}?offset=${offset}`);
  }

  list(object: string): Promise<{ object: ObjectInfo; records: RecordView[] }> {
    return this.get(`objects/${encodeURIComponent(object)}/records`);
  }

  object(name: string): Promise<ObjectInfo> {
    return this.get(`objects/${encodeURIComponent(name)}`);
  }

  search(term: string): Promise<{ term: string; records: RecordView[] }> {
    return this.get(`search?q=${encodeURIComponent(term)}`);
  }

  log(entries: unknown[]): void {
    void fetch('/emulator/api/console/log', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ entries }) }).catch(
      () => undefined,
    );
  }
}
