/**
 * Deterministic demo data for the console emulator: users, the SwitchboardDemo call center, a
 * default softphone layout, and several hundred Accounts, Contacts, Leads, Cases, Opportunities
 * and historic call Tasks with phone numbers in mixed national and international forms. Fixture
 * records are created first, so their Ids are fixed and exported as `DEMO` for tests and demos.
 */
import { makeId, formatDate, type CallCenterItem, type OpenConsoleDb, type SoftphoneLayout } from '../db/index.ts';
import { Prng } from './prng.ts';
import { CASE_SUBJECTS, COMPANY_HEADS, COMPANY_TAILS, COUNTRIES, FIRST_NAMES, LAST_NAMES, TITLES } from './names.ts';

const id = (prefix: string, n: number) => makeId(prefix, n);

/** Well-known records of the seeded database. Ids are those the seed gives (it creates these first). */
export const DEMO = {
  agent: { id: id('005', 1), username: 'agent@switchboard.demo', name: 'Ada Agent', locale: 'en_US', extension: '1001' },
  secondAgent: { id: id('005', 2), username: 'agent2@switchboard.demo', name: 'Bob Backup', locale: 'en_GB', extension: '1002' },
  admin: { id: id('005', 3), username: 'admin@switchboard.demo', name: 'Alex Admin', locale: 'en_US' },
  thirdAgent: { id: id('005', 4), username: 'agent3@switchboard.demo', name: 'Cara Cover', locale: 'en_US', extension: '1003' },
  callCenter: { id: id('04v', 1), internalName: 'SwitchboardDemo', displayName: 'Switchboard Demo', adapterUrl: '/softphone/index.html' },
  softphoneLayout: { id: id('04m', 1), name: 'Default Softphone Layout' },
  account: { id: id('001', 1), name: 'Acme Corporation', phone: '+1 415 555 0100' },
  /** A Contact whose number no other record has. */
  uniqueContactPhone: '(415) 555-0134',
  uniqueContact: { id: id('003', 1), name: 'Maria Lopez', phone: '(415) 555-0134', e164: '+14155550134', accountId: id('001', 1) },
  /** Acme's main line: the Account and two of its Contacts have it (in different formats). */
  sharedPhone: '+14155550100',
  sharedBy: [
    { object: 'Account', id: id('001', 1), name: 'Acme Corporation' },
    { object: 'Contact', id: id('003', 2), name: 'Tom Baker' },
    { object: 'Contact', id: id('003', 3), name: 'Sue Perkins' },
  ],
  /** A UK Contact stored in international form; found by +442079460958 and 02079460958. */
  ukContact: { id: id('003', 4), name: 'Alan Turing', phone: '+44 20 7946 0958', e164: '+442079460958', national: '02079460958', accountId: id('001', 2) },
  ukAccount: { id: id('001', 2), name: 'Globex Ltd', phone: '+44 20 7946 0000' },
  lead: { id: id('00Q', 1), name: 'Katherine Johnson', company: 'Initech', phone: '+1 212 555 0147', e164: '+12125550147' },
  /** A number no record has. */
  unknownPhone: '+16505550123',
  caseNumber: '00001001',
  case: { id: id('500', 1), caseNumber: '00001001', subject: 'Cannot log in to the portal', contactId: id('003', 1), accountId: id('001', 1) },
} as const;

export interface SeedOptions {
  /** PRNG seed (default 20260101). */
  readonly seed?: number;
  /** Day the generated history is relative to, YYYY-MM-DD (default: the database clock's today). */
  readonly anchorDate?: string;
}

export interface SeedSummary {
  readonly counts: Readonly<Record<string, number>>;
}

const GENERAL_ITEMS: readonly CallCenterItem[] = [
  ['reqInternalName', 'Internal Name', 'SwitchboardDemo'],
  ['reqDisplayName', 'Display Name', 'Switchboard Demo'],
  ['reqAdapterUrl', 'CTI Adapter URL', '/softphone/index.html'],
  ['reqUseApi', 'Use CTI API', 'true'],
  ['reqSoftphoneHeight', 'Softphone Height', '560'],
  ['reqSoftphoneWidth', 'Softphone Width', '360'],
  ['reqSalesforceCompatibilityMode', 'Salesforce Compatibility Mode', 'Classic_and_Lightning'],
].map(([item, label, value], sortOrder) => ({
  section: 'reqGeneralInfo',
  sectionLabel: 'General Information',
  sectionSortOrder: 0,
  item: item!,
  label,
  value: value!,
  sortOrder,
}));

