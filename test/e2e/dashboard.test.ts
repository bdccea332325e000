// The managers' dashboard in headless Chromium: log in, the figures and charts drawn from /api/stats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
}, 60_000);
afterAll(() => fixture?.close());

async function logIn(email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/dashboard`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('password-123');
  await page.getByRole('button', { name: 'Log in' }).click();
  return { page, context };
}

describe('dashboard', () => {
  it('draws load per agent and team, volume per channel and backlog age for a manager', async () => {
    const { page, context } = await logIn('nadia@mairie.test');
    const agents = page.getByRole('img', { name: /^Open tickets per agent/ });
    await expect.poll(() => agents.getAttribute('aria-label'), { timeout: 10_000 }).toBe('Open tickets per agent: Camille Martin 4');
    expect(await page.getByRole('img', { name: /^Open tickets per team/ }).getAttribute('aria-label')).toBe('Open tickets per team: Accueil 4');
    expect(await page.getByRole('img', { name: /^Incoming messages per channel/ }).getAttribute('aria-label')).toBe('Incoming messages per channel: chat 1, sms 3');
    expect(await page.getByRole('img', { name: /^Backlog age/ }).getAttribute('aria-label')).toBe('Backlog age: under 1 day 4, 1 to 2 days 0, 2 to 7 days 0, over 7 days 0');
    expect(await page.locator('svg rect').count()).toBe(1 + 1 + 2 + 4);
    expect(await page.locator('#promise-detail').textContent()).toBe('0 of 0 settled requests answered in time');
    await context.close();
  });

  it('tells an agent the dashboard is for managers', async () => {
    const { page, context } = await logIn('camille@mairie.test');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('The dashboard is for managers.');
    expect(await page.locator('#board').isHidden()).toBe(true);
    await context.close();
  });
});
