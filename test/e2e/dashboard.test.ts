// The managers' dashboard in headless Chromium, in French: the figures and charts (with their tables)
// from /api/stats, a team or agent filter, a date range, the CSV export, a live refresh, and a plain
// refusal for agents. axe-core checks the page.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture } from '../helpers/browser.js';
import { inbound } from '../helpers/context.js';

let fixture: Awaited<ReturnType<typeof browserFixture>>;
let ctx: typeof fixture.ctx;
let base: string;
let browser: typeof fixture.browser;

beforeAll(async () => {
  fixture = await browserFixture({ jobs: false, agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }, { name: 'Nadia Lefèvre', email: 'nadia@mairie.test', role: 'manager' }] });
  ({ ctx, base, browser } = fixture);
  for (let i = 0; i < 3; i++) await ctx.services.ingestInbound(inbound({ from: { address: `+3367000000${i}` } }));
  const { session } = await ctx.services.chat.start({});
  await ctx.services.chat.send(session, { clientId: 'x', text: 'Bonjour' });
  // One citizen answered the satisfaction question (4 out of 5).
  const ratedAt = new Date();
  await ctx.models.tickets.updateOne({ channel: 'sms' }, { $set: { satisfaction: { score: 4, comment: null, at: ratedAt, channel: 'sms' }, satisfiedAt: ratedAt } });
}, 60_000);
afterAll(() => fixture?.close());

async function logIn(email: string) {
  const context = await browser.newContext({ bypassCSP: true, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${base}/dashboard`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill('password-123');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  return { page, context };
}
const rowsOf = (page: Awaited<ReturnType<typeof logIn>>['page'], table: string) => page.locator(`#${table}-table tbody tr`).allTextContents();

describe('dashboard', () => {
  it('shows load per agent and team, volume per channel and backlog age in French, filters, exports and refreshes live', async () => {
    const { page, context } = await logIn('nadia@mairie.test');
    await expect.poll(() => rowsOf(page, 'agents')).toEqual(['Camille Martin4']);
    expect(await rowsOf(page, 'teams')).toEqual(['Accueil4']);
    // The bars say what they are and how much.
    expect(await page.locator('#agents-title ~ .chart svg text').allTextContents()).toEqual(['Camille Martin : 4']);
    expect(await rowsOf(page, 'channels')).toEqual(['Chat1', 'SMS3']);
    expect(await rowsOf(page, 'backlog')).toEqual(['moins d’un jour4', '1 à 2 jours0', '2 à 7 jours0', 'plus de 7 jours0']);
    expect(await page.locator('#promise-detail').textContent()).toBe('0 sur 0 demandes échues ont reçu une réponse dans les délais');
    expect(await page.locator('#satisfaction-detail').textContent()).toBe('1 avis sur la période');
    // The phone's figures: no call in this period.
    expect(await page.locator('#calls-detail').textContent()).toBe('aucun décroché (— par l’interlocuteur habituel), aucun abandonné ; attente médiane —, 90 % sous —');
    expect(await rowsOf(page, 'satisfaction-agents')).toEqual(['Camille Martin4']);
    expect(await rowsOf(page, 'satisfaction-channels')).toEqual(['SMS4']);
    expect(await page.getByRole('link', { name: 'Retour à la console' }).getAttribute('href')).toBe('/console');
    expect(await axeViolations(page, 'dashboard')).toEqual([]);

    // Filtered to an agent with nothing: empty charts say so.
    const nadia = await ctx.models.agents.findOne({ email: 'nadia@mairie.test' }).lean();
    await page.getByLabel('Agent', { exact: true }).selectOption(String(nadia!._id));
    await page.getByRole('button', { name: 'Afficher' }).click();
    await expect.poll(() => page.locator('#agents-title + p').textContent()).toBe('Rien sur cette période.');
    await page.getByLabel('Agent', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await expect.poll(() => rowsOf(page, 'agents')).toEqual(['Camille Martin4']);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Exporter en CSV' }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    expect(csv).toContain('"Demandes en cours par agent";"Camille Martin";"4"');
    // The headline figures are in it too.
    expect(csv).toMatch(/"Réponses dans les délais promis";"";"[^"]+"/);
    expect(csv).toContain('"Satisfaction des usagers";"";"4');
    // One line per request of the period, in French.
    const perRequest = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Exporter les demandes (CSV)' }).click();
    const requests = readFileSync((await (await perRequest).path())!, 'utf8').replace(/^\ufeff/, '').trim().split('\r\n');
    expect(requests[0]).toBe('"Référence";"Canal";"Ouverte le";"Première réponse";"Dans les délais";"Agent";"Équipe";"Statut";"Satisfaction (sur 5)"');
    expect(requests).toHaveLength(5);
    expect(requests.slice(1).every((line) => /^"GRU-\d{4}-\d{6}";"(SMS|Chat)";"\d\d\/\d\d\/\d{4} \d\d:\d\d";"";"en attente de réponse";"Camille Martin";"Accueil";"Nouvelle";"[45]?"$/.test(line))).toBe(true);
    expect(requests.filter((line) => line.endsWith(';"4"'))).toHaveLength(1);

    // A new request arrives: the figures follow without a reload.
    await ctx.services.ingestInbound(inbound({ from: { address: '+33670000009' } }));
    await expect.poll(() => rowsOf(page, 'agents'), { timeout: 15_000 }).toEqual(['Camille Martin5']);
    await context.close();
  });

  it('tells an agent the dashboard is for managers', async () => {
    const { page, context } = await logIn('camille@mairie.test');
    await expect.poll(() => page.locator('#alert').textContent()).toBe('Le tableau de bord est réservé aux responsables.');
    expect(await page.locator('table').count()).toBe(0);
    await context.close();
  });
});
