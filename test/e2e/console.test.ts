// The agent console in headless Chromium against the running server: log in, the live inbox, a message
// arriving live, a reply with a canned answer and its delivery status, a note, and a manager's reassignment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/services/audit.js';
import { browserFixture } from '../helpers/browser.js';


let fixture: Awaited<ReturnType<typeof browserFixture>>;
let ctx: typeof fixture.ctx;
let base: string;
let browser: typeof fixture.browser;

beforeAll(async () => {
  fixture = await browserFixture({ agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }, { name: 'Julien Bernard', email: 'julien@mairie.test', role: 'agent' }, { name: 'Nadia Lefèvre', email: 'nadia@mairie.test', role: 'manager' }] });
  ({ ctx, base, browser } = fixture);
}, 60_000);
afterAll(() => fixture?.close());

async function logIn(email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/console`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('password-123');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect.poll(() => page.locator('#me').textContent()).toContain('(');
  return { page, context, errors };
}

describe('agent console', () => {
  it('shows the inbox live, a thread with statuses, replies with a canned answer, notes and reassignment', async () => {
    await ctx.services.cannedAnswers.create(SYSTEM, { title: 'Horaires', body: 'Bonjour {{citizen.firstName}}, nous sommes ouverts de 9 h à 17 h. {{agent.firstName}}' });
    const { session } = await ctx.services.chat.start({ name: 'Inès Garcia' });
    const first = await ctx.services.chat.send(session, { clientId: 'c1', text: 'Quels sont vos horaires ?' });
    const camille = await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean();
    const owner = first.recurringAgentId === String(camille!._id) ? 'camille@mairie.test' : 'julien@mairie.test';

    const { page, errors } = await logIn(owner);
    const inboxItem = page.getByRole('button', { name: /Inès Garcia/ });
    await expect.poll(() => inboxItem.count(), { timeout: 10_000 }).toBe(1);
    await inboxItem.click();
    const thread = page.getByRole('log', { name: 'Thread' });
    await expect.poll(() => thread.textContent(), { timeout: 10_000 }).toContain('Quels sont vos horaires ?');

    // A message arrives live, without a reload.
    await ctx.services.chat.send(session, { clientId: 'c2', text: 'Et le samedi ?' });
    await expect.poll(() => thread.textContent(), { timeout: 10_000 }).toContain('Et le samedi ?');

    // Reply with the canned answer: its variables are filled, and its delivery status shows.
    await page.getByLabel('Canned answer').selectOption({ label: 'Horaires' });
    await expect.poll(() => page.getByLabel('Reply to the citizen').inputValue()).toMatch(/^Bonjour Inès, nous sommes ouverts de 9 h à 17 h\. (Camille|Julien)$/);
    await page.getByRole('button', { name: 'Send reply' }).click();
    const reply = thread.locator('li.out', { hasText: 'nous sommes ouverts' });
    await expect.poll(() => reply.locator('.status').textContent(), { timeout: 10_000 }).toMatch(/sent|delivered/);

    await page.getByLabel('Internal note (never sent)').fill('Penser au formulaire <script>alert(1)</script>');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => thread.locator('li.note').textContent()).toContain('<script>alert(1)</script>');
    expect(await page.evaluate(() => document.querySelectorAll('#messages script').length)).toBe(0);
    expect(errors).toEqual([]);

    // The manager reassigns it to the other agent.
    const manager = await logIn('nadia@mairie.test');
    await manager.page.getByLabel('Scope').selectOption('all');
    await manager.page.getByRole('button', { name: /Inès Garcia/ }).click();
    const other = owner === 'camille@mairie.test' ? 'Julien Bernard' : 'Camille Martin';
    const otherAgent = await ctx.models.agents.findOne({ name: other }).lean();
    await manager.page.getByLabel('Reassign to').selectOption(String(otherAgent!._id));
    await manager.page.getByRole('button', { name: 'Reassign' }).click();
    await expect.poll(() => manager.page.locator('#thread-meta').textContent(), { timeout: 10_000 }).toContain(`assigned to: ${other}`);
    // It leaves the first agent's inbox live.
    await expect.poll(() => inboxItem.count(), { timeout: 10_000 }).toBe(0);
    expect(manager.errors).toEqual([]);
  });

  it('refuses a wrong password with a readable message', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/console`);
    await page.getByLabel('Email').fill('camille@mairie.test');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('wrong email or password');
    await context.close();
  });
});
