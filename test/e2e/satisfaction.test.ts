// The satisfaction question as citizens meet it: the widget's five buttons by keyboard, and the portal on
// a phone from the email's link (the score preselected, confirmed by the citizen). axe-core on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture, openWidgetOnPhone } from '../helpers/browser.js';
import { inbound } from '../helpers/context.js';

let fixture: Awaited<ReturnType<typeof browserFixture>>;
let agentId: string;

beforeAll(async () => {
  fixture = await browserFixture({ agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }] });
  agentId = String((await fixture.ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean())!._id);
}, 60_000);
afterAll(() => fixture?.close());

describe('satisfaction pages', () => {
  it('rates by keyboard in the widget', async () => {
    const { ctx, base, browser } = fixture;
    const { page, context, errors } = await openWidgetOnPhone(browser, base);
    await page.getByLabel('Votre message').fill('Bonjour, horaires de la piscine ?');
    await page.keyboard.press('Enter');
    const log = page.getByRole('log', { name: 'Messages' });
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toMatch(/référence (GRU-\d{4}-\d{6})/);
    const reference = /référence (GRU-\d{4}-\d{6})/.exec((await log.textContent())!)![1]!;
    const ticket = (await ctx.models.tickets.findOne({ reference }).lean())!;
    await ctx.services.tickets.update({ agentId, role: 'agent' }, String(ticket._id), { status: 'resolved' });

    const group = page.getByRole('group', { name: 'Votre note de 1 à 5' });
    await expect.poll(() => group.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await axeViolations(page, 'widget satisfaction (phone)')).toEqual([]);
    await page.getByRole('button', { name: '4 sur 5 : Satisfaisante' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => log.textContent()).toContain('Merci pour votre avis (4/5).');
    expect((await ctx.models.tickets.findById(ticket._id).lean())!.satisfaction).toMatchObject({ score: 4, channel: 'chat' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('takes the answer on the portal from the email’s link, once confirmed', async () => {
    const { ctx, base, browser } = fixture;
    const r = await ctx.services.ingestInbound(inbound({ channel: 'email', from: { address: 'marc@exemple.fr' }, externalId: '<sat-1@exemple.fr>', text: 'Bonjour' }));
    await ctx.services.tickets.update({ agentId, role: 'agent' }, r.ticketId, { status: 'resolved' });
    const link = await ctx.services.portal.createLink((await ctx.models.tickets.findById(r.ticketId))!);
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}${new URL(link).pathname}?note=2`);
    const legend = page.getByRole('group', { name: 'Notre réponse vous a-t-elle satisfait ?' });
    await expect.poll(() => legend.isVisible(), { timeout: 10_000 }).toBe(true);
    // Preselected, not recorded: a mail client's link check must not vote.
    expect(await page.getByLabel('2 – Peu satisfaisante').isChecked()).toBe(true);
    expect((await ctx.models.tickets.findById(r.ticketId).lean())!.satisfaction ?? null).toBeNull();
    expect(await axeViolations(page, 'portal satisfaction (phone)')).toEqual([]);
    await page.getByLabel('3 – Moyennement satisfaisante').check();
    await page.getByLabel('Un commentaire ? (facultatif)').fill('Réponse claire mais un peu lente.');
    await page.getByRole('button', { name: 'Donner mon avis' }).click();
    await expect.poll(() => page.locator('#satisfaction-thanks').textContent()).toBe('Merci pour votre avis (3/5).');
    expect((await ctx.models.tickets.findById(r.ticketId).lean())!.satisfaction).toMatchObject({ score: 3, comment: 'Réponse claire mais un peu lente.', channel: 'portal' });
    await context.close();
  });
});