/**
 * The demo call center's general items; `connectDemoCallCenter` (console-db-data.ts) adds the connector's
 * `switchboard` section for the SIP server it runs with.
 */
export const DEMO_CALL_CENTER_ITEMS: readonly CallCenterItem[] = GENERAL_ITEMS;

export const DEMO_SOFTPHONE_LAYOUT: SoftphoneLayout = {
  Inbound: {
    callRelatedFields: ['ANI', 'DNIS'],
    objects: {
      Contact: [
        { displayName: 'Full Name', apiName: 'Name' },
        { displayName: 'Business Phone', apiName: 'Phone' },
        { displayName: 'Title', apiName: 'Title' },
      ],
      Account: [
        { displayName: 'Account Name', apiName: 'Name' },
        { displayName: 'Account Phone', apiName: 'Phone' },
      ],
      Lead: [
        { displayName: 'Full Name', apiName: 'Name' },
        { displayName: 'Company', apiName: 'Company' },
        { displayName: 'Phone', apiName: 'Phone' },
      ],
      Case: [
        { displayName: 'Case Number', apiName: 'CaseNumber' },
        { displayName: 'Subject', apiName: 'Subject' },
      ],
    },
    screenPopSettings: {
      screenPopsOpenWithin: 'ExistingWindow',
      NoMatch: { screenPopType: 'PopToEntity', screenPopData: 'Contact' },
      SingleMatch: { screenPopType: 'PopToEntity' },
      // "Don't pop": the softphone lists several matches for the agent to choose, so the layout
      // needs no search page, and a call's search and pop go in one searchAndScreenPop request.
      MultipleMatches: { screenPopType: 'DoNotPop' },
    },
  },
  Outbound: {
    callRelatedFields: ['DNIS'],
    objects: {
      Contact: [
        { displayName: 'Full Name', apiName: 'Name' },
        { displayName: 'Business Phone', apiName: 'Phone' },
      ],
      Account: [{ displayName: 'Account Name', apiName: 'Name' }],
      Lead: [{ displayName: 'Full Name', apiName: 'Name' }],
    },
    screenPopSettings: {},
  },
  Internal: {
    callRelatedFields: [],
    objects: { Contact: [{ displayName: 'Full Name', apiName: 'Name' }] },
    screenPopSettings: {},
  },
};

const THIRD_AGENT_FIELDS = {
  Username: DEMO.thirdAgent.username,
  FirstName: 'Cara',
  LastName: 'Cover',
  Alias: 'ccover',
  Email: 'cara.cover@switchboard.demo',
  LocaleSidKey: 'en_US',
  LanguageLocaleKey: 'en_US',
  TimeZoneSidKey: 'America/New_York',
  ProfileName: 'Call Center Agent',
  Extension: DEMO.thirdAgent.extension,
  SwitchboardExtension__c: DEMO.thirdAgent.extension,
  Title: 'Support Agent',
};

/**
 * Brings a demo org seeded by an older version up to today's: each demo agent has their own
 * extension (`SwitchboardExtension__c`, only where none is set) and Cara Cover exists, on the demo
 * call center. A database that is not the demo org (no Ada Agent) is left alone.
 */
export function upgradeDemoOrg(db: OpenConsoleDb): void {
  const users = db.query('SELECT Id, Username, SwitchboardExtension__c FROM User').records;
  const byName = new Map(users.map((u) => [String(u.Username).toLowerCase(), u]));
  if (!byName.has(DEMO.agent.username)) return;
  db.transaction(() => {
    for (const demo of [DEMO.agent, DEMO.secondAgent, DEMO.thirdAgent]) {
      const user = byName.get(demo.username);
      if (!user && demo === DEMO.thirdAgent) {
        const created = db.create('User', THIRD_AGENT_FIELDS);
        const cc = db.callCenters.get(DEMO.callCenter.internalName);
        if (cc) db.callCenters.assign(created, cc.id);
      } else if (user && !user.SwitchboardExtension__c) {
        db.update('User', String(user.Id), { SwitchboardExtension__c: demo.extension });
      }
    }
  });
}

