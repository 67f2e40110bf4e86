/**
 * The emulator's data model: one table per object describing every field as Salesforce's describe
 * does (API name, label, type, length, who may write it, picklist values, reference targets). The
 * SQL tables, validation, describe, SOQL and search are all derived from these tables, so they
 * cannot disagree. The CRM objects are defined here; the phone's own (call centers, softphone
 * layouts, Voice calls) in telephony-objects.ts, and OBJECTS lists them all.
 */

import type { SalesforceErrorItem } from './errors.ts';
import { email, f, owner, phone, pick, ref, ro, str, systemFields, text } from './field-builders.ts';
import { CALL_CENTER, SOFTPHONE_LAYOUT, VOICE_CALL, VOICE_CALL_RECORDING } from './telephony-objects.ts';

export type FieldType =
  | 'id'
  | 'string'
  | 'phone'
  | 'email'
  | 'url'
  | 'picklist'
  | 'date'
  | 'datetime'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'boolean'
  | 'reference'
  | 'textarea';

export type FieldValue = string | number | boolean | null;

export interface FieldDef {
  readonly name: string;
  readonly label: string;
  readonly type: FieldType;
  /** Maximum characters for text types. */
  readonly length?: number;
  /** Must be given on create (after defaults are applied) and may not be cleared. */
  readonly required?: boolean;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly picklistValues?: readonly string[];
  /** A restricted picklist rejects values outside `picklistValues`. */
  readonly restricted?: boolean;
  /** Value put in on create when the field is not given. */
  readonly defaultValue?: FieldValue;
  readonly referenceTo?: readonly string[];
  readonly relationshipName?: string;
  /** The object's record name (Name, or CaseNumber/Subject where there is no Name). */
  readonly nameField?: boolean;
  /** Computed by the emulator (Name, IsClosed, audit fields…). */
  readonly calculated?: boolean;
  readonly unique?: boolean;
  readonly autoNumber?: boolean;
  /**
   * Display format of an auto-number field, Salesforce's `PREFIX-{0000}` (the zeros give the minimum
   * digits); the emulator numbers each object's records from 1 with it on create.
   */
  readonly autoNumberFormat?: string;
}

export interface ObjectDef {
  readonly name: string;
  readonly label: string;
  readonly labelPlural: string;
  readonly keyPrefix: string;
  /** Whether the API may create/update/delete records (CallCenter and SoftphoneLayout are Setup data). */
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly deletable: boolean;
  readonly searchable: boolean;
  readonly fields: readonly FieldDef[];
  /** Fields SOSL `IN NAME FIELDS` searches. */
  readonly nameSearchFields: readonly string[];
  /**
   * Derives calculated fields from the record as it will be stored (after every create/update);
   * `now` is the write's timestamp in datetime form.
   */
  readonly derive?: (record: Readonly<Record<string, FieldValue>>, now: string) => Record<string, FieldValue>;
  /**
   * A rule across fields, checked on every create and update against the record as it would be
   * stored (so an update is judged with the fields it leaves alone): the refusal an org gives for
   * a combination that each field's own checks let through. Undefined when the record is fine.
   */
  readonly validate?: (record: Readonly<Record<string, FieldValue>>) => SalesforceErrorItem | undefined;
}

