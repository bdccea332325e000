// The chat widget in headless Chromium against the running server: one script tag, open it with the
// keyboard, send a message, see the reference and the agent's reply arrive; on a phone-sized screen.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture } from '../helpers/browser.js';
import { until } from '../helpers/sockets.js';


let fixture: Awaited<ReturnType<typeof browserFixture>>;
let ctx: typeof fixture.ctx;
let base: string;
let browser: typeof fixture.browser;

beforeAll(async () => {
  fixture = await browserFixture({ app: { env: { SERVICE_NAME: 'la mairie de Villeneuve', SERVICE_PHONE: '01 23 45 67 89', SERVICE_EMAIL: 'contact@villeneuve.example' } }, agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }] });
  ({ ctx, base, browser } = fixture);
}, 60_000);
afterAll(() => fixture?.close());

describe('chat widget', () => {
  it('is served as one script and works with the keyboard: send, reference, agent reply', async () => {
    const script = await fetch(`${base}/widget.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);

    const toggle = page.getByRole('button', { name: 'Discuter avec nous' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Discussion avec la mairie de Villeneuve' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');

    // Fits a phone screen, and the conversation keeps room while the first fields show.
    const box = await dialog.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect((await page.getByRole('log', { name: 'Messages' }).boundingBox())!.height).toBeGreaterThanOrEqual(250);
    expect(await page.getByLabel('Votre e-mail (facultatif)').isVisible()).toBe(true);
    expect(await axeViolations(page, 'widget (open, phone)')).toEqual([]);

    await page.getByLabel('Votre nom (facultatif)').fill('Inès');
    await page.getByLabel('Votre message').fill('Bonjour, la mairie est-elle ouverte samedi ?');
    await page.keyboard.press('Enter');

    const log = page.getByRole('log', { name: 'Messages' });
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toMatch(/référence GRU-\d{4}-\d{6}/);
    // One acknowledgement, the service's: the reference is said once.
    await expect.poll(async () => ((await log.textContent()) ?? '').match(/enregistrée sous la référence/g)?.length, { timeout: 10_000 }).toBe(1);
    // The acknowledgement's portal link is a link, the citizen's own, opened safely.
    const portal = log.getByRole('link', { name: /\/portal\// });
    await expect.poll(() => portal.count(), { timeout: 10_000 }).toBe(1);
    // PUBLIC_BASE_URL is this server's own origin in tests.
    expect(await portal.getAttribute('href')).toMatch(new RegExp(`^${base}/portal/[\\w-]{32}$`));
    expect(await portal.getAttribute('rel')).toBe('noopener noreferrer');
    const stored = await ctx.models.messages.findOne({ channel: 'chat', text: 'Bonjour, la mairie est-elle ouverte samedi ?' }).lean();
    expect(stored).toBeTruthy();
    expect(stored!.fromName).toBe('Inès');

    // The agent answers; the reply arrives in the open widget.
    // The acknowledgement can show before chat:message is acknowledged: wait for the session's thread.
    await until(async () => !!(await ctx.models.chatSessions.findOne({ ticketId: stored!.ticketId }).lean()), 30_000, 'the session linked to its ticket');
    const session = await ctx.models.chatSessions.findOne({ ticketId: stored!.ticketId }).lean();
    const camille = await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean();
    const reply = await ctx.services.outbox.queue({ ticketId: stored!.ticketId, channel: 'chat', to: String(session!._id), text: 'Oui, de 9 h à 12 h.', authorId: String(camille!._id) });
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('Camille : Oui, de 9 h à 12 h.');
    await until(async () => (await ctx.models.messages.findById(reply._id).lean())!.status === 'delivered', 30_000, 'delivered');

    // Escape closes it and gives the focus back to the button.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Discuter avec nous');

    // A reload resumes the same conversation from the stored session.
    await page.reload();
    await page.getByRole('button', { name: 'Discuter avec nous' }).click();
    await expect.poll(() => page.getByRole('log', { name: 'Messages' }).textContent(), { timeout: 10_000 }).toContain('Oui, de 9 h à 12 h.');
    expect(await page.getByLabel('Votre nom (facultatif)').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says so when the page of another site may not open the chat, and never shows a message as sent', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // A real page of another site (another origin on this machine), not in CHAT_ORIGINS, that loads the widget.
    const site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="fr"><title>Autre site</title><body><script src="${base}/widget.js" defer></script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    await page.getByRole('button', { name: 'Discuter avec nous' }).click();
    const log = page.getByRole('log', { name: 'Messages' });
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('La discussion n’est pas disponible sur ce site');
    // The other ways in are given, and the form cannot be used: nothing can look sent.
    await expect.poll(() => log.textContent()).toContain('Par téléphone : 01 23 45 67 89');
    expect(await log.textContent()).toContain('Par e-mail : contact@villeneuve.example');
    expect(await page.getByLabel('Votre message').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Envoyer' }).isDisabled()).toBe(true);
    expect(await log.locator('li.in').count()).toBe(0);
    expect(await ctx.models.messages.countDocuments({ channel: 'chat', text: 'Bonjour ?' })).toBe(0);
    await context.close();
    site.close();
  });
});
