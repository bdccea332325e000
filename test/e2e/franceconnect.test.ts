// FranceConnect in headless Chromium on a phone: the space's button (its wording, axe at zero), the
// provider's own pages (a real OpenID provider on the loopback address, oidc-provider), and back to the
// citizen's requests; then signing out ends the provider's session too.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture } from '../helpers/browser.js';
import { inbound, testApp } from '../helpers/context.js';
import { startOidcProvider } from '../helpers/oidcProvider.js';
import { freePort } from '../helpers/processes.js';

vi.setConfig({ testTimeout: 120_000 });
let provider: Awaited<ReturnType<typeof startOidcProvider>>;
let fixture: Awaited<ReturnType<typeof browserFixture>>;

beforeAll(async () => {
  provider = await startOidcProvider();
  fixture = await browserFixture({
    app: { env: { FRANCECONNECT_ISSUER: provider.issuer, FRANCECONNECT_CLIENT_ID: provider.clientId, FRANCECONNECT_CLIENT_SECRET: provider.clientSecret } },
    agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }],
  });
  await provider.start(fixture.base);
}, 90_000);
afterAll(async () => {
  await fixture?.close();
  await provider?.close();
});

describe('FranceConnect in the browser', () => {
  it('goes to the provider and back into the citizen’s space, and out again', async () => {
    const { ctx, base, browser } = fixture;
    const mine = await ctx.services.ingestInbound(inbound({ channel: 'email', externalId: '<fc-e2e@example.fr>', from: { address: 'sophie.roux@example.fr', name: 'Sophie Roux' }, text: 'Carte d’identité perdue' }));
    provider.people.set('fc-sophie', { sub: 'fc-sophie', email: 'sophie.roux@example.fr', given_name: 'Sophie', family_name: 'Roux' });

    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/espace`);
    const button = page.getByRole('link', { name: 'S’identifier avec FranceConnect' });
    await expect.poll(() => button.count()).toBe(1);
    expect(await page.getByRole('link', { name: /Qu’est-ce que FranceConnect \?/ }).getAttribute('target')).toBe('_blank');
    expect(await axeViolations(page, 'space with FranceConnect (phone)')).toEqual([]);

    await button.focus();
    await page.keyboard.press('Enter');
    // The provider's own pages: its login, then its consent.
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.locator('input[name=login]').fill('fc-sophie');
    await page.locator('input[name=password]').fill('any');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.origin === provider.issuer && /interaction/.test(url.pathname));
    await page.getByRole('button', { name: /continue/i }).click();
    await page.waitForURL(`${base}/espace`);
    await expect.poll(() => page.locator('#welcome').textContent()).toBe('Bonjour Sophie Roux');
    await expect.poll(() => page.locator('#requests').textContent()).toContain(mine.reference);

    await page.getByRole('button', { name: 'Se déconnecter' }).focus();
    await page.keyboard.press('Enter');
    // FranceConnect's own logout page: its session ends there too.
    await page.waitForURL((url) => url.origin === provider.issuer);
    expect((await context.cookies(base)).find((c) => c.name === 'gru_citizen')).toBeUndefined();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says FranceConnect is unavailable while the provider does not answer, and still lets a citizen in by code', async () => {
    const port = await freePort();
    const lonely = await testApp({ env: { FRANCECONNECT_ISSUER: `http://127.0.0.1:${port}`, FRANCECONNECT_CLIENT_ID: 'x', FRANCECONNECT_CLIENT_SECRET: 'y' } });
    try {
      const base = await lonely.listen();
      const context = await fixture.browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${base}/espace`);
      await expect.poll(() => page.locator('#fc-unavailable').textContent()).toBe('FranceConnect est momentanément indisponible : entrez avec un code.');
      expect(await page.getByLabel('Votre adresse e-mail ou votre numéro de mobile').count()).toBe(1);
      expect(await axeViolations(page, 'space, FranceConnect unavailable (phone)')).toEqual([]);
      await context.close();
    } finally {
      await lonely.close();
    }
  });
});
