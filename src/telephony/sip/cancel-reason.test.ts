import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answeredElsewhere } from './cancel-reason.ts';

test('a CANCEL with Reason SIP cause=200 or Q.850 cause=26 means another phone answered', () => {
  assert.equal(answeredElsewhere(['SIP;cause=200;text="Call completed elsewhere"']), true);
  assert.equal(answeredElsewhere(['SIP ; cause = 200']), true);
  assert.equal(answeredElsewhere(['sip;cause="200"']), true);
  assert.equal(answeredElsewhere(['Q.850;cause=26;text="non-selected user clearing"']), true);
  assert.equal(answeredElsewhere(['Q.850;cause=16, SIP;cause=200;text="Call completed elsewhere"']), true);
  assert.equal(answeredElsewhere(['Q.850;cause=16', 'SIP;cause=200']), true);
});

test('any other CANCEL is the caller giving up', () => {
  assert.equal(answeredElsewhere([]), false);
  assert.equal(answeredElsewhere(['SIP;cause=487;text="Request Terminated"']), false);
  assert.equal(answeredElsewhere(['Q.850;cause=16;text="Normal call clearing"']), false);
  assert.equal(answeredElsewhere(['SIP;cause=2000']), false);
  assert.equal(answeredElsewhere(['Q.850;cause=260']), false);
  assert.equal(answeredElsewhere(['garbage']), false);
  assert.equal(answeredElsewhere(['text="cause=200"']), false);
});
