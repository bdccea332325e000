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

import { matchCategoryRule, renderAutomation, unknownAutomationVariables } from '../../src/domain/templates.js';

describe('automation rules', () => {
  const rules = [
    { keywords: ['permis de construire', 'urbanisme'], category: 'urbanisme' },
    { keywords: ['état civil', 'acte de naissance', 'passeport'], category: 'état civil' },
  ];
  it('matches keywords as whole words, ignoring case and accents', () => {
    expect(matchCategoryRule('Bonjour, mon PERMIS DE CONSTRUIRE est refusé', rules)?.category).toBe('urbanisme');
    expect(matchCategoryRule("Je voudrais un acte de naissance", rules)?.category).toBe('état civil');
    expect(matchCategoryRule('Question sur l’etat civil', rules)?.category).toBe('état civil');
    expect(matchCategoryRule('Passeports perdus', rules)).toBeUndefined();
    expect(matchCategoryRule('Rien à voir', rules)).toBeUndefined();
  });
  it('renders automatic messages and refuses unknown variables', () => {
    expect(renderAutomation('Réf. {{ticket.reference}} sous {{promise.hours}} h, {{service.name}}.', { 'ticket.reference': 'GRU-2026-000001', 'promise.hours': '48', 'service.name': 'la mairie' })).toBe(
      'Réf. GRU-2026-000001 sous 48 h, la mairie.',
    );
    expect(unknownAutomationVariables('{{ticket.reference}} {{citizen.iban}}')).toEqual(['citizen.iban']);
  });
});

describe('the demo’s canned answers', () => {
  it('fit two SMS in GSM-7 with a portal link, and the documents answer fills the checklist', async () => {
    const { DEMO_CANNED } = await import('../../src/services/bootstrap.js');
    const { renderCanned } = await import('../../src/domain/templates.js');
    for (const answer of DEMO_CANNED) {
      const text = renderCanned(answer.body, {
        'citizen.firstName': 'Claire', 'citizen.name': 'Claire Petit', 'ticket.reference': 'GRU-2026-000123',
        'agent.firstName': 'Camille', 'agent.name': 'Camille Martin', 'portal.link': `http://localhost:3000/portal/${'x'.repeat(32)}`,
      });
      expect(smsLength(text), answer.title).toMatchObject({ encoding: 'GSM-7' });
      expect(smsLength(text).segments, answer.title).toBeLessThanOrEqual(2);
    }
    expect(DEMO_CANNED.find((a) => a.title === 'Pièces à fournir')).toMatchObject({ documents: ['Justificatif de domicile de moins de trois mois', "Pièce d'identité"] });
  });
});
