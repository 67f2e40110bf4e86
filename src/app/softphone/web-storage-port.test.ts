import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebStoragePort, type WebStorageArea } from './web-storage-port.ts';

class Area implements WebStorageArea {
  readonly data = new Map<string, string>();
  get length(): number {
    return this.data.size;
  }
  key(i: number): string | null {
    return [...this.data.keys()][i] ?? null;
  }
  getItem(k: string): string | null {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.data.set(k, v);
  }
  removeItem(k: string): void {
    this.data.delete(k);
  }
}

test('values round-trip as JSON under a prefix; keys, update and delete; unreadable text reads as absent', async () => {
  const area = new Area();
  const port = new WebStoragePort(area);
  await port.set('history:1001', [{ id: 'a' }]);
  assert.deepEqual(await port.get('history:1001'), [{ id: 'a' }]);
  assert.deepEqual([...area.data.keys()], ['switchboard/history:1001']);
  area.setItem('other-app', 'x');
  assert.deepEqual(await port.keys('history:'), ['history:1001']);
  assert.deepEqual(await port.update('n', (v) => (typeof v === 'number' ? v + 1 : 1)), 1);
  assert.deepEqual(await port.update('n', () => undefined), undefined);
  assert.equal(await port.get('n'), undefined);
  area.setItem('switchboard/broken', '{nope');
  assert.equal(await port.get('broken'), undefined);
  await port.delete('history:1001');
  assert.equal(await port.get('history:1001'), undefined);
});
