// The citizen portal in headless Chromium: the link from the acknowledgement, the public thread without
// notes, a message added into the same thread, and a plain "not found" for wrong and revoked links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/services/audit.js';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture } from '../helpers/browser.js';
import { capturingLog, inbound } from '../helpers/context.js';
import { collect, connect, connected, until } from '../helpers/sockets.js';
import { pdf, scriptAsPdf } from '../fixtures/documents.js';

const logs = capturingLog();

let fixture: Awaited<ReturnType<typeof browserFixture>>;
let ctx: typeof fixture.ctx;
let base: string;
let browser: typeof fixture.browser;

beforeAll(async () => {
  fixture = await browserFixture({ app: { log: logs.log }, agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }] });
  ({ ctx, base, browser } = fixture);
}, 60_000);
afterAll(() => fixture?.close());

describe('citizen portal', () => {
  it('shows the request from the acknowledgement link and takes a new message into the same thread', async () => {
    const { session } = await ctx.services.chat.start({ name: 'Inès' });
    const first = await ctx.services.chat.send(session, { clientId: 'c1', text: 'Bonjour, mon passeport est-il prêt ?' });
    const ack = await ctx.models.messages.findOne({ ticketId: first.ticketId, kind: 'acknowledgement' });
    // The stored copy holds a redacted link; the citizen's link is in what is sent.
    expect(ack!.text).toMatch(/\/portal\/\*{32}/);
    const link = /(https?:\/\/\S+\/portal\/[\w-]+)/.exec((await ctx.services.outbox.toOutbound(ack!)).text)?.[1];
    expect(link).toBeTruthy();
    const path = new URL(link!).pathname;
    await ctx.services.tickets.note({ agentId: first.recurringAgentId!, role: 'agent' }, first.ticketId, 'Note interne confidentielle');
    await ctx.services.tickets.reply({ agentId: first.recurringAgentId!, role: 'agent' }, first.ticketId, { text: 'Il sera prêt jeudi.' });

    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}${path}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`Votre demande ${first.reference}`);
    const details = await page.locator('dl').textContent();
    // The console's words for the status, and the service named.
    expect(details).toContain('En cours');
    expect(await page.locator('#service').textContent()).toBe('La mairie — suivi des demandes');
    expect(details).toContain('Camille');
    const thread = page.getByRole('list', { name: 'Vos échanges' });
    await expect.poll(() => thread.textContent()).toContain('Il sera prêt jeudi.');
    expect(await thread.textContent()).toContain('Bonjour, mon passeport est-il prêt ?');
    expect(await page.content()).not.toContain('Note interne confidentielle');
    expect(await axeViolations(page, 'portal (phone)')).toEqual([]);

    const agent = connect(`${base}/agents`, { token: (await ctx.services.agents.login('camille@mairie.test', 'password-123')).token });
    await connected(agent);
    const seen = collect(agent, 'message:created');
    await page.getByLabel('Ajouter un message').fill('Merci ! Je passerai jeudi après-midi.');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Votre message a bien été ajouté à votre demande.');
    await expect.poll(() => thread.textContent()).toContain('Je passerai jeudi après-midi.');
    const stored = await ctx.models.messages.findOne({ channel: 'portal' }).lean();
    expect(String(stored!.ticketId)).toBe(first.ticketId);
    await until(() => seen.some((m) => m.channel === 'portal' && m.ticketId === first.ticketId), 30_000, 'agent sees the portal message');
    agent.disconnect();
    expect(errors).toEqual([]);
    // The token never reaches the logs.
    expect(JSON.stringify(logs.lines)).not.toContain(path.split('/').pop()!);
    await context.close();
  });

  it('takes documents from a phone: the checklist the agent asked for, ticked by uploading; a hostile file refused', async () => {
    const { session } = await ctx.services.chat.start({ name: 'Marc' });
    const first = await ctx.services.chat.send(session, { clientId: 'c1', text: 'Permis de construire : que faut-il fournir ?' });
    await ctx.services.tickets.requestDocuments({ agentId: first.recurringAgentId!, role: 'agent' }, first.ticketId, ['Plan de situation', 'Formulaire Cerfa 13406']);
    const path = new URL(await ctx.services.portal.createLink((await ctx.models.tickets.findById(first.ticketId))!)).pathname;

    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}${path}`);
    const checklist = page.getByRole('list', { name: 'Pièces à fournir' });
    await expect.poll(() => checklist.textContent()).toContain('Plan de situation — à fournir');
    expect(await axeViolations(page, 'portal documents (phone)')).toEqual([]);

    // A script named .pdf: refused with the reason, nothing ticked.
    await page.getByLabel('Fichiers (PDF ou photo)').setInputFiles({ name: 'plan.pdf', mimeType: 'application/pdf', buffer: scriptAsPdf() });
    await page.getByRole('button', { name: 'Envoyer les documents' }).click();
    const notice = page.locator('#documents-form [role=alert]');
    await expect.poll(() => notice.textContent()).toBe('Vos documents n’ont pas pu être envoyés : Le fichier « plan.pdf » n’est ni un PDF ni une photo (JPEG, PNG, HEIC).');

    // The real plan, by keyboard: the piece chosen, the file, Enter on the button.
    await page.getByLabel('Fichiers (PDF ou photo)').setInputFiles({ name: 'plan-situation.pdf', mimeType: 'application/pdf', buffer: pdf('Plan') });
    await page.getByLabel('Pièce concernée').selectOption({ label: 'Plan de situation' });
    await page.getByRole('button', { name: 'Envoyer les documents' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => notice.textContent()).toBe('Vos documents ont bien été envoyés.');
    await expect.poll(() => checklist.textContent()).toMatch(/Plan de situation — fournie le/);
    expect(await checklist.textContent()).toContain('Formulaire Cerfa 13406 — à fournir');
    await expect.poll(() => page.getByRole('list', { name: 'Vos échanges' }).textContent()).toContain('Pièce jointe : plan-situation.pdf');
    // Only the piece still expected is offered now.
    expect(await page.getByLabel('Pièce concernée').locator('option').allTextContents()).toEqual(['Formulaire Cerfa 13406', 'Autre document']);
    const stored = await ctx.models.messages.findOne({ ticketId: first.ticketId, channel: 'portal' }).lean();
    expect(stored!.attachments[0]).toMatchObject({ filename: 'plan-situation.pdf', contentType: 'application/pdf' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('answers "not found", and only that, for a wrong or revoked link', async () => {
    const r = await ctx.services.ingestInbound(inbound({ from: { address: '+33660000001' } }));
    const ticket = await ctx.models.tickets.findById(r.ticketId);
    const url = await ctx.services.portal.createLink(ticket!);
    const token = url.split('/').pop()!;
    expect((await fetch(`${base}/api/portal/${token}`)).status).toBe(200);

    for (const wrong of ['nope', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), '../../api/agents', 'x'.repeat(300)]) {
      const res = await fetch(`${base}/api/portal/${encodeURIComponent(wrong)}`);
      expect([400, 404, 414]).toContain(res.status);
      expect(await res.text()).not.toContain(r.reference);
    }
    const manager = await ctx.services.agents.create(SYSTEM, { name: 'Manon', email: 'manon@mairie.test', password: 'password-123', role: 'manager' });
    const { token: managerToken } = await ctx.services.agents.login(manager.email, 'password-123');
    const revoked = await fetch(`${base}/api/tickets/${r.ticketId}/portal-links/revoke`, { method: 'POST', headers: { authorization: `Bearer ${managerToken}` } });
    expect(await revoked.json()).toEqual({ revoked: 1 }); // SMS is off here: no acknowledgement, so no other link
    const after = await fetch(`${base}/api/portal/${token}`);
    expect(after.status).toBe(404);
    expect(await after.json()).toEqual({ error: { code: 'not_found', message: 'Lien introuvable ou expiré.' } });
    expect((await fetch(`${base}/api/portal/${token}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"x"}' })).status).toBe(404);

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/portal/${token}`);
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Demande introuvable. Ce lien n’est pas valide ou n’est plus actif.');
    await context.close();
  });
});
