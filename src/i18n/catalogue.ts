// The message catalogue: every text a person reads (error messages shown to agents and citizens,
// pages, widget) by a stable key, one file per language (fr.ts first, en.ts). Machine error codes stay
// apart and never change; only the words do. Placeholders are {name}; counted words are ICU plurals,
// formatted with intl-messageformat.
import { IntlMessageFormat } from 'intl-messageformat';
import { en } from './en.js';
import { fr } from './fr.js';


export type MessageKey = keyof typeof fr;
export type Locale = 'fr' | 'en';


const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { fr, en };
export type MessageParams = Record<string, string | number>;

const plurals = new Map<string, IntlMessageFormat>();
/** A text with counted words, as ICU formats it for the language (French: 0 and 1 are singular). */
function plural(text: string, params: MessageParams, locale: Locale): string {
  let format = plurals.get(`${locale}\n${text}`);
  if (!format) plurals.set(`${locale}\n${text}`, (format = new IntlMessageFormat(text, locale)));
  return String(format.format(params));
}

/** The text of `key` in `locale` (French by default), with its {placeholders} filled. */
export function t(key: MessageKey, params: MessageParams = {}, locale: Locale = 'fr'): string {
  const text = CATALOGUES[locale][key];
  if (text.includes(', plural,')) return plural(text, params, locale);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** French unless the caller prefers English (Accept-Language), the one other locale we have. */
export function localeOf(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'fr';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().toLowerCase().split(';');
      const q = rest.map((r) => /^q=([\d.]+)$/.exec(r.trim())?.[1]).find(Boolean);
      return { lang: (tag ?? '').split('-')[0], q: q ? Number(q) : 1 };
    })
    .filter((p) => p.lang === 'fr' || p.lang === 'en')
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.lang === 'en' ? 'en' : 'fr';
}

export const isMessageKey = (key: string): key is MessageKey => key in fr;

/** The texts whose keys start with `prefix`, in one language: what a plain script (the widget) is served with. */
export function textsFor(prefix: string, locale: Locale = 'fr'): Record<string, string> {
  return Object.fromEntries(Object.keys(fr).filter((key) => key.startsWith(prefix)).map((key) => [key.slice(prefix.length), CATALOGUES[locale][key as MessageKey]]));
}
