/**
 * Softphone layouts (getSoftphoneLayout's returnValue) stored as SoftphoneLayout
 * records with the definition as JSON, plus which user uses which layout (else the default one).
 */
import type { ConsoleDb } from './console-db.ts';
import { sfError } from './errors.ts';
import { findField, findObject } from './schema.ts';
import { normalizeId } from './ids.ts';

export type CallTypeName = 'Inbound' | 'Outbound' | 'Internal';
export type CallRelatedField = 'ANI' | 'DNIS' | 'SEGMENT' | 'QUEUE';
export type ScreenPopType = 'PopToEntity' | 'PopToVisualforce' | 'PopToSearch' | 'PopToFlow' | 'DoNotPop';

export interface ScreenPopAction {
  readonly screenPopType: ScreenPopType;
  readonly screenPopData?: string;
}

export interface DisplayField {
  readonly displayName: string;
  readonly apiName: string;
}

export interface CallTypeLayout {
  readonly callRelatedFields: readonly CallRelatedField[];
  readonly objects: Readonly<Record<string, readonly DisplayField[]>>;
  readonly screenPopSettings: {
    readonly screenPopsOpenWithin?: 'ExistingWindow' | 'NewWindow';
    readonly NoMatch?: ScreenPopAction;
    readonly SingleMatch?: ScreenPopAction;
    readonly MultipleMatches?: ScreenPopAction;
  };
}

export type SoftphoneLayout = Readonly<Record<CallTypeName, CallTypeLayout>>;

export interface StoredLayout {
  readonly id: string;
  readonly name: string;
  readonly isDefault: boolean;
  readonly layout: SoftphoneLayout;
}

const CALL_TYPES: readonly CallTypeName[] = ['Inbound', 'Outbound', 'Internal'];
const RELATED = new Set(['ANI', 'DNIS', 'SEGMENT', 'QUEUE']);
const POP_TYPES = new Set(['PopToEntity', 'PopToVisualforce', 'PopToSearch', 'PopToFlow', 'DoNotPop']);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks an untrusted layout; throws Error naming the path of the first problem. */
export function parseSoftphoneLayout(value: unknown, where = 'layout'): SoftphoneLayout {
  if (!isObj(value)) throw new Error(`${where} must be an object with Inbound, Outbound and Internal`);
  const out: Partial<Record<CallTypeName, CallTypeLayout>> = {};
  for (const ct of CALL_TYPES) {
    const at = `${where}.${ct}`;
    const v = value[ct];
    if (!isObj(v)) throw new Error(`${at} must be an object`);
    const related = v.callRelatedFields ?? [];
    if (!Array.isArray(related) || related.some((r) => typeof r !== 'string' || !RELATED.has(r)))
      throw new Error(`${at}.callRelatedFields must list ANI, DNIS, SEGMENT or QUEUE`);
    const objects: Record<string, DisplayField[]> = {};
    if (!isObj(v.objects ?? {})) throw new Error(`${at}.objects must be an object`);
    for (const [name, fields] of Object.entries((v.objects ?? {}) as Record<string, unknown>)) {
      const def = findObject(name);
      if (!def || !def.searchable) throw new Error(`${at}.objects.${name}: not a searchable object`);
      if (!Array.isArray(fields)) throw new Error(`${at}.objects.${name} must be an array of {displayName, apiName}`);
      objects[def.name] = fields.map((f, i) => {
        if (!isObj(f) || typeof f.apiName !== 'string' || typeof f.displayName !== 'string')
          throw new Error(`${at}.objects.${name}[${i}] must be {displayName, apiName}`);
        const fd = findField(def, f.apiName);
        if (!fd) throw new Error(`${at}.objects.${name}[${i}].apiName: no field ${f.apiName} on ${def.name}`);
        return { displayName: f.displayName, apiName: fd.name };
      });
    }
    const pop = v.screenPopSettings ?? {};
    if (!isObj(pop)) throw new Error(`${at}.screenPopSettings must be an object`);
    const settings: Record<string, unknown> = {};
    if (pop.screenPopsOpenWithin !== undefined) {
      if (pop.screenPopsOpenWithin !== 'ExistingWindow' && pop.screenPopsOpenWithin !== 'NewWindow')
        throw new Error(`${at}.screenPopSettings.screenPopsOpenWithin must be ExistingWindow or NewWindow`);
      settings.screenPopsOpenWithin = pop.screenPopsOpenWithin;
    }
    for (const key of ['NoMatch', 'SingleMatch', 'MultipleMatches'] as const) {
      const a = pop[key];
      if (a === undefined) continue;
      if (!isObj(a) || typeof a.screenPopType !== 'string' || !POP_TYPES.has(a.screenPopType))
        throw new Error(`${at}.screenPopSettings.${key}.screenPopType must be one of ${[...POP_TYPES].join(', ')}`);
      if (a.screenPopData !== undefined && typeof a.screenPopData !== 'string')
        throw new Error(`${at}.screenPopSettings.${key}.screenPopData must be a string`);
      if (key === 'NoMatch' && a.screenPopType === 'PopToEntity' && !(typeof a.screenPopData === 'string' && findObject(a.screenPopData))) {
        throw new Error(`${at}.screenPopSettings.NoMatch: PopToEntity needs screenPopData naming the object to create`);
      }
      settings[key] = a.screenPopData === undefined ? { screenPopType: a.screenPopType } : { screenPopType: a.screenPopType, screenPopData: a.screenPopData };
    }
    out[ct] = { callRelatedFields: related as CallRelatedField[], objects, screenPopSettings: settings as CallTypeLayout['screenPopSettings'] };
  }
  return out as SoftphoneLayout;
}

