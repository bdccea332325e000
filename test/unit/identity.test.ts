import { describe, expect, it } from 'vitest';
import { identityKey, isCallbackDestination, normaliseEmail, normaliseIdentity, normalisePhone } from '../../src/domain/identity.js';

describe('phone numbers', () => {
  it.each([
    ['06 12 34 56 78', '+33612345678'],
    ['0612345678', '+33612345678'],
    ['+33 6 12 34 56 78', '+33612345678'],
    ['0033612345678', '+33612345678'],
    ['+33 (0)6 12 34 56 78', '+33612345678'],
    ['01.42.76.40.40', '+33142764040'],
    ['+32 470 12 34 56', '+32470123456'],
    ['+262 692 12 34 56', '+262692123456'],
  ])('normalises %s to %s', (raw, e164) => {
    expect(normalisePhone(raw, 'FR')).toBe(e164);
  });

  it.each(['', 'abc', '123', '+33 6'])('refuses %j', (raw) => {
    expect(normalisePhone(raw, 'FR')).toBeNull();
  });
});

describe('emails', () => {
  it('lower-cases and trims', () => {
    expect(normaliseEmail('  Marie.Durand@Example.FR ')).toBe('marie.durand@example.fr');
  });
  it.each(['nope', 'a@b', 'a b@c.fr', '<a@b.fr>', 'a@b.fr\r\nBcc: x@y.fr'])('refuses %j', (raw) => {
    expect(normaliseEmail(raw)).toBeNull();
  });
});

describe('identity keys', () => {
  it('keys a phone written two ways identically', () => {
    expect(identityKey(normaliseIdentity('phone', '06 12 34 56 78', 'FR'))).toBe(identityKey(normaliseIdentity('phone', '+33612345678', 'FR')));
  });
  it('throws a clear error for an unreadable address', () => {
    expect(() => normaliseIdentity('email', 'nope', 'FR')).toThrow(/n’est pas valide/);
  });
});

describe('isCallbackDestination', () => {
  const french = { known: ['+33899000001'], regions: ['FR'] };
  it('calls French mobiles and landlines, and any number the citizen is known by', () => {
    for (const phone of ['+33612345678', '+33145678910', '+33299123456', '+33899000001']) expect({ phone, ok: isCallbackDestination(phone, french) }).toEqual({ phone, ok: true });
  });
  it('never premium-rate, shared-cost, satellite or other regions’ numbers', () => {
    for (const phone of ['+33899123456', '+33810123456', '+19005550123', '+881612345678', '+882161234567', '+67570123456', '+447911123456', '+33123']) {
      expect({ phone, ok: isCallbackDestination(phone, french) }).toEqual({ phone, ok: false });
    }
    expect(isCallbackDestination('+447400123456', { known: [], regions: ['FR', 'GB'] })).toBe(true);
  });
});
