/**
 * The shorthand the object tables in schema.ts and telephony-objects.ts are written in: one builder
 * per field type with Salesforce's usual length and writability, plus the fields every object shares.
 * Kept apart from the tables so both sets of objects build fields the same way without importing each
 * other's values.
 */
import type { FieldDef, FieldType } from './schema.ts';

export type Opts = Partial<Omit<FieldDef, 'name' | 'label' | 'type'>>;
/** An ordinary field the API may write on create and update. */
const rw = { createable: true, updateable: true } as const;
/** A field the platform computes; the API may not write it. */
export const ro = { createable: false, updateable: false, calculated: true } as const;

export const f = (type: FieldType, name: string, label: string, opts: Opts = {}): FieldDef => ({ name, label, type, ...rw, ...opts });
export const str = (name: string, label: string, length: number, opts: Opts = {}) => f('string', name, label, { length, ...opts });
export const phone = (name: string, label: string) => f('phone', name, label, { length: 40 });
export const email = (name: string, label: string, opts: Opts = {}) => f('email', name, label, { length: 80, ...opts });
export const text = (name: string, label: string, length = 32000) => f('textarea', name, label, { length });
export const pick = (name: string, label: string, values: readonly string[], opts: Opts = {}) =>
  f('picklist', name, label, { length: 255, picklistValues: values, restricted: true, ...opts });
export const ref = (name: string, label: string, to: readonly string[], relationshipName: string, opts: Opts = {}) =>
  f('reference', name, label, { length: 18, referenceTo: to, relationshipName, ...opts });

/** Fields every object has: Id and the audit fields the platform maintains. */
export function systemFields(): FieldDef[] {
  return [
    f('id', 'Id', 'Record ID', { ...ro, length: 18 }),
    f('datetime', 'CreatedDate', 'Created Date', ro),
    ref('CreatedById', 'Created By ID', ['User'], 'CreatedBy', ro),
    f('datetime', 'LastModifiedDate', 'Last Modified Date', ro),
    ref('LastModifiedById', 'Last Modified By ID', ['User'], 'LastModifiedBy', ro),
    f('datetime', 'SystemModstamp', 'System Modstamp', ro),
  ];
}

export const owner = () => ref('OwnerId', 'Owner ID', ['User'], 'Owner', { required: true });