export class SoftphoneLayoutStore {
  constructor(private readonly db: ConsoleDb) {}

  list(): StoredLayout[] {
    return (
      this.db.prepare('SELECT "Id", "Name", "IsDefault", "Definition" FROM "sobj_SoftphoneLayout" ORDER BY "Id"').all() as {
        Id: string;
        Name: string;
        IsDefault: number;
        Definition: string;
      }[]
    ).map((r) => ({ id: r.Id, name: r.Name, isDefault: r.IsDefault === 1, layout: JSON.parse(r.Definition) as SoftphoneLayout }));
  }

  get(id: string): StoredLayout | undefined {
    return this.list().find((l) => l.id === normalizeId(id));
  }

  /** Creates a layout; `isDefault` makes it the one users without an assignment get. */
  create(name: string, layout: unknown, isDefault = false): string {
    const parsed = parseSoftphoneLayout(layout);
    return this.db.transaction(() => {
      if (isDefault) this.db.sql.prepare('UPDATE "sobj_SoftphoneLayout" SET "IsDefault" = 0').run();
      return this.db.create('SoftphoneLayout', { Name: name, IsDefault: isDefault, Definition: JSON.stringify(parsed) }, {}, true);
    });
  }

  replace(id: string, layout: unknown): void {
    const stored = this.get(id);
    if (!stored) throw sfError('NOT_FOUND', `No softphone layout ${id}`);
    this.db.update('SoftphoneLayout', stored.id, { Definition: JSON.stringify(parseSoftphoneLayout(layout)) }, {}, true);
  }

  default(): StoredLayout | undefined {
    return this.list().find((l) => l.isDefault);
  }

  /** The layout `userId` gets: the assigned one, else the default. */
  forUser(userId: string): StoredLayout | undefined {
    const row = this.db.prepare('SELECT layout_id FROM softphone_layout_assignments WHERE user_id = ?').get(normalizeId(userId) ?? userId) as
      { layout_id: string } | undefined;
    return (row && this.get(row.layout_id)) || this.default();
  }

  /** Assigns a layout to a user (undefined: back to the default). */
  assign(userId: string, layoutId: string | undefined): void {
    const user = normalizeId(userId);
    if (!user || !this.db.retrieveById(user)) throw sfError('NOT_FOUND', `No user ${userId}`);
    if (layoutId === undefined) {
      this.db.sql.prepare('DELETE FROM softphone_layout_assignments WHERE user_id = ?').run(user);
      return;
    }
    const layout = this.get(layoutId);
    if (!layout) throw sfError('NOT_FOUND', `No softphone layout ${layoutId}`);
    this.db.sql
      .prepare('INSERT INTO softphone_layout_assignments (user_id, layout_id) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET layout_id = excluded.layout_id')
      .run(user, layout.id);
  }
}
