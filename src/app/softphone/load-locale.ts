/**
 * Loads the agent's language for the panel: English is built in; the other four are separate small
 * files beside softphone.js (`locale-de.js`, …), fetched only for the agent who needs one. A file
 * that fails to load or is incomplete leaves the panel in English rather than half-translated.
 */
import type { Logger } from '../../core/index.ts';
import { isMessages, pickLocale, registerMessages, type Locale } from '../../ui/i18n/i18n.ts';

export type ModuleImporter = (url: string) => Promise<unknown>;

export async function loadLocale(
  tag: string | null | undefined,
  base: string,
  logger: Logger,
  importer: ModuleImporter = (url) => import(url),
): Promise<Locale> {
  const locale = pickLocale(tag);
  if (locale === 'en') return locale;
  const url = new URL(`locale-${locale}.js`, base).href;
  try {
    const mod = await importer(url);
    const messages = typeof mod === 'object' && mod !== null ? (mod as { messages?: unknown }).messages : undefined;
    if (!isMessages(messages)) {
      logger.log('warn', `${url} is not a complete translation; the panel stays in English`);
      return 'en';
    }
    registerMessages(locale, messages);
    return locale;
  } catch (error) {
    logger.log('warn', `could not load ${url}; the panel stays in English`, { error: String(error) });
    return 'en';
  }
}