/** Salesforce's Name of a person leaves the salutation out. */
const fullName = (r: Readonly<Record<string, FieldValue>>): string => [r.FirstName, r.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ');

const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.', 'Mx.'];
const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const INDUSTRIES = [
  'Agriculture',
  'Apparel',
  'Banking',
  'Biotechnology',
  'Chemicals',
  'Communications',
  'Construction',
  'Consulting',
  'Education',
  'Electronics',
  'Energy',
  'Engineering',
  'Entertainment',
  'Environmental',
  'Finance',
  'Food & Beverage',
  'Government',
  'Healthcare',
  'Hospitality',
  'Insurance',
  'Machinery',
  'Manufacturing',
  'Media',
  'Not For Profit',
  'Recreation',
  'Retail',
  'Shipping',
  'Technology',
  'Telecommunications',
  'Transportation',
  'Utilities',
  'Other',
];
const CLOSED_STAGES = new Set(['Closed Won', 'Closed Lost']);
const CLOSED_TASK = new Set(['Completed', 'Deferred']);

export const ACCOUNT: ObjectDef = {
  name: 'Account',
  label: 'Account',
  labelPlural: 'Accounts',
  keyPrefix: '001',
  createable: true,
  updateable: true,
  deletable: true,
  searchable: true,
  nameSearchFields: ['Name'],
  fields: [
    ...systemFields(),
    str('Name', 'Account Name', 255, { required: true, nameField: true }),
    str('AccountNumber', 'Account Number', 40),
    str('Site', 'Account Site', 80),
    pick(
      'Type',
      'Account Type',
      ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Installation Partner', 'Technology Partner', 'Other'],
      { restricted: false },
    ),
    pick('Industry', 'Industry', INDUSTRIES, { restricted: false }),
    pick('Rating', 'Account Rating', ['Hot', 'Warm', 'Cold'], { restricted: false }),
    phone('Phone', 'Account Phone'),
    phone('Fax', 'Account Fax'),
    f('url', 'Website', 'Website', { length: 255 }),
    str('BillingStreet', 'Billing Street', 255),
    str('BillingCity', 'Billing City', 40),
    str('BillingState', 'Billing State/Province', 80),
    str('BillingPostalCode', 'Billing Zip/Postal Code', 20),
    str('BillingCountry', 'Billing Country', 80),
    f('int', 'NumberOfEmployees', 'Employees'),
    f('currency', 'AnnualRevenue', 'Annual Revenue'),
    ref('ParentId', 'Parent Account ID', ['Account'], 'Parent'),
    text('Description', 'Account Description'),
    owner(),
  ],
};

export const CONTACT: ObjectDef = {
  name: 'Contact',
  label: 'Contact',
  labelPlural: 'Contacts',
  keyPrefix: '003',
  createable: true,
  updateable: true,
  deletable: true,
  searchable: true,
  nameSearchFields: ['Name'],
  fields: [
    ...systemFields(),
    ref('AccountId', 'Account ID', ['Account'], 'Account'),
    pick('Salutation', 'Salutation', SALUTATIONS, { length: 40, restricted: false }),
    str('FirstName', 'First Name', 40),
    str('LastName', 'Last Name', 80, { required: true }),
    str('Name', 'Full Name', 121, { ...ro, nameField: true }),
    str('Title', 'Title', 128),
    str('Department', 'Department', 80),
    email('Email', 'Email'),
    phone('Phone', 'Business Phone'),
    phone('MobilePhone', 'Mobile Phone'),
    phone('HomePhone', 'Home Phone'),
    phone('OtherPhone', 'Other Phone'),
    phone('Fax', 'Business Fax'),
    str('AssistantName', "Assistant's Name", 40),
    phone('AssistantPhone', 'Asst. Phone'),
    str('MailingStreet', 'Mailing Street', 255),
    str('MailingCity', 'Mailing City', 40),
    str('MailingState', 'Mailing State/Province', 80),
    str('MailingPostalCode', 'Mailing Zip/Postal Code', 20),
    str('MailingCountry', 'Mailing Country', 80),
    pick('LeadSource', 'Lead Source', LEAD_SOURCES, { restricted: false }),
    f('date', 'Birthdate', 'Birthdate'),
    f('boolean', 'DoNotCall', 'Do Not Call', { defaultValue: false }),
    text('Description', 'Contact Description'),
    owner(),
  ],
  derive: (r) => ({ Name: fullName(r) }),
};

export const LEAD: ObjectDef = {
  name: 'Lead',
  label: 'Lead',
  labelPlural: 'Leads',
  keyPrefix: '00Q',
  createable: true,
  updateable: true,
  deletable: true,
  searchable: true,
  nameSearchFields: ['Name', 'Company'],
  fields: [
    ...systemFields(),
    pick('Salutation', 'Salutation', SALUTATIONS, { length: 40, restricted: false }),
    str('FirstName', 'First Name', 40),
    str('LastName', 'Last Name', 80, { required: true }),
    str('Name', 'Full Name', 121, { ...ro, nameField: true }),
    str('Company', 'Company', 255, { required: true }),
    str('Title', 'Title', 128),
    email('Email', 'Email'),
    phone('Phone', 'Phone'),
    phone('MobilePhone', 'Mobile Phone'),
    phone('Fax', 'Fax'),
    f('url', 'Website', 'Website', { length: 255 }),
    pick('Status', 'Status', ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'], {
      required: true,
      defaultValue: 'Open - Not Contacted',
    }),
    pick('LeadSource', 'Lead Source', LEAD_SOURCES, { restricted: false }),
    pick('Industry', 'Industry', INDUSTRIES, { restricted: false }),
    pick('Rating', 'Rating', ['Hot', 'Warm', 'Cold'], { restricted: false }),
    str('Street', 'Street', 255),
    str('City', 'City', 40),
    str('State', 'State/Province', 80),
    str('PostalCode', 'Zip/Postal Code', 20),
    str('Country', 'Country', 80),
    f('int', 'NumberOfEmployees', 'Employees'),
    f('boolean', 'IsConverted', 'Converted', { createable: true, updateable: false, defaultValue: false }),
    text('Description', 'Description'),
    owner(),
  ],
  derive: (r) => ({ Name: fullName(r) }),
};

