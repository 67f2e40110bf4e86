import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapturingLogger, MemoryStorage } from '../../core/testing/index.ts';
import { FakeLockManager } from '../testing/fake-locks.ts';
import { usableLocks, usableStorage } from './browser-capabilities.ts';

const denied = { request: () => Promise.reject(new Error('SecurityError: The request was denied.')) };

test('usableLocks keeps working locks and drops denied ones, saying so', async () => {
  const logger = new CapturingLogger();
  const locks = new FakeLockManager().forTab('a');
  assert.equal(await usableLocks(locks, logger), locks);
  assert.equal(await usableLocks(undefined, logger), undefined);
  assert.equal(await usableLocks(denied, logger), undefined);
  assert.equal(logger.find('warn', 'Web Locks are denied').length, 1);
});

test('usableStorage falls back when the preferred storage cannot even read', async () => {
  const logger = new CapturingLogger();
  const good = new MemoryStorage();
  assert.equal(await usableStorage(good, () => new MemoryStorage(), logger), good);
  const broken = new MemoryStorage();
  broken.get = () => Promise.reject(new Error('UnknownError: The user denied permission to access the database.'));
  const fallback = new MemoryStorage();
  assert.equal(await usableStorage(broken, () => fallback, logger), fallback);
  assert.equal(logger.find('error', 'IndexedDB is denied').length, 1);
});
