/**
 * The panel's five languages, picked from the user's Salesforce locale (`de_DE`, `ja_JP`) or a BCP 47
 * tag (`fr-CA`); anything else falls back to English.
 */
import { de } from './messages-de.ts';
import { en, type MessageKey, type Messages } from './messages-en.ts';
import { es } from './messages-es.ts';
import { fr } from './messages-fr.ts';
import { ja } from './messages-ja.ts';

export type { MessageKey, Messages } from './messages-en.ts';

export const LOCALES = { en, de, fr, es, ja } as const satisfies Record<string, Messages>;
export type Locale = keyof typeof LOCALES;

export function isLocale(value: string): value is Locale {
  return Object.prototype.hasOwnProperty.call(LOCALES, value);
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

export function createTranslator(locale: Locale): Translator {
  const messages: Messages = LOCALES[locale];
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
