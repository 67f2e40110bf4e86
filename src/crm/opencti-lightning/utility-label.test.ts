// The utility bar label through the real Lightning bridge over the fake sforce.opencti.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../core/index.ts';
import { MemoryStorage } from '../outbox/memory-storage.ts';
import { FakeClock } from '../testing/fake-clock.ts';
import { installFakeSforce, type FakeSforceControl } from '../testing/fake-sforce.ts';
import { createFakeBrowser } from '../testing/fake-window.ts';
import { LIGHTNING_SEARCH, SF_TRUST, standardOrg } from '../testing/test-fixtures.ts';
import { createOpenCtiLightning } from './create-lightning.ts';

test('setUtilityLabel names both the utility bar item and the open panel', async () => {
  let control: FakeSforceControl | undefined;
  const org = standardOrg();
  const browser = createFakeBrowser({
    search: LIGHTNING_SEARCH,
    onScript: () => ({
      kind: 'run',
      run: (win) => {
        control = installFakeSforce(win, org);
      },
    }),
  });
  const crm = await createOpenCtiLightning({
    window: browser.window,
    document: browser.document,
    clock: new FakeClock(),
    logger: silentLogger,
    storage: new MemoryStorage(),
    origins: SF_TRUST,
  });
  await crm.setUtilityLabel('Phone (2 unsaved)');
  const labels = control!.calls.filter((c) => /Label$/.test(c.method)).map((c) => [c.method, (c.args[0] as { label?: unknown }).label]);
  assert.deepEqual(labels, [
    ['setSoftphoneItemLabel', 'Phone (2 unsaved)'],
    ['setSoftphonePanelLabel', 'Phone (2 unsaved)'],
  ]);
  crm.dispose();
});
