/** All five translations at once, for tests and the panel preview (the app loads just one). */
import { de } from './messages-de.ts';
import { en, type Messages } from './messages-en.ts';
import { es } from './messages-es.ts';
import { fr } from './messages-fr.ts';
import { ja } from './messages-ja.ts';
import { registerMessages, type Locale } from './i18n.ts';

export const LOCALES: Readonly<Record<Locale, Messages>> = { en, de, fr, es, ja };

export function registerAllLocales(): void {
  for (const [locale, messages] of Object.entries(LOCALES) as [Locale, Messages][]) registerMessages(locale, messages);
}
