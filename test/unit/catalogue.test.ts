// The catalogue: one file per language with the same keys, placeholders filled, counted words as ICU plurals.
import { describe, expect, it } from 'vitest';
import { t, textsFor } from '../../src/i18n/catalogue.js';
import { en } from '../../src/i18n/en.js';
import { fr } from '../../src/i18n/fr.js';

describe('catalogue', () => {
  it('has the same keys in French and English, and no « (s) » left', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const [key, text] of [...Object.entries(fr), ...Object.entries(en)]) expect({ key, plain: /\w\(s\)/.test(text) && !/http\(s\)/.test(text) }).toEqual({ key, plain: false });
  });
  it('fills placeholders and counts words as each language does', () => {
    expect(t('ui.inbox.count', { count: 0 })).toBe('0 demande affichée');
    expect(t('ui.inbox.count', { count: 1 })).toBe('1 demande affichée');
    expect(t('ui.inbox.count', { count: 12 })).toBe('12 demandes affichées');
    expect(t('ui.inbox.count', { count: 1 }, 'en')).toBe('1 request shown');
    expect(t('ui.inbox.count', { count: 0 }, 'en')).toBe('0 requests shown');
    expect(t('document.sent_text', { count: 2, names: 'a.pdf, b.pdf' })).toBe('Documents envoyés : a.pdf, b.pdf');
    expect(textsFor('widget.').open).toBeTruthy();
  });
});
