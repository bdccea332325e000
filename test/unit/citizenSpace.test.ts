// Pure rules of the citizen space: what a citizen may type as their address, the legal month of an
// erasure request, and the readable record (French, every value escaped).
import { describe, expect, it } from 'vitest';
import { renderCitizenRecord, type CitizenRecord } from '../../src/domain/citizenRecord.js';
import { addressOf } from '../../src/services/citizenSpace/context.js';
import { oneMonthAfter } from '../../src/services/citizenSpace/data.js';
import { loadConfig } from '../../config/index.js';

describe('addressOf', () => {
  it('reads an email in any case and a phone number in any usual writing', () => {
    expect(addressOf(' Lea.Moreau@Example.FR ', 'FR')).toEqual({ kind: 'email', value: 'lea.moreau@example.fr' });
    for (const phone of ['06 20 00 03 01', '0620000301', '+33 6 20 00 03 01', '06.20.00.03.01', '0033620000301']) expect(addressOf(phone, 'FR')).toEqual({ kind: 'phone', value: '+33620000301' });
  });
  it('refuses what is neither', () => {
    for (const raw of ['', 'bonjour', 'a@b', '12', 'javascript:alert(1)']) expect(addressOf(raw, 'FR')).toBeNull();
  });
});

describe('oneMonthAfter', () => {
  it('is the same day a month later, or the month’s last day', () => {
    expect(oneMonthAfter(new Date('2026-12-07T10:00:00Z')).toISOString()).toBe('2027-01-07T10:00:00.000Z');
    expect(oneMonthAfter(new Date('2027-01-31T10:00:00Z')).toISOString()).toBe('2027-02-28T10:00:00.000Z');
    expect(oneMonthAfter(new Date('2028-01-31T10:00:00Z')).toISOString()).toBe('2028-02-29T10:00:00.000Z');
  });
});

describe('renderCitizenRecord', () => {
  const record: CitizenRecord = {
    exportedAt: '2026-12-07T10:00:00.000Z',
    service: 'la mairie',
    citizen: { name: 'Léa <b>Moreau</b>', identities: [{ kind: 'phone', value: '+33620000301', smsRefused: true }], usualAgent: 'Camille Martin', franceConnect: null, erasureRequest: null },
    requests: [{
      reference: 'GRU-2026-000001', status: 'pending', subject: 'Passeport', category: null, channel: 'sms', openedAt: '2026-12-01T09:00:00.000Z', closedAt: null,
      messages: [{ at: '2026-12-01T09:00:00.000Z', direction: 'in', kind: 'message', channel: 'sms', author: null, text: '<script>alert(1)</script>', files: [{ filename: 'photo.jpg', size: 2048 }] }],
      documents: [{ label: 'Justificatif de domicile', requestedAt: '2026-12-02T09:00:00.000Z', providedAt: null }],
      callback: null, satisfaction: null,
    }],
  };
  it('is a French page where nothing a citizen wrote can run', () => {
    const html = renderCitizenRecord(record);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Vos données auprès de la mairie');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>Moreau');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('Téléphone : +33620000301 (SMS refusés (STOP))');
    expect(html).toContain('En attente de l’usager');
    expect(html).toContain('Justificatif de domicile — pas encore reçue');
    expect(html).toContain('Fichier : photo.jpg (2 Ko)');
    expect(html).toContain('1 demande.');
  });
});

describe('FranceConnect settings', () => {
  const fc = { FRANCECONNECT_CLIENT_ID: 'id', FRANCECONNECT_CLIENT_SECRET: 'secret' };
  it('takes https, or plain http on the loopback address only', () => {
    expect(loadConfig({ ...fc, FRANCECONNECT_ISSUER: 'https://fcp.integ01.dev-franceconnect.fr/api/v1' }).franceConnect).toMatchObject({ issuer: 'https://fcp.integ01.dev-franceconnect.fr/api/v1', scopes: 'openid given_name family_name email' });
    expect(loadConfig({ ...fc, FRANCECONNECT_ISSUER: 'http://127.0.0.1:4000' }).franceConnect?.issuer).toBe('http://127.0.0.1:4000');
    expect(() => loadConfig({ ...fc, FRANCECONNECT_ISSUER: 'http://fc.example.fr' })).toThrow(/FRANCECONNECT_ISSUER must be https/);
    expect(() => loadConfig({ FRANCECONNECT_ISSUER: 'https://fc.example.fr' })).toThrow(/FRANCECONNECT_CLIENT_ID/);
    expect(loadConfig({}).franceConnect).toBeUndefined();
  });
});