/** Seeds when the database is empty; returns whether it did. */
export function seedIfEmpty(db: OpenConsoleDb, options: SeedOptions = {}): boolean {
  if (!db.isEmpty()) return false;
  seedConsoleDb(db, options);
  return true;
}

/** Seeds an empty database (throws if it already has users or accounts). */
export function seedConsoleDb(db: OpenConsoleDb, options: SeedOptions = {}): SeedSummary {
  if (!db.isEmpty()) throw new Error('seedConsoleDb: the database already has data');
  const rng = new Prng(options.seed ?? 20260101);
  const anchor = Date.parse((options.anchorDate ?? formatDate(db.now())) + 'T00:00:00Z');
  if (Number.isNaN(anchor)) throw new Error(`seedConsoleDb: anchorDate must be YYYY-MM-DD, got ${options.anchorDate}`);
  const day = (offset: number) => formatDate(anchor + offset * 86_400_000);
  const counts: Record<string, number> = {};
  const create = (object: string, fields: Record<string, unknown>, ctx: { userId?: string } = {}) => {
    counts[object] = (counts[object] ?? 0) + 1;
    return db.create(object, fields, ctx);
  };

  db.transaction(() => {
    // Users first: the agent owns what follows.
    const agent = create('User', {
      Username: DEMO.agent.username,
      FirstName: 'Ada',
      LastName: 'Agent',
      Alias: 'aagent',
      Email: 'ada.agent@switchboard.demo',
      LocaleSidKey: 'en_US',
      LanguageLocaleKey: 'en_US',
      TimeZoneSidKey: 'America/Los_Angeles',
      ProfileName: 'Call Center Agent',
      Extension: '1001',
      SwitchboardExtension__c: DEMO.agent.extension,
      Title: 'Support Agent',
    });
    db.defaultUserId = agent;
    const second = create('User', {
      Username: DEMO.secondAgent.username,
      FirstName: 'Bob',
      LastName: 'Backup',
      Alias: 'bbackup',
      Email: 'bob.backup@switchboard.demo',
      LocaleSidKey: 'en_GB',
      LanguageLocaleKey: 'en_US',
      TimeZoneSidKey: 'Europe/London',
      ProfileName: 'Call Center Agent',
      Extension: '1002',
      SwitchboardExtension__c: DEMO.secondAgent.extension,
      Title: 'Support Agent',
    });
    create('User', {
      Username: DEMO.admin.username,
      FirstName: 'Alex',
      LastName: 'Admin',
      Alias: 'aadmin',
      Email: 'alex.admin@switchboard.demo',
      ProfileName: 'System Administrator',
      Title: 'Salesforce Administrator',
    });
    const third = create('User', THIRD_AGENT_FIELDS);
    const owners = [agent, second];

    const cc = db.callCenters.import({ items: DEMO_CALL_CENTER_ITEMS });
    db.callCenters.assign(agent, cc.id);
    db.callCenters.assign(second, cc.id);
    db.callCenters.assign(third, cc.id);
    db.layouts.create(DEMO.softphoneLayout.name, DEMO_SOFTPHONE_LAYOUT, true);

    // Fixtures (order matters: DEMO's Ids).
    const acme = create('Account', {
      Name: 'Acme Corporation',
      Phone: DEMO.account.phone,
      Industry: 'Manufacturing',
      Type: 'Customer - Direct',
      BillingCity: 'San Francisco',
      BillingCountry: 'United States',
      Website: 'https://acme.example.com',
    });
    const globex = create('Account', {
      Name: 'Globex Ltd',
      Phone: DEMO.ukAccount.phone,
      Industry: 'Energy',
      Type: 'Prospect',
      BillingCity: 'London',
      BillingCountry: 'United Kingdom',
    });
    const maria = create('Contact', {
      FirstName: 'Maria',
      LastName: 'Lopez',
      AccountId: acme,
      Title: 'Head of IT',
      Phone: DEMO.uniqueContactPhone,
      Email: 'maria.lopez@acme.example.com',
      MailingCountry: 'United States',
    });
    create('Contact', {
      FirstName: 'Tom',
      LastName: 'Baker',
      AccountId: acme,
      Title: 'Buyer',
      Phone: '(415) 555-0100',
      Email: 'tom.baker@acme.example.com',
      MailingCountry: 'United States',
    });
    create('Contact', {
      FirstName: 'Sue',
      LastName: 'Perkins',
      AccountId: acme,
      Title: 'Office Manager',
      Phone: '415.555.0100',
      MobilePhone: '+1 415 555 0177',
      MailingCountry: 'United States',
    });
    create('Contact', {
      FirstName: 'Alan',
      LastName: 'Turing',
      AccountId: globex,
      Title: 'Engineer',
      Phone: DEMO.ukContact.phone,
      Email: 'alan.turing@globex.example.co.uk',
      MailingCountry: 'United Kingdom',
    });
    create('Lead', {
      FirstName: 'Katherine',
      LastName: 'Johnson',
      Company: 'Initech',
      Phone: DEMO.lead.phone,
      Email: 'katherine@initech.example',
      Country: 'United States',
      Status: 'Working - Contacted',
      LeadSource: 'Phone Inquiry',
    });
    create('Case', {
      Subject: DEMO.case.subject,
      ContactId: maria,
      AccountId: acme,
      Origin: 'Phone',
      Priority: 'High',
      Status: 'Working',
      Description: 'Customer gets "invalid password" since this morning.',
    });

    const digits = () => String(rng.int(0, 9999)).padStart(4, '0');
    const phoneIn = (c: (typeof COUNTRIES)[number]) => {
      const d = digits();
      const international = rng.chance(0.5);
      // Generated US/UK numbers use other ranges than the fixtures, so DEMO's unique numbers stay unique.
      if (c.name === 'United States') return international ? `+1 312 555 01${d.slice(2)}` : `(646) 555-01${d.slice(2)}`;
      if (c.name === 'United Kingdom') return international ? `+44 113 496 0${d.slice(1)}` : `0113 496 0${d.slice(1)}`;
      return c.phone(d, international);
    };
    const accounts: { id: string; country: (typeof COUNTRIES)[number]; phone: string; name: string }[] = [];
    const usedNames = new Set(['Acme Corporation', 'Globex Ltd']);
    while (accounts.length < 58) {
      const name = `${rng.pick(COMPANY_HEADS)} ${rng.pick(COMPANY_TAILS)}`;
      if (usedNames.has(name)) continue;
      usedNames.add(name);
      const country = rng.pick(COUNTRIES);
      const phone = phoneIn(country);
      const accountId = create('Account', {
        Name: name,
        Phone: phone,
        Industry: rng.pick(['Technology', 'Retail', 'Banking', 'Healthcare', 'Manufacturing', 'Energy', 'Media', 'Transportation']),
        Type: rng.pick(['Prospect', 'Customer - Direct', 'Customer - Channel']),
        BillingCity: rng.pick(country.cities),
        BillingCountry: country.name,
        NumberOfEmployees: rng.int(5, 20000),
        AnnualRevenue: rng.int(1, 500) * 100000,
        OwnerId: rng.pick(owners),
      });
      accounts.push({ id: accountId, country, phone, name });
    }

    const contacts: { id: string; accountId: string }[] = [];
    const personName = () => [rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES)] as const;
    const emailOf = (first: string, last: string, domain: string) =>
      `${first}.${last}`
        .toLowerCase()
        .normalize('NFD')
        .replace(/[^a-z.]/g, '') + `@${domain}`;
    while (counts.Contact! < 250) {
      const account = rng.pick(accounts);
      const [first, last] = personName();
      const domain = account.name.toLowerCase().replace(/[^a-z]+/g, '') + '.example.com';
      // About one in five uses the company switchboard as business phone.
      const phone = rng.chance(0.2) ? account.phone : phoneIn(account.country);
      const contactId = create('Contact', {
        FirstName: first,
        LastName: last,
        AccountId: account.id,
        Title: rng.pick(TITLES),
        Phone: phone,
        MobilePhone: rng.chance(0.5) ? phoneIn(account.country) : null,
        Email: emailOf(first, last, domain),
        MailingCity: rng.pick(account.country.cities),
        MailingCountry: account.country.name,
        OwnerId: rng.pick(owners),
        LeadSource: rng.pick(['Web', 'Phone Inquiry', 'Partner Referral', 'Other']),
      });
      contacts.push({ id: contactId, accountId: account.id });
    }

    const leads: string[] = [];
    while (counts.Lead! < 60) {
      const [first, last] = personName();
      const country = rng.pick(COUNTRIES);
      const company = `${rng.pick(COMPANY_HEADS)} ${rng.pick(COMPANY_TAILS)}`;
      leads.push(
        create('Lead', {
          FirstName: first,
          LastName: last,
          Company: company,
          Phone: phoneIn(country),
          Email: emailOf(first, last, 'leads.example.com'),
          Country: country.name,
          City: rng.pick(country.cities),
          Status: rng.pick(['Open - Not Contacted', 'Working - Contacted', 'Closed - Not Converted']),
          LeadSource: rng.pick(['Web', 'Phone Inquiry', 'Purchased List']),
          Rating: rng.pick(['Hot', 'Warm', 'Cold']),
          OwnerId: rng.pick(owners),
        }),
      );
    }

    const cases: string[] = [DEMO.case.id];
    while (counts.Case! < 120) {
      const c = rng.pick(contacts);
      cases.push(
        create('Case', {
          Subject: rng.pick(CASE_SUBJECTS),
          ContactId: c.id,
          AccountId: c.accountId,
          Origin: rng.pick(['Phone', 'Email', 'Web']),
          Status: rng.pick(['New', 'Working', 'Escalated', 'Closed', 'Closed']),
          Priority: rng.pick(['High', 'Medium', 'Low']),
          Type: rng.pick(['Question', 'Problem', 'Feature Request']),
          OwnerId: rng.pick(owners),
        }),
      );
    }

    const stages = ['Prospecting', 'Qualification', 'Needs Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'];
    while ((counts.Opportunity ?? 0) < 40) {
      const account = rng.pick(accounts);
      create('Opportunity', {
        Name: `${account.name} - ${rng.pick(['Renewal', 'Expansion', 'New Business', 'Pilot'])}`,
        AccountId: account.id,
        StageName: rng.pick(stages),
        CloseDate: day(rng.int(-60, 120)),
        Amount: rng.int(5, 400) * 1000,
        OwnerId: rng.pick(owners),
      });
    }

    // Historic call logs, as the connector would have written them.
    for (let n = 1; n <= 150; n++) {
      const c = rng.pick(contacts);
      const callType = rng.pick(['Inbound', 'Inbound', 'Outbound', 'Internal'] as const);
      const caseId = rng.chance(0.3) ? rng.pick(cases) : undefined;
      // A Task about a Lead cannot also be related to a record (WhatId), as in Salesforce.
      const lead = rng.chance(0.1) ? rng.pick(leads) : undefined;
      create('Task', {
        Subject: `${callType} call`,
        Status: 'Completed',
        Priority: 'Normal',
        Type: 'Call',
        TaskSubtype: 'Call',
        CallType: callType,
        CallDurationInSeconds: rng.int(15, 1800),
        CallObject: `seed-call-${String(n).padStart(4, '0')}`,
        CallDisposition: rng.pick(['Resolved', 'FollowUp', 'Voicemail', 'WrongNumber']),
        ActivityDate: day(-rng.int(1, 90)),
        WhoId: lead ?? c.id,
        WhatId: lead ? null : (caseId ?? c.accountId),
        OwnerId: rng.pick(owners),
        Description: rng.chance(0.5) ? 'Logged by the seed.' : null,
      });
    }
  });
  return { counts };
}
