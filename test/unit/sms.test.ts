import { describe, expect, it } from 'vitest';
import { consentKeyword, smsLength, toGsm7 } from '../../src/domain/sms.js';

describe('SMS length', () => {
  it.each([
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    ['é à è ù Ç ñ', 'GSM-7', 1],
    ['€'.repeat(80), 'GSM-7', 1],
    ['€'.repeat(81), 'GSM-7', 2],
    ['ê'.repeat(70), 'UCS-2', 1],
    ['ê'.repeat(71), 'UCS-2', 2],
    ['🙂'.repeat(35), 'UCS-2', 1],
    ['🙂'.repeat(36), 'UCS-2', 2],
    // Typographic look-alikes are sent as GSM-7: an apostrophe does not cost two thirds of the room.
    [`l’état civil « ouvert » – 9 h…${'a'.repeat(120)}`, 'GSM-7', 1],
  ])('%#: %s chars', (text, encoding, segments) => {
    expect(smsLength(text)).toMatchObject({ encoding, segments });
  });

  it('gives the room the parts counted hold', () => {
    expect(smsLength('a')).toEqual({ encoding: 'GSM-7', segments: 1, limit: 160 });
    expect(smsLength('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, limit: 306 });
    expect(smsLength('ê')).toEqual({ encoding: 'UCS-2', segments: 1, limit: 70 });
  });

  it('writes look-alikes as GSM-7, and keeps accents', () => {
    expect(toGsm7('Aujourd’hui « à 9 h » – c’est ouvert…\u00a0!')).toBe('Aujourd\'hui " à 9 h " - c\'est ouvert... !');
    expect(toGsm7('prêt, reçu, âgé')).toBe('prêt, reçu, âgé');
  });
});

describe('consent keywords', () => {
  it.each([['STOP', 'stop'], ['stop', 'stop'], ['Arrêt', 'stop'], ['ARRET.', 'stop'], [' start ', 'start'], ['Stop la cantine', null], ['Bonjour', null]])(
    '%j → %s',
    (text, keyword) => {
      expect(consentKeyword(text)).toBe(keyword);
    },
  );
});
