// "Pièces à fournir" from the console by keyboard: asked from the ticket's panel, and by a canned answer
// that lists pieces; the citizen's upload from the portal then shows as received. axe-core on the ticket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/services/audit.js';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture, logInToConsole } from '../helpers/browser.js';
import { pdf } from '../fixtures/documents.js';

let fixture: Awaited<ReturnType<typeof browserFixture>>;

beforeAll(async () => {
  fixture = await browserFixture({ agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }] });
}, 60_000);
afterAll(() => fixture?.close());

describe('documents in the console', () => {
  it('asks for pieces from the panel and through a canned answer, and shows them received', async () => {
    const { ctx, base, browser } = fixture;
    await ctx.services.cannedAnswers.create(SYSTEM, { title: 'Passeport', body: 'Bonjour, pour votre passeport il nous faut deux documents.', documents: ['Photo d’identité', 'Justificatif de domicile'] });
    const { session } = await ctx.services.chat.start({ name: 'Inès' });
    const first = await ctx.services.chat.send(session, { clientId: 'c1', text: 'Je voudrais un passeport.' });

    const { page, errors } = await logInToConsole(browser, base, 'camille@mairie.test');
    const item = page.getByRole('button', { name: /Je voudrais un passeport/ });
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    await item.focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('list', { name: 'Pièces à fournir' });
    await expect.poll(() => panel.textContent()).toBe('Aucune pièce demandée.');

    // A canned answer with pieces: inserted with "/", sent; its pieces join the checklist.
    const reply = page.getByLabel('Votre réponse (tapez / pour une réponse type)');
    await reply.focus();
    await page.keyboard.type('/pass');
    await expect.poll(() => page.getByRole('option', { name: 'Passeport' }).count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => reply.inputValue()).toContain('il nous faut deux documents');
    await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await expect.poll(async () => (await ctx.models.tickets.findById(first.ticketId).lean())!.documents.map((d) => d.label)).toEqual(['Photo d’identité', 'Justificatif de domicile']);

    // One more from the panel, by keyboard.
    await page.getByLabel('Demander des pièces (une par ligne)').fill('Ancien passeport');
    await page.getByRole('button', { name: 'Demander', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Pièces demandées à l’usager.');
    await expect.poll(() => panel.textContent()).toContain('Ancien passeport — attendue');
    expect(await axeViolations(page, 'console ticket with documents')).toEqual([]);

    // The citizen sends the old passport from the portal: the panel shows it received on the next opening.
    const token = (await ctx.services.portal.createLink((await ctx.models.tickets.findById(first.ticketId))!)).split('/').pop()!;
    await ctx.services.portal.post(token, { text: '', item: 'ancien-passeport', files: [{ filename: 'passeport.pdf', content: pdf() }] });
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: /passeport/ }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: /passeport/ }).first().click();
    await expect.poll(() => page.getByRole('list', { name: 'Pièces à fournir' }).textContent(), { timeout: 10_000 }).toMatch(/Ancien passeport — reçue le/);
    await expect.poll(() => page.getByRole('log').textContent()).toContain('passeport.pdf');
    expect(errors).toEqual([]);
  });
});
