/**
 * The panel's five languages, picked from the user's Salesforce locale (`de_DE`, `ja_JP`) or a BCP 47
 * tag (`fr-CA`); anything else falls back to English.
 *
 * Only English is bundled with the panel; the app loads the agent's language (one small file) and
 * registers it before mounting the panel, so four unused translations never weigh on the bundle.
 * `locales.ts` imports all five, for tests and the preview.
 */
import { en, type MessageKey, type Messages } from './messages-en.ts';

export type { MessageKey, Messages } from './messages-en.ts';

export const LOCALE_TAGS = ['en', 'de', 'fr', 'es', 'ja'] as const;
export type Locale = (typeof LOCALE_TAGS)[number];

const registry: Partial<Record<Locale, Messages>> = { en };

export function isLocale(value: string): value is Locale {
  return (LOCALE_TAGS as readonly string[]).includes(value);
}

/** Makes a translation available to `createTranslator`. */
export function registerMessages(locale: Locale, messages: Messages): void {
  registry[locale] = messages;
}

/** Checks a translation loaded at run time: every English key, each a string. */
export function isMessages(value: unknown): value is Messages {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return Object.keys(en).every((key) => typeof record[key] === 'string');
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** `de_DE` → `de`, `ja-JP` → `ja`, `pt-BR` → `en`, undefined → `en`. */
export function pickLocale(tag: string | undefined | null): Locale {
  const language = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return isLocale(language) ? language : 'en';
}

export type Params = Readonly<Record<string, string | number>>;

export interface Translator {
  readonly locale: Locale;
  /** The message for `key` with `{placeholders}` filled; an unknown placeholder stays visible as `{name}`. */
  t(key: MessageKey, params?: Params): string;
}

/** A translator for `locale`, or for English when that locale's messages are not registered. */
export function createTranslator(requested: Locale): Translator {
  const registered = registry[requested];
  const locale: Locale = registered ? requested : 'en';
  const messages: Messages = registered ?? en;
  return {
    locale,
    t(key, params) {
      const template = messages[key] ?? en[key];
      if (!params) return template;
      return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
    },
  };
}

/** The placeholders a message uses, sorted: translations must use the same ones. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}
