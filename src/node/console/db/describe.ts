/** Salesforce's describe shapes, generated from the schema tables. */
import type { FieldDef, FieldType, FieldValue, ObjectDef } from './schema.ts';
import { childRelationships as listChildRelationships } from './soql/compile.ts';

export interface PicklistEntry {
  readonly active: boolean;
  readonly defaultValue: boolean;
  readonly label: string;
  readonly value: string;
  readonly validFor: null;
}

export interface FieldDescribe {
  readonly name: string;
  readonly label: string;
  readonly type: FieldType;
  readonly soapType: string;
  readonly length: number;
  readonly byteLength: number;
  readonly precision: number;
  readonly scale: number;
  readonly digits: number;
  readonly nillable: boolean;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly defaultedOnCreate: boolean;
  readonly defaultValue: FieldValue;
  readonly calculated: boolean;
  readonly autoNumber: boolean;
  readonly unique: boolean;
  readonly externalId: boolean;
  readonly idLookup: boolean;
  readonly nameField: boolean;
  readonly filterable: boolean;
  readonly sortable: boolean;
  readonly groupable: boolean;
  readonly custom: boolean;
  readonly caseSensitive: boolean;
  readonly htmlFormatted: boolean;
  readonly dependentPicklist: boolean;
  readonly restrictedPicklist: boolean;
  readonly picklistValues: readonly PicklistEntry[];
  readonly referenceTo: readonly string[];
  readonly relationshipName: string | null;
  readonly polymorphicForeignKey: boolean;
  readonly inlineHelpText: null;
}

export interface ObjectUrls {
  readonly sobject: string;
  readonly describe: string;
  readonly rowTemplate: string;
}

export interface GlobalObjectDescribe {
  readonly name: string;
  readonly label: string;
  readonly labelPlural: string;
  readonly keyPrefix: string;
  readonly custom: boolean;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly deletable: boolean;
  readonly queryable: boolean;
  readonly retrieveable: boolean;
  readonly searchable: boolean;
  readonly layoutable: boolean;
  readonly urls: ObjectUrls;
}

/** A child relationship as describe lists it (the name SOQL subqueries use). */
export interface ChildRelationshipDescribe {
  readonly cascadeDelete: boolean;
  readonly childSObject: string;
  readonly deprecatedAndHidden: boolean;
  readonly field: string;
  readonly relationshipName: string;
  readonly restrictedDelete: boolean;
}

export interface SObjectDescribe extends GlobalObjectDescribe {
  readonly fields: readonly FieldDescribe[];
  readonly childRelationships: readonly ChildRelationshipDescribe[];
  readonly recordTypeInfos: readonly never[];
}

export interface DescribeGlobalResult {
  readonly encoding: 'UTF-8';
  readonly maxBatchSize: number;
  readonly sobjects: readonly GlobalObjectDescribe[];
}

const SOAP_TYPES: Readonly<Record<FieldType, string>> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  phone: 'xsd:string',
  email: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  textarea: 'xsd:string',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  boolean: 'xsd:boolean',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
};

export function describeField(fd: FieldDef): FieldDescribe {
  const textual = !['int', 'double', 'currency', 'percent', 'boolean', 'date', 'datetime'].includes(fd.type);
  const length = textual ? (fd.length ?? 255) : 0;
  return {
    name: fd.name,
    label: fd.label,
    type: fd.type,
    soapType: SOAP_TYPES[fd.type],
    length,
    byteLength: length * 3,
    precision: fd.type === 'currency' || fd.type === 'double' ? 18 : fd.type === 'percent' ? 3 : 0,
    scale: fd.type === 'currency' || fd.type === 'double' ? 2 : 0,
    digits: fd.type === 'int' ? 9 : 0,
    nillable:
      fd.type !== 'boolean' &&
      fd.type !== 'id' &&
      !fd.required &&
      !(
        fd.name === 'CreatedDate' ||
        fd.name === 'LastModifiedDate' ||
        fd.name === 'SystemModstamp' ||
        fd.name === 'CreatedById' ||
        fd.name === 'LastModifiedById'
      ),
    createable: fd.createable,
    updateable: fd.updateable,
    defaultedOnCreate: fd.defaultValue !== undefined || fd.name === 'OwnerId' || fd.type === 'boolean' || fd.calculated === true,
    defaultValue: fd.defaultValue ?? null,
    calculated:
      fd.calculated === true && fd.name !== 'Id' && !['CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'].includes(fd.name),
    autoNumber: fd.autoNumber === true,
    unique: fd.unique === true,
    externalId: false,
    idLookup: fd.type === 'id' || fd.unique === true || fd.type === 'email',
    nameField: fd.nameField === true,
    filterable: true,
    sortable: fd.type !== 'textarea',
    groupable: fd.type !== 'textarea' && fd.type !== 'datetime',
    custom: false,
    caseSensitive: fd.type === 'id' || fd.type === 'reference',
    htmlFormatted: false,
    dependentPicklist: false,
    restrictedPicklist: fd.restricted === true,
    picklistValues: (fd.picklistValues ?? []).map((value) => ({ active: true, defaultValue: fd.defaultValue === value, label: value, value, validFor: null })),
    referenceTo: fd.referenceTo ?? [],
    relationshipName: fd.relationshipName ?? null,
    polymorphicForeignKey: (fd.referenceTo?.length ?? 0) > 1,
    inlineHelpText: null,
  };
}

export function describeGlobalEntry(object: ObjectDef, apiVersion: string): GlobalObjectDescribe {
  const base = `/services/data/v${apiVersion}/sobjects/${object.name}`;
  return {
    name: object.name,
    label: object.label,
    labelPlural: object.labelPlural,
    keyPrefix: object.keyPrefix,
    custom: false,
    createable: object.createable,
    updateable: object.updateable,
    deletable: object.deletable,
    queryable: true,
    retrieveable: true,
    searchable: object.searchable,
    layoutable: object.searchable,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}

export function describeObject(object: ObjectDef, apiVersion: string): SObjectDescribe {
  const childRelationships = listChildRelationships(object).map((r) => ({
    cascadeDelete: false,
    childSObject: r.object.name,
    deprecatedAndHidden: false,
    field: r.field.name,
    relationshipName: r.name,
    restrictedDelete: false,
  }));
  return { ...describeGlobalEntry(object, apiVersion), fields: object.fields.map(describeField), childRelationships, recordTypeInfos: [] };
}
