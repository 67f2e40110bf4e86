import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, FormulaError, parseFormula } from './formula.ts';
import { openConsoleDb, SalesforceError, type OpenConsoleDb } from './index.ts';

function fresh(): OpenConsoleDb {
  const db = openConsoleDb({ file: ':memory:' });
  db.defaultUserId = db.create('User', { Username: 'u@x.test', LastName: 'User', Alias: 'u', Email: 'u@x.test' });
  return db;
}

function refusal(fn: () => unknown): SalesforceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SalesforceError) return e;
    throw e;
  }
  assert.fail('expected a SalesforceError');
}

const CALLS_NEED_COMMENTS = {
  object: 'Task',
  name: 'Calls_need_comments',
  active: true,
  errorConditionFormula: "AND(ISPICKVAL(Type, 'Call'), ISBLANK(Description))",
  errorMessage: 'Describe the call in Comments.',
  errorDisplayField: 'Description',
} as const;

test('formulas: functions, comparisons, blanks as blanks, names in any case', () => {
  const record = { Type: 'Call', Description: '', CallDurationInSeconds: 42, Subject: 'Inbound call from Ada' };
  const is = (source: string): unknown => evaluate(parseFormula(source), record);
  assert.equal(is("AND(ISPICKVAL(Type, 'Call'), ISBLANK(Description))"), true);
  assert.equal(is('isblank(subject)'), false);
  assert.equal(is('CallDurationInSeconds > 30 && CallDurationInSeconds <= 42'), true);
  assert.equal(is("NOT(BEGINS(Subject, 'Inbound')) || CONTAINS(Subject, 'Ada')"), true);
  assert.equal(is('Description = NULL'), true, 'blank text equals null');
  assert.equal(is('LEN(Subject) <> 0'), true);
  assert.throws(() => parseFormula('AND(ISBLANK(Description)'), FormulaError);
  assert.throws(() => parseFormula('ISBLANK(Description, Subject)'), /Incorrect number of parameters/);
  assert.throws(() => parseFormula('VLOOKUP(Subject)'), /Unknown function VLOOKUP/);
});

test('an active rule refuses a create and an update with FIELD_CUSTOM_VALIDATION_EXCEPTION at its field; inactive, it refuses nothing', () => {
  const db = fresh();
  db.validationRules.save(CALLS_NEED_COMMENTS);
  const created = refusal(() => db.create('Task', { Subject: 'Inbound call', Type: 'Call', Status: 'Completed' }));
  assert.deepEqual(created.errors, [{ errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Describe the call in Comments.', fields: ['Description'] }]);
  assert.equal(db.query('SELECT Id FROM Task').totalSize, 0, 'nothing was written');
  const ok = db.create('Task', { Subject: 'Inbound call', Type: 'Call', Status: 'Completed', Description: 'Asked about billing.' });
  assert.equal(refusal(() => db.update('Task', ok, { Description: '' })).errorCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
  db.create('Task', { Subject: 'Email', Type: 'Email', Status: 'Completed' });
  db.validationRules.save({ ...CALLS_NEED_COMMENTS, active: false });
  db.create('Task', { Subject: 'Inbound call', Type: 'Call', Status: 'Completed' });
  assert.equal(db.query('SELECT Id FROM Task').totalSize, 3);
  assert.deepEqual(
    db.validationRules.list('task').map((r) => [r.name, r.active]),
    [['Calls_need_comments', false]],
  );
});

test('a rule naming a field the object lacks, or an unreadable formula, is refused when saved', () => {
  const db = fresh();
  assert.match(
    refusal(() => db.validationRules.save({ ...CALLS_NEED_COMMENTS, errorConditionFormula: 'ISBLANK(Comments__c)' })).message,
    /Field Comments__c does not exist/,
  );
  assert.match(refusal(() => db.validationRules.save({ ...CALLS_NEED_COMMENTS, errorConditionFormula: 'ISBLANK(' })).message, /Syntax error/);
  assert.match(refusal(() => db.validationRules.save({ ...CALLS_NEED_COMMENTS, errorDisplayField: 'Nope' })).message, /Field Nope does not exist/);
  assert.equal(refusal(() => db.validationRules.save({ ...CALLS_NEED_COMMENTS, object: 'Widget' })).errorCode, 'INVALID_TYPE');
  assert.deepEqual(db.validationRules.list(), []);
});
