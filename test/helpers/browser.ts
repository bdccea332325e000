// Debian's Chromium driven by playwright-core (no browser download), headless; playwright gives each
// launch a fresh temporary profile.
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { expect } from 'vitest';
import { addTeam, testApp } from './context.js';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<{ browser: Browser; newContext: (options?: Parameters<Browser['newContext']>[0]) => Promise<BrowserContext>; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    newContext: (options) => browser.newContext(options),
    async close() {
      await browser.close();
    },
  };
}

/**
 * What every browser test starts from: the app listening (with its jobs unless told otherwise), a
 * default team "Accueil" with these agents (addTeam), and Chromium.
 */
export async function browserFixture(options: { app?: Parameters<typeof testApp>[0]; jobs?: boolean; agents: { name: string; email: string; role: 'agent' | 'manager' | 'admin' }[] }) {
  const ctx = await testApp(options.app);
  const base = await ctx.listen();
  if (options.jobs !== false) ctx.startJobs();
  await addTeam(ctx, options.agents);
  const browser = await launchBrowser();
  return {
    ctx,
    base,
    browser,
    async close() {
      await browser.close();
      await ctx.close();
    },
  };
}

/**
 * A fresh browser context logged in to the console as this agent (CSP bypassed so axe-core can be
 * injected), with the page errors collected. On failure the message shows what the page said instead.
 */
export async function logInToConsole(browser: { newContext: Browser['newContext'] }, base: string, email: string, password = 'password-123') {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/console`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.keyboard.press('Enter');
  await expect.poll(async () => [...(await page.locator('#me, #alert, form.login [role=alert]').allTextContents()), ...errors].join(' | ')).toContain('(');
  return { page, context, errors };
}

/** The city's home page on a phone-sized screen (CSP bypassed for axe-core), the chat widget opened; page errors collected. */
export async function openWidgetOnPhone(browser: { newContext: Browser['newContext'] }, base: string) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, bypassCSP: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'Discuter avec nous' }).click();
  return { page, context, errors };
}
