import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CATALOG, SwitchboardError, isErrorCode, toSwitchboardError, type ErrorCode } from './catalog.ts';

const CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

describe('error catalog', () => {
  it('every code is SB + 5 digits, with a message, causes and fixes', () => {
    assert.ok(CODES.length >= 10);
    for (const code of CODES) {
      const def = ERROR_CATALOG[code];
      assert.match(code, /^SB\d{5}$/);
      assert.ok(def.message.length > 5 && /[.!]$/.test(def.message), `${code}: message is a sentence`);
      assert.ok(def.causes.length > 0 && def.causes.every((c) => c.trim().length > 0), `${code}: causes`);
      assert.ok(def.fixes.length > 0 && def.fixes.every((f) => f.trim().length > 0), `${code}: fixes`);
      assert.equal(typeof def.expected, 'boolean');
    }
  });

  it('the first digit names the area; only 9xxxx are bugs', () => {
    for (const code of CODES) {
      assert.ok(['1', '2', '3', '4', '9'].includes(code[2] ?? ''), code);
      assert.equal(ERROR_CATALOG[code].expected, code[2] !== '9', code);
    }
  });

  it('SwitchboardError carries code, detail, cause, causes and fixes; the message appends the detail', () => {
    const cause = new Error('socket closed');
    const e = new SwitchboardError('SB20002', 'wss://pbx.example.com did not answer.', cause);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'SwitchboardError');
    assert.equal(e.code, 'SB20002');
    assert.equal(e.message, 'The phone system cannot be reached. wss://pbx.example.com did not answer.');
    assert.equal(e.detail, 'wss://pbx.example.com did not answer.');
    assert.equal(e.cause, cause);
    assert.equal(e.expected, true);
    assert.deepEqual(e.causes, ERROR_CATALOG.SB20002.causes);
    assert.deepEqual(e.fixes, ERROR_CATALOG.SB20002.fixes);
    assert.equal(new SwitchboardError('SB90001').message, 'Internal error.');
    assert.equal(new SwitchboardError('SB90001').expected, false);
  });

  it('toJSON is exactly {code, message}: no stack, detail or cause crosses postMessage', () => {
    for (const code of CODES) {
      const e = new SwitchboardError(code, 'detail', new Error('secret inner'));
      const json = JSON.parse(JSON.stringify(e)) as unknown;
      assert.deepEqual(json, { code, message: `${ERROR_CATALOG[code].message} detail` });
      assert.deepEqual(Object.keys(e.toJSON()).sort(), ['code', 'message']);
    }
  });

  it('isErrorCode accepts catalog codes only', () => {
    for (const code of CODES) assert.ok(isErrorCode(code));
    for (const bad of ['SB99999', 'sb10001', '', 'toString', '__proto__', 10001, null, undefined, {}]) assert.equal(isErrorCode(bad), false, String(bad));
  });

  it('toSwitchboardError keeps SwitchboardErrors and wraps anything else with the fallback code', () => {
    const original = new SwitchboardError('SB30002', 'x');
    assert.equal(toSwitchboardError(original, 'SB90001'), original);
    const inner = new TypeError('undefined is not a function');
    const wrapped = toSwitchboardError(inner);
    assert.equal(wrapped.code, 'SB90001');
    assert.equal(wrapped.detail, 'undefined is not a function');
    assert.equal(wrapped.cause, inner);
    const fromString = toSwitchboardError('Salesforce said no', 'SB30002');
    assert.deepEqual([fromString.code, fromString.detail], ['SB30002', 'Salesforce said no']);
    const fromObject = toSwitchboardError({ weird: true }, 'SB20005');
    assert.deepEqual([fromObject.code, fromObject.detail, fromObject.message], ['SB20005', undefined, ERROR_CATALOG.SB20005.message]);
  });
});
