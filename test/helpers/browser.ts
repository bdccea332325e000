// Debian's Chromium driven by playwright-core (no browser download), headless; playwright gives each
// launch a fresh temporary profile.
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { SYSTEM } from '../../src/services/audit.js';
import { testApp } from './context.js';

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

export const AGENT_PASSWORD = 'password-123';

/**
 * What every browser test starts from: the app listening (with its jobs unless told otherwise), a
 * default team "Accueil" with these agents (password AGENT_PASSWORD), and Chromium.
 */
export async function browserFixture(options: { app?: Parameters<typeof testApp>[0]; jobs?: boolean; agents: { name: string; email: string; role: 'agent' | 'manager' | 'admin' }[] }) {
  const ctx = await testApp(options.app);
  const base = await ctx.listen();
  if (options.jobs !== false) ctx.startJobs();
  const team = await ctx.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
  for (const agent of options.agents) await ctx.services.agents.create(SYSTEM, { ...agent, password: AGENT_PASSWORD, teamId: String(team._id) });
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
