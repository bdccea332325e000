import { describe, expect, it } from 'vitest';
import { consentKeyword, smsLength } from '../../src/domain/sms.js';

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
  ])('%#: %s chars', (text, encoding, segments) => {
    expect(smsLength(text)).toEqual({ encoding, segments });
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
