import { describe, expect, it } from 'vitest';
import { smsLength } from '../../src/domain/sms.js';
import { acknowledgement } from '../../src/domain/templates.js';

describe('acknowledgements', () => {
  const input = { reference: 'GRU-2026-000123', agentFirstName: 'Camille', promiseHours: 48, serviceName: 'la mairie de Villeneuve' };

  it('gives the reference, the agent first name and the promise on every channel', () => {
    for (const channel of ['sms', 'voice', 'email', 'chat'] as const) {
      const { text } = acknowledgement(channel, input);
      expect(text).toContain('GRU-2026-000123');
      expect(text).toContain('Camille');
      expect(text).toMatch(/48 h/);
    }
  });

  it('keeps the SMS within three parts, portal link included', () => {
    const { text } = acknowledgement('sms', { ...input, portalLink: 'https://gru.villeneuve.fr/portal/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' });
    expect(smsLength(text).segments).toBeLessThanOrEqual(3);
  });

  it('gives email a subject carrying the reference, and works without an agent', () => {
    const mail = acknowledgement('email', { ...input, agentFirstName: null, citizenName: 'Luc Moreau' });
    expect(mail.subject).toBe('Votre demande GRU-2026-000123 a bien été reçue');
    expect(mail.text).toMatch(/^Bonjour Luc Moreau,/);
    expect(mail.text).toContain('Un agent vous répondra');
  });
});
