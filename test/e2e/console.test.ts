// The agents' console in headless Chromium, in French, by keyboard first: log in, the live inbox
// (views, search), a ticket opened with Enter (focus lands on its heading), a canned answer inserted by
// typing "/", the SMS counter, a reply and its delivery status, a note that stays text, live messages
// that never move the focus, and a manager's reassignment and change of usual agent with a reason.
// axe-core checks each screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/services/audit.js';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture, logInToConsole } from '../helpers/browser.js';

let fixture: Awaited<ReturnType<typeof browserFixture>>;
let ctx: typeof fixture.ctx;
let base: string;
let browser: typeof fixture.browser;

beforeAll(async () => {
  fixture = await browserFixture({
    agents: [
      { name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' },
      { name: 'Julien Bernard', email: 'julien@mairie.test', role: 'agent' },
      { name: 'Nadia Lefèvre', email: 'nadia@mairie.test', role: 'manager' },
    ],
  });
  ({ ctx, base, browser } = fixture);
}, 60_000);
afterAll(() => fixture?.close());

const logIn = (email: string) => logInToConsole(browser, base, email);

describe('agent console', () => {
  it('lets an agent work by keyboard: open with Enter, insert a canned answer with /, reply, note, live updates that keep focus', async () => {
    await ctx.services.cannedAnswers.create(SYSTEM, { title: 'Horaires', body: 'Bonjour {{citizen.firstName}}, nous sommes ouverts de 9 h à 17 h. {{agent.firstName}}' });
    const { session } = await ctx.services.chat.start({ name: 'Inès Garcia' });
    const first = await ctx.services.chat.send(session, { clientId: 'c1', text: 'Quels sont vos horaires ?' });
    const camille = await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean();
    const owner = first.recurringAgentId === String(camille!._id) ? 'camille@mairie.test' : 'julien@mairie.test';

    const { page, errors } = await logIn(owner);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    const inboxItem = page.getByRole('button', { name: /Inès Garcia/ });
    await expect.poll(() => inboxItem.count(), { timeout: 10_000 }).toBe(1);
    expect(await inboxItem.textContent()).toContain('Nouvelle');
    expect(await axeViolations(page, 'console inbox')).toEqual([]);

    // Keyboard only: focus the item, Enter opens it and puts focus on the ticket's heading.
    await inboxItem.focus();
    await page.keyboard.press('Enter');
    const heading = page.getByRole('heading', { level: 2, name: new RegExp(first.reference) });
    await expect.poll(() => heading.evaluate((el) => el === document.activeElement), { timeout: 10_000 }).toBe(true);
    const thread = page.getByRole('log');
    await expect.poll(() => thread.textContent()).toContain('Quels sont vos horaires ?');
    expect(await axeViolations(page, 'console ticket (agent)')).toEqual([]);

    // "/hor" then Enter: the canned answer, its variables filled, replaces the slash word.
    const reply = page.getByLabel('Votre réponse (tapez / pour une réponse type)');
    await reply.focus();
    await page.keyboard.type('/hor');
    await expect.poll(() => page.getByRole('option', { name: 'Horaires' }).count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => reply.inputValue()).toMatch(/^Bonjour Inès, nous sommes ouverts de 9 h à 17 h\. (Camille|Julien)$/);

    // A message arrives live while the agent types: the text and the focus stay where they are.
    await page.keyboard.type(' À bientôt.');
    await ctx.services.chat.send(session, { clientId: 'c2', text: 'Et le samedi ?' });
    await expect.poll(() => thread.textContent(), { timeout: 10_000 }).toContain('Et le samedi ?');
    expect(await reply.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await reply.inputValue()).toMatch(/À bientôt\.$/);

    await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    const sent = thread.locator('li.out', { hasText: 'nous sommes ouverts' });
    await expect.poll(() => sent.locator('.status').textContent(), { timeout: 10_000 }).toMatch(/envoyé|remis/);
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Réponse enregistrée, envoi en cours.');

    await page.getByRole('textbox', { name: 'Note interne (jamais envoyée)' }).fill('Penser au formulaire <script>alert(1)</script>');
    await page.getByRole('button', { name: 'Ajouter la note' }).click();
    await expect.poll(() => thread.locator('li.note').textContent()).toContain('<script>alert(1)</script>');
    expect(await page.evaluate(() => document.querySelectorAll('.messages script').length)).toBe(0);

    // Status in words, saved from the form.
    await page.locator('#ticket-status').selectOption({ label: 'En attente de l’usager' });
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Demande mise à jour.');
    await expect.poll(async () => (await ctx.models.tickets.findById(first.ticketId).lean())!.status).toBe('pending');
    expect(errors).toEqual([]);
  });

  it('counts SMS segments while an agent types a reply to an SMS', async () => {
    const sms = await ctx.services.ingestInbound({ channel: 'sms', externalId: `SM${'7'.repeat(32)}`, from: { address: '+33612345670', name: 'Paul Durand' }, text: 'Ma demande de carte grise', threadHints: {}, attachments: [], receivedAt: new Date() });
    const agent = await ctx.models.agents.findById(sms.recurringAgentId).lean();
    const { page } = await logIn(agent!.email);
    await page.getByRole('button', { name: /Paul Durand/ }).click();
    await page.getByLabel('Votre réponse (tapez / pour une réponse type)').fill('a'.repeat(161));
    await expect.poll(() => page.locator('#reply-counter').textContent()).toBe('161 caractères sur 306, 2 SMS (GSM-7)');
    await page.getByLabel('Votre réponse (tapez / pour une réponse type)').fill('Ça coûte 10 €');
    await expect.poll(() => page.locator('#reply-counter').textContent()).toBe('13 caractères sur 70, 1 SMS (UCS-2)');
  });

  it('lets a manager reassign a ticket and change the usual agent, each with a reason, and the first agent sees it leave', async () => {
    const { session } = await ctx.services.chat.start({ name: 'Léa Moreau' });
    const first = await ctx.services.chat.send(session, { clientId: 'm1', text: 'Bonjour, pour mon permis de construire' });
    const ownerDoc = await ctx.models.agents.findById(first.recurringAgentId).lean();
    const agent = await logIn(ownerDoc!.email);
    const agentItem = agent.page.getByRole('button', { name: /Léa Moreau/ });
    await expect.poll(() => agentItem.count(), { timeout: 10_000 }).toBe(1);

    const manager = await logIn('nadia@mairie.test');
    await manager.page.getByRole('button', { name: 'Toutes', exact: true }).click();
    await manager.page.getByLabel('Rechercher', { exact: true }).fill('Léa');
    await manager.page.keyboard.press('Enter');
    await manager.page.getByRole('button', { name: /Léa Moreau/ }).click();
    await expect.poll(() => manager.page.getByRole('heading', { level: 2, name: new RegExp(first.reference) }).count()).toBe(1);
    expect(await axeViolations(manager.page, 'console ticket (manager)')).toEqual([]);

    const other = ownerDoc!.name === 'Camille Martin' ? 'Julien Bernard' : 'Camille Martin';
    const otherAgent = await ctx.models.agents.findOne({ name: other }).lean();
    await manager.page.getByLabel('Réaffecter cette demande à').selectOption(String(otherAgent!._id));
    // By keyboard: the reason typed, Enter submits.
    await manager.page.locator('#assign-reason').focus();
    await manager.page.keyboard.type('Congés de l’agent');
    await manager.page.keyboard.press('Enter');
    await expect.poll(() => manager.page.getByRole('status').textContent(), { timeout: 10_000 }).toBe('Demande réaffectée.');
    // It leaves the first agent's inbox, live.
    await expect.poll(() => agentItem.count(), { timeout: 10_000 }).toBe(0);
    const audit = await ctx.models.auditEvents.findOne({ action: 'ticket.assigned', ticketId: first.ticketId }).lean();
    expect(audit!.data).toMatchObject({ reason: 'Congés de l’agent' });

    await manager.page.getByLabel('Changer l’interlocuteur habituel de l’usager').selectOption(String(otherAgent!._id));
    await manager.page.locator('#recurring-reason').fill('Déménagement du quartier');
    await manager.page.getByRole('button', { name: 'Changer l’interlocuteur' }).click();
    await expect.poll(() => manager.page.getByRole('status').textContent(), { timeout: 10_000 }).toBe('Interlocuteur habituel changé.');
    const citizen = await ctx.models.citizens.findById(first.citizenId).lean();
    expect(String(citizen!.recurringAgentId)).toBe(String(otherAgent!._id));
    // The history says who moved it, to whom and why.
    const history = manager.page.getByRole('region', { name: 'Historique de la demande' });
    await expect.poll(() => history.textContent(), { timeout: 10_000 }).toContain(`Affectée à ${other}`);
    expect(await history.textContent()).toContain('motif : Congés de l’agent');

    // The citizen's portal links are revoked in one click.
    await ctx.services.portal.createLink((await ctx.models.tickets.findById(first.ticketId))!);
    await manager.page.getByRole('button', { name: 'Révoquer les liens du portail de cette demande' }).click();
    await expect.poll(() => manager.page.getByRole('status').textContent()).toMatch(/^\d+ liens? révoqués?\.$/);
    expect(await ctx.models.portalLinks.countDocuments({ ticketId: first.ticketId, revokedAt: null })).toBe(0);

    // RGPD: the export is a download of the readable document the citizen gets from their space; the
    // erasure asks for a confirmation first, which takes the focus.
    const download = manager.page.waitForEvent('download');
    await manager.page.getByRole('button', { name: 'Exporter ses données (RGPD)' }).click();
    expect((await download).suggestedFilename()).toBe(`usager-${first.citizenId}.html`);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile((await (await download).path())!, 'utf8')).toMatch(/<h1>Vos données auprès de la mairie<\/h1>/);
    await manager.page.getByRole('button', { name: 'Effacer ses données (RGPD)…' }).click();
    const confirm = manager.page.getByRole('button', { name: 'Confirmer l’effacement' });
    await expect.poll(() => confirm.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await axeViolations(manager.page, 'console erasure confirmation')).toEqual([]);
    await confirm.click();
    await expect.poll(() => manager.page.getByRole('status').textContent(), { timeout: 10_000 }).toBe('Données de l’usager effacées.');
    expect((await ctx.models.citizens.findById(first.citizenId).lean())!.anonymisedAt).toBeTruthy();
    expect(manager.errors).toEqual([]);
  });

  it('lets an agent say they are away until a date, with a colleague covering', async () => {
    const { page } = await logIn('julien@mairie.test');
    await page.getByRole('combobox', { name: 'Ma disponibilité' }).selectOption('away');
    await page.getByLabel('Jusqu’au').fill('2030-06-15T18:00');
    await page.getByLabel('Remplacé par').selectOption({ label: 'Camille Martin' });
    await page.getByRole('button', { name: 'Mettre à jour' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toBe('Disponibilité mise à jour.');
    const julien = await ctx.models.agents.findOne({ email: 'julien@mairie.test' }).lean();
    const camille = await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean();
    expect(julien).toMatchObject({ availability: 'away', coverAgentId: camille!._id });
    expect(julien!.awayUntil!.getUTCFullYear()).toBe(2030);
    expect(await axeViolations(page, 'console with availability')).toEqual([]);
    // Camille sees Julien's requests among hers, marked as covered.
    const request = await ctx.services.ingestInbound({ channel: 'sms', externalId: `SM${'6'.repeat(32)}`, from: { address: '+33612345666' }, text: 'Demande pour Julien', threadHints: {}, attachments: [], receivedAt: new Date() });
    await ctx.services.citizens.setRecurringAgent({ kind: 'system' }, request.citizenId, String(julien!._id), 'test');
    const cover = await logIn('camille@mairie.test');
    const row = cover.page.getByRole('button', { name: /Demande pour Julien/ });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.textContent()).toContain('en remplacement de Julien Bernard');
  });

  it('refuses a wrong password with a readable French message, and the login page passes axe', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/console`);
    expect(await axeViolations(page, 'console login')).toEqual([]);
    await page.getByLabel('Adresse e-mail').fill('camille@mairie.test');
    await page.getByLabel('Mot de passe').fill('wrong-password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect.poll(() => page.locator('form.login [role=alert]').textContent()).toBe('Adresse e-mail ou mot de passe incorrect.');
    await context.close();
  });

  it('lets a manager rename a citizen, merge two records by reference, set a colleague away and hand over their citizens', async () => {
    const a = await ctx.services.ingestInbound({ channel: 'sms', externalId: `SM${'8'.repeat(32)}`, from: { address: '+33612345681' }, text: 'Question sur la taxe foncière', threadHints: {}, attachments: [], receivedAt: new Date() });
    const b = await ctx.services.ingestInbound({ channel: 'email', externalId: '<merge-b@exemple.fr>', from: { address: 'r.blanc@exemple.fr', name: 'Rémi Blanc' }, subject: 'Taxe foncière', text: 'Suite de ma question', threadHints: {}, attachments: [], receivedAt: new Date() });
    const manager = await logIn('nadia@mairie.test');
    const page = manager.page;
    await page.getByRole('button', { name: 'Toutes', exact: true }).click();
    await page.getByLabel('Rechercher', { exact: true }).fill(a.reference);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /taxe foncière/ }).click();
    await page.getByLabel('Nom de l’usager').fill('Rémi Blanc');
    await page.getByRole('button', { name: 'Corriger le nom' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Nom de l’usager corrigé.');
    expect((await ctx.models.citizens.findById(a.citizenId).lean())!.name).toBe('Rémi Blanc');

    await page.getByLabel('Fusionner avec l’usager de la demande (référence)').fill(b.reference);
    await page.getByRole('button', { name: 'Fusionner', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Usagers fusionnés.');
    expect(String((await ctx.models.tickets.findById(b.ticketId).lean())!.citizenId)).toBe(a.citizenId);

    // The agents' space: Julien goes away, covered by Camille; then his citizens are handed to Camille.
    await page.getByRole('button', { name: 'Agents', exact: true }).click();
    await page.getByLabel('Absence de Julien Bernard').selectOption('away');
    await page.getByLabel('Remplaçant de Julien Bernard').selectOption({ label: 'Camille Martin' });
    await page.getByRole('row', { name: /^Julien Bernard/ }).getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Disponibilité de l’agent mise à jour.');
    const camille = await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean();
    expect(await ctx.models.agents.findOne({ email: 'julien@mairie.test' }).lean()).toMatchObject({ availability: 'away', coverAgentId: camille!._id });
    expect(await axeViolations(page, 'console agents space')).toEqual([]);
    // « Passation » says what moves and asks to whom, nobody chosen in advance.
    await page.getByRole('row', { name: /^Julien Bernard/ }).getByRole('button', { name: 'Passation' }).click();
    const dialog = page.getByRole('dialog', { name: 'Passation du travail de Julien Bernard' });
    await expect.poll(() => dialog.textContent()).toMatch(/Julien Bernard a (aucune demande ouverte|\d+ demandes? ouvertes?) et \d+ usagers? suivis?/);
    const successor = dialog.getByLabel('Qui reprend ce travail ?');
    expect(await successor.inputValue()).toBe('');
    expect(await axeViolations(page, 'console hand-over dialog')).toEqual([]);
    await successor.selectOption({ label: 'Camille Martin' });
    await dialog.getByRole('button', { name: 'Confier ce travail' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^Travail de Julien Bernard confié : /);
    const julien = await ctx.models.agents.findOne({ email: 'julien@mairie.test' }).lean();
    expect(await ctx.models.citizens.countDocuments({ recurringAgentId: julien!._id, mergedIntoId: null })).toBe(0);
    expect(manager.errors).toEqual([]);
  });

  it('lets an agent keep personal canned answers, use them with / and change them', async () => {
    const { page, errors } = await logIn('camille@mairie.test');
    await page.getByRole('button', { name: 'Réponses types', exact: true }).click();
    await page.getByLabel('Titre').fill('Ma signature');
    await page.locator('#canned-body').fill('Bien cordialement, {{agent.name}}');
    await expect.poll(() => page.getByLabel('Pour').inputValue()).toBe('me');
    await page.getByRole('button', { name: 'Ajouter la réponse type' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Réponse type ajoutée.');
    const camille = await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean();
    expect(await ctx.models.cannedAnswers.findOne({ title: 'Ma signature' }).lean()).toMatchObject({ ownerId: camille!._id, teamId: null });
    await page.getByRole('button', { name: 'Modifier « Ma signature »' }).click();
    await page.locator('#canned-body').fill('Cordialement, {{agent.name}}, mairie');
    await page.getByRole('button', { name: 'Enregistrer la modification' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Réponse type modifiée.');
    expect((await ctx.models.cannedAnswers.findOne({ title: 'Ma signature' }).lean())!.body).toBe('Cordialement, {{agent.name}}, mairie');
    // Julien does not see it.
    const julien = await ctx.models.agents.findOne({ email: 'julien@mairie.test' }).lean();
    const list = await ctx.services.cannedAnswers.list({ agentId: String(julien!._id), role: 'agent' });
    expect(list.map((a) => a.title)).not.toContain('Ma signature');
    expect(await axeViolations(page, 'console canned answers (agent)')).toEqual([]);
    expect(errors).toEqual([]);
  });
});
