import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ColleagueLamp } from './colleague-lamp.ts';

test('presence that says away or offline wins over an idle line; open leaves the line to the dialog package', () => {
  const lamp = new ColleagueLamp();
  assert.equal(lamp.state, 'unknown');
  assert.equal(lamp.dialog('idle'), 'idle');
  assert.equal(lamp.presenceChanged('away'), 'away');
  assert.equal(lamp.dialog('busy'), 'away', 'an Away agent on a call is still not offered calls');
  assert.equal(lamp.presenceChanged('open'), 'busy');
  assert.equal(lamp.dialog('idle'), 'idle');
  assert.equal(lamp.presenceChanged('offline'), 'offline');
});

test('a publication that is gone means offline; a colleague who never published is read from the line', () => {
  const agent = new ColleagueLamp();
  agent.dialog('idle');
  agent.presenceChanged('open');
  assert.equal(agent.presenceChanged('none'), 'offline');
  const deskPhone = new ColleagueLamp();
  assert.equal(deskPhone.presenceChanged('none'), 'unknown');
  assert.equal(deskPhone.dialog('ringing'), 'ringing');
});
