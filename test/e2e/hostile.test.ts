// Markup from citizens and agents stays text in a real browser: a chat message and an email carrying
// scripts and event handlers, shown in the agent console and on the citizen portal, run nothing. Our own
// pages run under their Content-Security-Policy without a single violation (the API docs included).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserFixture } from '../helpers/browser.js';
import { inbound } from '../helpers/context.js';

const CHAT_TEXT = `Bonjour <img src=x onerror="window.__pwned='chat'"><script>window.__pwned='chat-script'</script>`;
const MAIL_HTML = `<p>Bonjour</p><img src=x onerror="window.__pwned='mail'"><a href="javascript:window.__pwned='link'">clic</a>`;

let fixture: Awaited<ReturnType<typeof browserFixture>>;
let ctx: typeof fixture.ctx;
let base: string;
let browser: typeof fixture.browser;

beforeAll(async () => {
  fixture = await browserFixture({ agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }] });
  ({ ctx, base, browser } = fixture);
}, 60_000);
afterAll(() => fixture?.close());

/** A page that records script errors and every Content-Security-Policy violation. */
async function watchedPage() {
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text()) && problems.push(`csp: ${m.text()}`));
  return { page, problems };
}
const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null);

describe('markup stays text', () => {
  it('shows scripts from a chat message and an email as text in the console, running nothing', async () => {
    const { session } = await ctx.services.chat.start({ name: 'Eve <b onmouseover=alert(1)>' });
    await ctx.services.chat.send(session, { clientId: 'x1', text: CHAT_TEXT });
    await ctx.services.ingestInbound(
      inbound({ channel: 'email', externalId: '<xss.1@citoyens.example>', from: { address: 'mallory@citoyens.example', name: 'Mallory' }, subject: '<script>window.__pwned="subject"</script>', text: 'Voir le HTML', html: MAIL_HTML }),
    );

    const { page, problems } = await watchedPage();
    await page.goto(`${base}/console`);
    await page.getByLabel('Adresse e-mail').fill('camille@mairie.test');
    await page.getByLabel('Mot de passe').fill('password-123');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const chatItem = page.getByRole('button', { name: /Eve/ });
    await expect.poll(() => chatItem.count(), { timeout: 10_000 }).toBe(1);
    await chatItem.click();
    const thread = page.getByRole('log');
    await expect.poll(() => thread.textContent(), { timeout: 10_000 }).toContain(CHAT_TEXT);
    expect(await thread.locator('img, script').count()).toBe(0);

    const mailItem = page.getByRole('button', { name: /Mallory/ });
    await mailItem.click();
    await expect.poll(() => thread.textContent(), { timeout: 10_000 }).toContain('Voir le HTML');
    expect(await page.locator('#thread-title').textContent()).toContain('<script>');
    await page.waitForTimeout(300);
    expect(await pwned(page)).toBeNull();
    expect(problems).toEqual([]);
  });

  it('shows them as text on the citizen portal too, and the API docs run under their policy', async () => {
    const { session } = await ctx.services.chat.start({ name: 'Inès' });
    const sent = await ctx.services.chat.send(session, { clientId: 'p1', text: CHAT_TEXT });
    await ctx.services.tickets.reply({ agentId: sent.recurringAgentId!, role: 'agent' }, sent.ticketId, { text: `Réponse <img src=x onerror="window.__pwned='agent'">` });
    const ack = await ctx.models.messages.findOne({ ticketId: sent.ticketId, kind: 'acknowledgement' });
    const path = new URL(/(https?:\/\/\S+\/portal\/[\w-]+)/.exec((await ctx.services.outbox.toOutbound(ack!)).text)![1]!).pathname;

    const { page, problems } = await watchedPage();
    await page.goto(`${base}${path}`);
    const thread = page.getByRole('list', { name: 'Vos échanges' });
    await expect.poll(() => thread.textContent(), { timeout: 10_000 }).toContain(`Réponse <img src=x onerror="window.__pwned='agent'">`);
    expect(await thread.textContent()).toContain(CHAT_TEXT);
    expect(await thread.locator('img, script').count()).toBe(0);
    expect(await pwned(page)).toBeNull();
    expect(problems).toEqual([]);

    const docs = await watchedPage();
    await docs.page.goto(`${base}/docs`);
    await expect.poll(() => docs.page.locator('.swagger-ui .info .title').count(), { timeout: 10_000 }).toBe(1);
    expect(docs.problems).toEqual([]);
  });
});
