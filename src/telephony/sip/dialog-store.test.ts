import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DialogStore, MAX_DIALOG_AGE_MS, type DialogStorage, type PersistedDialog } from './dialog-store.ts';

class MapStorage implements DialogStorage {
  readonly items = new Map<string, string>();
  failWrites = false;
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.failWrites) throw new Error('QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const DIALOG: PersistedDialog = {
  callId: 'abc@host',
  sipCallId: 'abc@host',
  localTag: 'lt',
  remoteTag: 'rt',
  remoteTarget: 'sip:x@y.invalid;transport=ws',
  remoteUri: 'sip:+14155550134@localhost',
  routeSet: ['<sip:127.0.0.1:5060;lr>'],
  localSeqnum: 3,
  direction: 'inbound',
  internal: false,
  remote: { number: '+14155550134' },
  held: false,
  muted: true,
  establishedAt: 1000,
  savedAt: 5000,
};

describe('DialogStore: the dialogs a reload must find', () => {
  it('keeps the dialogs and gives them back; an empty list removes the key', () => {
    const storage = new MapStorage();
    const store = new DialogStore(storage);
    assert.equal(store.save([DIALOG]), true);
    assert.deepEqual(store.load(6000), [DIALOG]);
    store.save([]);
    assert.equal(storage.items.size, 0);
    assert.deepEqual(store.load(6000), []);
  });

  it('drops what is too old, unreadable or incomplete, and never throws', () => {
    const storage = new MapStorage();
    const store = new DialogStore(storage);
    store.save([DIALOG]);
    assert.deepEqual(store.load(DIALOG.savedAt + MAX_DIALOG_AGE_MS + 1), [], 'a dialog kept too long ago');
    storage.items.set('switchboard/sip/dialogs', '{not json');
    assert.deepEqual(store.load(6000), []);
    storage.items.set('switchboard/sip/dialogs', JSON.stringify([{ ...DIALOG, remoteTag: '' }, DIALOG]));
    assert.deepEqual(store.load(6000), [DIALOG], 'only the complete dialog');
    storage.failWrites = true;
    assert.equal(store.save([DIALOG]), false);
  });
});
