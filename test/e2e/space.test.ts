// « Mon espace » in headless Chromium on a phone, keyboard only, axe at zero violations: the citizen
// types their number, gets the code by SMS (the real twilio SDK, the loopback Twilio peer), enters,
// sees all their requests, opens one and writes in it, opens a new request, and signs out.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture, logInToConsole } from '../helpers/browser.js';
import { inbound } from '../helpers/context.js';
import { until } from '../helpers/sockets.js';
import { startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';

vi.setConfig({ testTimeout: 120_000 });
let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let fixture: Awaited<ReturnType<typeof browserFixture>>;

beforeAll(async () => {
  peer = await startTwilioPeer();
  fixture = await browserFixture({
    app: { env: twilioEnv({ accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'twilio-test-auth-token-0123456789abcdef', number: '+33159000000' }, peer.url) },
    agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }, { name: 'Nadia Lefèvre', email: 'nadia@mairie.test', role: 'manager' }],
  });
}, 90_000);
afterAll(async () => {
  await fixture?.close();
  await peer?.close();
});

/** Tab until the focus is on the element named so, as a keyboard user does. */
async function tabTo(page: import('playwright-core').Page, name: RegExp) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return '';
      const label = el?.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
      return `${label ?? ''} ${el?.textContent ?? ''} ${el?.getAttribute('aria-label') ?? ''}`.trim();
    });
    if (name.test(focused)) return;
  }
  throw new Error(`never reached ${name} with Tab`);
}

describe('the citizen space', () => {
  it('lets a citizen in with a code by SMS and follow every request, on a phone, by keyboard', async () => {
    const { ctx, base, browser } = fixture;
    const passport = await ctx.services.ingestInbound(inbound({ from: { address: '+33620000601', name: 'Léa Moreau' }, text: 'Renouvellement de passeport' }));
    await ctx.services.tickets.reply({ agentId: passport.recurringAgentId!, role: 'agent' }, passport.ticketId, { text: 'Votre passeport sera prêt lundi.' });
    const permit = await ctx.services.ingestInbound(inbound({ channel: 'email', externalId: '<p1@example.fr>', from: { address: 'lea@example.fr' }, text: 'Permis de construire' }));
    await ctx.services.citizens.merge({ kind: 'system' }, passport.citizenId, permit.citizenId).catch(() => undefined);

    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/espace`);
    await expect.poll(() => page.getByRole('heading', { level: 2 }).first().textContent()).toBe('Entrer dans mon espace');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Mon espace');
    expect(await page.locator('#service').textContent()).toBe('La mairie — suivi des demandes');
    expect(await axeViolations(page, 'space sign-in (phone)')).toEqual([]);

    await tabTo(page, /adresse e-mail ou votre numéro de mobile/);
    await page.keyboard.type('06 20 00 06 01');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('code');
    expect(await page.getByRole('alert').textContent()).toMatch(/^Si cette adresse est connue/);
    let code = '';
    await until(() => {
      code = /(\d{6})/.exec(peer.messages.filter((m) => m.to === '+33620000601' && /votre espace/.test(m.body)).at(-1)?.body ?? '')?.[1] ?? '';
      return !!code;
    }, 30_000, 'the code SMS');
    expect(await axeViolations(page, 'space code (phone)')).toEqual([]);
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#welcome').textContent()).toBe('Bonjour Léa Moreau');
    const list = page.locator('#requests');
    await expect.poll(() => list.textContent()).toContain(passport.reference);
    expect(await list.textContent()).toContain(permit.reference);
    expect(await list.textContent()).toContain('Votre interlocuteur : Camille');
    expect(await axeViolations(page, 'space requests (phone)')).toEqual([]);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'gru_citizen')).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/citizen' });

    // Open the passport request by keyboard and write in it.
    await tabTo(page, new RegExp(passport.reference));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('request-title');
    await expect.poll(() => page.locator('#messages').textContent()).toContain('Votre passeport sera prêt lundi.');
    expect(await axeViolations(page, 'space request (phone)')).toEqual([]);
    await tabTo(page, /Ajouter un message/);
    await page.keyboard.type('Merci, je passerai lundi.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#messages').textContent()).toContain('Merci, je passerai lundi.');
    expect(await ctx.models.messages.countDocuments({ ticketId: passport.ticketId, text: 'Merci, je passerai lundi.', channel: 'portal' })).toBe(1);

    // Back to the list, and a new request.
    await tabTo(page, /Retour à mes demandes/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('requests-title');
    await tabTo(page, /^Votre demande/);
    await page.keyboard.type('Inscription de ma fille à la cantine');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#state').textContent()).toMatch(/^Votre demande est enregistrée sous la référence GRU-/);
    const created = await ctx.models.tickets.findOne({ subject: 'Inscription de ma fille à la cantine' }).lean();
    expect(String(created!.citizenId)).toBe(passport.citizenId);
    expect(String(created!._id)).not.toBe(passport.ticketId);

    // Sign out.
    await page.getByRole('button', { name: 'Se déconnecter' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#state').textContent()).toBe('Vous êtes déconnecté.');
    expect((await context.cookies()).find((c) => c.name === 'gru_citizen')).toBeUndefined();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('takes an erasure request, confirmed in two steps, and shows it to managers in the console', async () => {
    const { ctx, base, browser } = fixture;
    const r = await ctx.services.ingestInbound(inbound({ from: { address: '+33620000602', name: 'Paul Girard' }, text: 'Question sur la taxe foncière' }));
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/espace`);
    await page.getByLabel('Votre adresse e-mail ou votre numéro de mobile').fill('+33620000602');
    await page.getByRole('button', { name: 'Recevoir un code' }).click();
    let code = '';
    await until(() => {
      code = /(\d{6})/.exec(peer.messages.filter((m) => m.to === '+33620000602' && /votre espace/.test(m.body)).at(-1)?.body ?? '')?.[1] ?? '';
      return !!code;
    }, 30_000, 'the code SMS');
    await page.getByLabel('Code reçu (6 chiffres)').fill(code);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#welcome').textContent()).toBe('Bonjour Paul Girard');

    await tabTo(page, /Demander l’effacement de mes données/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('erasure-confirm');
    expect(await axeViolations(page, 'space erasure confirmation (phone)')).toEqual([]);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert').last().textContent()).toMatch(/^Votre demande d’effacement est enregistrée : elle sera traitée au plus tard le /);
    expect(errors).toEqual([]);
    await context.close();

    const manager = await logInToConsole(browser, base, 'nadia@mairie.test');
    await manager.page.getByRole('button', { name: 'Agents', exact: true }).click();
    const list = manager.page.locator('#erasure-requests');
    await expect.poll(() => list.textContent()).toContain(`Paul Girard, ${r.reference} — demandé le`);
    expect(await list.textContent()).toMatch(/à traiter avant le \d{1,2} \S+ \d{4}/);
    expect(await axeViolations(manager.page, 'console erasure requests')).toEqual([]);
    expect(manager.errors).toEqual([]);
    await manager.context.close();
  });
});