export const CASE: ObjectDef = {
  name: 'Case',
  label: 'Case',
  labelPlural: 'Cases',
  keyPrefix: '500',
  createable: true,
  updateable: true,
  deletable: true,
  searchable: true,
  nameSearchFields: ['CaseNumber', 'Subject'],
  fields: [
    ...systemFields(),
    str('CaseNumber', 'Case Number', 30, { ...ro, nameField: true, autoNumber: true, unique: true }),
    ref('AccountId', 'Account ID', ['Account'], 'Account'),
    ref('ContactId', 'Contact ID', ['Contact'], 'Contact'),
    str('Subject', 'Subject', 255),
    text('Description', 'Description'),
    pick('Status', 'Status', ['New', 'Working', 'Escalated', 'Closed'], { required: true, defaultValue: 'New' }),
    pick('Priority', 'Priority', ['High', 'Medium', 'Low'], { defaultValue: 'Medium' }),
    pick('Origin', 'Case Origin', ['Phone', 'Email', 'Web'], { restricted: false }),
    pick('Type', 'Case Type', ['Question', 'Problem', 'Feature Request'], { restricted: false }),
    pick('Reason', 'Case Reason', ['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design', 'Feedback', 'Other'], {
      restricted: false,
    }),
    str('SuppliedName', 'Web Name', 80),
    email('SuppliedEmail', 'Web Email'),
    phone('SuppliedPhone', 'Web Phone'),
    f('boolean', 'IsClosed', 'Closed', ro),
    f('datetime', 'ClosedDate', 'Closed Date', ro),
    owner(),
  ],
  derive: (r, now) => ({ IsClosed: r.Status === 'Closed', ClosedDate: r.Status === 'Closed' ? (r.ClosedDate ?? now) : null }),
};

export const OPPORTUNITY: ObjectDef = {
  name: 'Opportunity',
  label: 'Opportunity',
  labelPlural: 'Opportunities',
  keyPrefix: '006',
  createable: true,
  updateable: true,
  deletable: true,
  searchable: true,
  nameSearchFields: ['Name'],
  fields: [
    ...systemFields(),
    ref('AccountId', 'Account ID', ['Account'], 'Account'),
    str('Name', 'Name', 120, { required: true, nameField: true }),
    text('Description', 'Description'),
    pick(
      'StageName',
      'Stage',
      [
        'Prospecting',
        'Qualification',
        'Needs Analysis',
        'Value Proposition',
        'Id. Decision Makers',
        'Perception Analysis',
        'Proposal/Price Quote',
        'Negotiation/Review',
        'Closed Won',
        'Closed Lost',
      ],
      { required: true },
    ),
    f('currency', 'Amount', 'Amount'),
    f('percent', 'Probability', 'Probability (%)'),
    f('date', 'CloseDate', 'Close Date', { required: true }),
    pick('Type', 'Opportunity Type', ['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer'], {
      restricted: false,
    }),
    str('NextStep', 'Next Step', 255),
    pick('LeadSource', 'Lead Source', LEAD_SOURCES, { restricted: false }),
    f('boolean', 'IsClosed', 'Closed', ro),
    f('boolean', 'IsWon', 'Won', ro),
    owner(),
  ],
  derive: (r) => ({ IsClosed: CLOSED_STAGES.has(String(r.StageName)), IsWon: r.StageName === 'Closed Won' }),
};

/**
 * Salesforce refuses an activity whose Name (WhoId) is a Lead and whose Related To (WhatId) is set:
 * a lead belongs to no account, so the pair is FIELD_INTEGRITY_EXCEPTION on WhatId, worded as for a
 * WhatId of the wrong type. The connector must drop the What itself; the emulator must not store it.
 */
function leadTakesNoWhat(r: Readonly<Record<string, FieldValue>>): SalesforceErrorItem | undefined {
  if (typeof r.WhoId !== 'string' || !r.WhoId.startsWith(LEAD.keyPrefix) || r.WhatId === null || r.WhatId === undefined) return undefined;
  return { errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: `Related To ID: id value of incorrect type: ${String(r.WhatId)}`, fields: ['WhatId'] };
}

