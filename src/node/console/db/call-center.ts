/**
 * Call centers: the imported definition (raw XML and its items) kept beside a CallCenter record,
 * getCallCenterSettings' slash-key map built from the items, and which user is
 * in which call center (User.CallCenterId, as in an org). Validating the XML is the Call Center
 * tool's job; `import` takes items already validated.
 */
import type { ConsoleDb } from './console-db.ts';
import { sfError } from './errors.ts';
import { normalizeId } from './ids.ts';

export interface CallCenterItem {
  readonly section: string;
  readonly item: string;
  readonly value: string;
  readonly label?: string;
  /** The item's sortOrder inside its section. */
  readonly sortOrder: number;
  readonly sectionLabel?: string;
  readonly sectionSortOrder?: number;
}

export interface CallCenterInfo {
  readonly id: string;
  readonly internalName: string;
  readonly displayName: string;
  readonly adapterUrl: string | null;
}

export interface CallCenterDefinition extends CallCenterInfo {
  readonly xml: string;
  readonly items: readonly CallCenterItem[];
  readonly settings: Readonly<Record<string, string>>;
}

/** Salesforce prints sortOrders as decimals ("2.0"). */
const decimal = (n: number) => (Number.isInteger(n) ? `${n}.0` : String(n));

/** getCallCenterSettings' flat map from a definition's items. */
export function buildCallCenterSettings(items: readonly CallCenterItem[]): Record<string, string> {
  const out: Record<string, string> = {};
  const sections: string[] = [];
  for (const it of items) {
    if (!sections.includes(it.section)) {
      sections.push(it.section);
      out[`/${it.section}/label`] = it.sectionLabel ?? it.section;
      out[`/${it.section}/sortOrder`] = decimal(it.sectionSortOrder ?? sections.length - 1);
    }
    out[`/${it.section}/${it.item}`] = it.value;
    out[`/${it.section}/${it.item}/label`] = it.label ?? it.item;
    out[`/${it.section}/${it.item}/sortOrder`] = decimal(it.sortOrder);
  }
  const find = (name: string) => items.find((i) => i.section === 'reqGeneralInfo' && i.item === name);
  out['/displayNameLabel'] = find('reqDisplayName')?.label ?? 'Display Name';
  out['/internalNameLabel'] = find('reqInternalName')?.label ?? 'Internal Name';
  out['/label'] = find('reqDisplayName')?.value ?? find('reqInternalName')?.value ?? '';
  return out;
}

const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The Setup-import XML (`<callCenter><section><item>`) for items. */
export function callCenterXml(items: readonly CallCenterItem[]): string {
  const sections: string[] = [];
  for (const it of items) if (!sections.includes(it.section)) sections.push(it.section);
  const body = sections.map((s, i) => {
    const its = items.filter((it) => it.section === s);
    const label = its[0]!.sectionLabel ?? s;
    const lines = its.map((it) => `    <item sortOrder="${it.sortOrder}" name="${esc(it.item)}" label="${esc(it.label ?? it.item)}">${esc(it.value)}</item>`);
    return `  <section sortOrder="${its[0]!.sectionSortOrder ?? i}" name="${esc(s)}" label="${esc(label)}">\n${lines.join('\n')}\n  </section>`;
  });
  return `<callCenter>\n${body.join('\n')}\n</callCenter>\n`;
}

export class CallCenterStore {
  constructor(private readonly db: ConsoleDb) {}

  list(): CallCenterInfo[] {
    return (
      this.db.sql.prepare('SELECT "Id", "InternalName", "Name", "AdapterUrl" FROM "sobj_CallCenter" ORDER BY "Id"').all() as {
        Id: string;
        InternalName: string;
        Name: string;
        AdapterUrl: string | null;
      }[]
    ).map((r) => ({ id: r.Id, internalName: r.InternalName, displayName: r.Name, adapterUrl: r.AdapterUrl }));
  }

  /** By Id or internal name. */
  get(idOrInternalName: string): CallCenterDefinition | undefined {
    const id = normalizeId(idOrInternalName);
    const info = this.list().find((c) => c.id === id || c.internalName.toLowerCase() === idOrInternalName.toLowerCase());
    if (!info) return undefined;
    const def = this.db.sql.prepare('SELECT xml, items FROM call_center_definitions WHERE call_center_id = ?').get(info.id) as
      { xml: string; items: string } | undefined;
    const items = def ? (JSON.parse(def.items) as CallCenterItem[]) : [];
    return { ...info, xml: def?.xml ?? '', items, settings: buildCallCenterSettings(items) };
  }

  /** Stores a validated definition; replaces the call center with the same reqInternalName. */
  import(definition: { readonly xml?: string; readonly items: readonly CallCenterItem[] }): { id: string; created: boolean } {
    const items = definition.items;
    const value = (name: string) => items.find((i) => i.section === 'reqGeneralInfo' && i.item === name)?.value;
    const internalName = value('reqInternalName');
    if (!internalName) throw sfError('REQUIRED_FIELD_MISSING', 'The call center definition has no reqGeneralInfo/reqInternalName item', ['reqInternalName']);
    const fields = { Name: value('reqDisplayName') ?? internalName, InternalName: internalName, AdapterUrl: value('reqAdapterUrl') ?? null, Version: '4' };
    const xml = definition.xml ?? callCenterXml(items);
    return this.db.transaction(() => {
      const existing = this.get(internalName);
      let id: string;
      if (existing) this.db.update('CallCenter', (id = existing.id), fields, {}, true);
      else id = this.db.create('CallCenter', fields, {}, true);
      this.db.sql
        .prepare(
          'INSERT INTO call_center_definitions (call_center_id, xml, items) VALUES (?, ?, ?) ON CONFLICT(call_center_id) DO UPDATE SET xml = excluded.xml, items = excluded.items',
        )
        .run(id, xml, JSON.stringify(items));
      return { id, created: !existing };
    });
  }

  /** Puts a user in a call center (null: none). */
  assign(userId: string, callCenterId: string | null): void {
    this.db.update('User', userId, { CallCenterId: callCenterId });
  }

  /** The call center a user is in, with its settings; undefined when none. */
  forUser(userId: string): CallCenterDefinition | undefined {
    const user = this.db.retrieveById(userId, ['CallCenterId']);
    const cc = user?.CallCenterId;
    return typeof cc === 'string' ? this.get(cc) : undefined;
  }
}
