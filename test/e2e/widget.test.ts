// The chat widget in headless Chromium against the running server: one script tag, open it with the
// keyboard, send a message, see the reference and the agent's reply arrive; on a phone-sized screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserFixture } from '../helpers/browser.js';
import { until } from '../helpers/sockets.js';


let fixture: Awaited<ReturnType<typeof browserFixture>>;
let ctx: typeof fixture.ctx;
let base: string;
let browser: typeof fixture.browser;

beforeAll(async () => {
  fixture = await browserFixture({ app: { env: { SERVICE_NAME: 'la mairie de Villeneuve' } }, agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }] });
  ({ ctx, base, browser } = fixture);
}, 60_000);
afterAll(() => fixture?.close());

describe('chat widget', () => {
  it('is served as one script and works with the keyboard: send, reference, agent reply', async () => {
    const script = await fetch(`${base}/widget.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
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

    // Fits a phone screen.
    const box = await dialog.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);

    await page.getByLabel('Votre nom (facultatif)').fill('Inès');
    await page.getByLabel('Votre message').fill('Bonjour, la mairie est-elle ouverte samedi ?');
    await page.keyboard.press('Enter');

    const log = page.getByRole('log', { name: 'Messages' });
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toMatch(/référence GRU-\d{4}-\d{6}/);
    const stored = await ctx.models.messages.findOne({ channel: 'chat', text: 'Bonjour, la mairie est-elle ouverte samedi ?' }).lean();
    expect(stored).toBeTruthy();
    expect(stored!.fromName).toBe('Inès');

    // The agent answers; the reply arrives in the open widget.
    // The acknowledgement can show before chat:message is acknowledged: wait for the session's thread.
    await until(async () => !!(await ctx.models.chatSessions.findOne({ ticketId: stored!.ticketId }).lean()), 5_000, 'the session linked to its ticket');
    const session = await ctx.models.chatSessions.findOne({ ticketId: stored!.ticketId }).lean();
    const camille = await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean();
    const reply = await ctx.services.outbox.queue({ ticketId: stored!.ticketId, channel: 'chat', to: String(session!._id), text: 'Oui, de 9 h à 12 h.', authorId: String(camille!._id) });
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('Camille : Oui, de 9 h à 12 h.');
    await until(async () => (await ctx.models.messages.findById(reply._id).lean())!.status === 'delivered', 5_000, 'delivered');

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
});