export const TASK: ObjectDef = {
  name: 'Task',
  label: 'Task',
  labelPlural: 'Tasks',
  keyPrefix: '00T',
  createable: true,
  updateable: true,
  deletable: true,
  searchable: true,
  nameSearchFields: ['Subject'],
  fields: [
    ...systemFields(),
    ref('WhoId', 'Name ID', ['Contact', 'Lead'], 'Who'),
    ref('WhatId', 'Related To ID', ['Account', 'Opportunity', 'Case'], 'What'),
    f('string', 'Subject', 'Subject', { length: 255, nameField: true }),
    f('date', 'ActivityDate', 'Due Date Only'),
    pick('Status', 'Status', ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], {
      required: true,
      defaultValue: 'Not Started',
    }),
    pick('Priority', 'Priority', ['High', 'Normal', 'Low'], { required: true, defaultValue: 'Normal' }),
    pick('Type', 'Type', ['Call', 'Email', 'Meeting', 'Other'], { restricted: false }),
    pick('TaskSubtype', 'Task Subtype', ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'], {
      createable: true,
      updateable: false,
      defaultValue: 'Task',
    }),
    pick('CallType', 'Call Type', ['Inbound', 'Outbound', 'Internal']),
    f('int', 'CallDurationInSeconds', 'Call Duration'),
    str('CallObject', 'Call Object Identifier', 255),
    str('CallDisposition', 'Call Result', 255),
    text('Description', 'Comments'),
    f('boolean', 'IsClosed', 'Closed', ro),
    owner(),
  ],
  derive: (r) => ({ IsClosed: CLOSED_TASK.has(String(r.Status)) }),
  validate: leadTakesNoWhat,
};

export const USER: ObjectDef = {
  name: 'User',
  label: 'User',
  labelPlural: 'Users',
  keyPrefix: '005',
  createable: true,
  updateable: true,
  deletable: false,
  searchable: true,
  nameSearchFields: ['Name', 'Username'],
  fields: [
    ...systemFields(),
    str('Username', 'Username', 80, { required: true, unique: true }),
    str('FirstName', 'First Name', 40),
    str('LastName', 'Last Name', 80, { required: true }),
    str('Name', 'Full Name', 121, { ...ro, nameField: true }),
    str('Alias', 'Alias', 8, { required: true }),
    email('Email', 'Email', { required: true }),
    str('Title', 'Title', 80),
    str('Department', 'Department', 80),
    phone('Phone', 'Phone'),
    phone('MobilePhone', 'Mobile'),
    str('Extension', 'Extension', 40),
    // The connector's custom field: the SIP extension Salesforce mints credentials for (admin-set).
    str('SwitchboardExtension__c', 'Switchboard Extension', 40),
    f('boolean', 'IsActive', 'Active', { defaultValue: true }),
    pick('LocaleSidKey', 'Locale', ['en_US', 'en_GB', 'de_DE', 'fr_FR', 'ja_JP', 'es_ES'], { required: true, defaultValue: 'en_US' }),
    pick('LanguageLocaleKey', 'Language', ['en_US', 'de', 'fr', 'ja', 'es'], { required: true, defaultValue: 'en_US' }),
    pick('TimeZoneSidKey', 'Time Zone', ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Berlin', 'Europe/Paris', 'Asia/Tokyo'], {
      required: true,
      defaultValue: 'America/Los_Angeles',
    }),
    pick('UserType', 'User Type', ['Standard'], { createable: false, updateable: false, defaultValue: 'Standard' }),
    pick('ProfileName', 'Profile', ['System Administrator', 'Standard User', 'Call Center Agent'], { defaultValue: 'Standard User' }),
    ref('CallCenterId', 'Call Center ID', ['CallCenter'], 'CallCenter'),
  ],
  derive: (r) => ({ Name: fullName(r) }),
};

export const OBJECTS: readonly ObjectDef[] = [
  ACCOUNT,
  CONTACT,
  LEAD,
  CASE,
  OPPORTUNITY,
  TASK,
  USER,
  CALL_CENTER,
  SOFTPHONE_LAYOUT,
  VOICE_CALL,
  VOICE_CALL_RECORDING,
];

const byLowerName = new Map(OBJECTS.map((o) => [o.name.toLowerCase(), o]));
const byPrefix = new Map(OBJECTS.map((o) => [o.keyPrefix, o]));

/** The object named `name` (case-insensitive, as Salesforce matches API names), if any. */
export function findObject(name: string): ObjectDef | undefined {
  return byLowerName.get(name.toLowerCase());
}

export function objectForPrefix(prefix: string): ObjectDef | undefined {
  return byPrefix.get(prefix);
}

const fieldMaps = new Map<ObjectDef, Map<string, FieldDef>>(OBJECTS.map((o) => [o, new Map(o.fields.map((fd) => [fd.name.toLowerCase(), fd]))]));

/** The field `name` of `object` (case-insensitive), if any. */
export function findField(object: ObjectDef, name: string): FieldDef | undefined {
  return fieldMaps.get(object)?.get(name.toLowerCase());
}

export function isTextType(type: FieldType): boolean {
  return type === 'string' || type === 'phone' || type === 'email' || type === 'url' || type === 'picklist' || type === 'textarea';
}

export function isNumberType(type: FieldType): boolean {
  return type === 'int' || type === 'double' || type === 'currency' || type === 'percent';
}
