/**
 * A `StoragePort` over a Web Storage area (sessionStorage): what must survive a reload of this tab
 * but not outlive it, such as the History list (customer names and numbers are not kept at rest in
 * the browser once the tab is gone; IndexedDB keeps only what logging needs until Salesforce has it).
 */
import type { JsonValue, StoragePort } from '../../core/index.ts';

/** The part of the Web Storage API this uses. */
export interface WebStorageArea {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const PREFIX = 'switchboard/';

export class WebStoragePort implements StoragePort {
  constructor(private readonly area: WebStorageArea) {}

  async get(key: string): Promise<JsonValue | undefined> {
    const text = this.area.getItem(PREFIX + key);
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return undefined; // not ours, or cut short: as if absent
    }
  }

  async set(key: string, value: JsonValue): Promise<void> {
    this.area.setItem(PREFIX + key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.area.removeItem(PREFIX + key);
  }

  async keys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < this.area.length; i++) {
      const key = this.area.key(i);
      if (key?.startsWith(PREFIX + prefix)) out.push(key.slice(PREFIX.length));
    }
    return out;
  }

  /** Atomic within the tab: Web Storage calls are synchronous. */
  async update(key: string, fn: (current: JsonValue | undefined) => JsonValue | undefined): Promise<JsonValue | undefined> {
    const next = fn(await this.get(key));
    if (next === undefined) await this.delete(key);
    else await this.set(key, next);
    return next;
  }
}
