// Call-backs in headless Chromium: a citizen asks for one on the portal from a phone, and the agent,
// by keyboard, gives their own number and presses "Rappeler l’usager"; the real twilio SDK places the
// call on the loopback peer, and Twilio's callbacks move the thread entry live. axe-core on both pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture, logInToConsole } from '../helpers/browser.js';
import { inbound } from '../helpers/context.js';
import { postSignedWebhook, startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';

const AUTH_TOKEN = 'twilio-test-auth-token-0123456789abcdef';
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const PUBLIC = 'https://gru.mairie.test';
const SERVICE_NUMBER = '+33159000000';

let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let fixture: Awaited<ReturnType<typeof browserFixture>>;

beforeAll(async () => {
  peer = await startTwilioPeer();
  fixture = await browserFixture({
    app: { env: { ...twilioEnv({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, number: SERVICE_NUMBER }, peer.url), PUBLIC_BASE_URL: PUBLIC, OPENING_HOURS: 'mon-sun 00:00-24:00' } },
    agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }],
  });
}, 60_000);
afterAll(async () => {
  await fixture?.close();
  await peer?.close();
});

describe('call-backs', () => {
  it('takes a request on the portal and lets the agent call back from the console', async () => {
    const { ctx, base, browser } = fixture;
    const first = await ctx.services.ingestInbound(inbound({ channel: 'sms', from: { address: '+33620000070' }, text: 'Pouvez-vous me rappeler pour mon permis ?' }));
    const ticket = (await ctx.models.tickets.findById(first.ticketId))!;
    const path = new URL(await ctx.services.portal.createLink(ticket)).pathname;

    // The citizen, on a phone: picks the second half-day offered, keeps the number we know.
    const citizen = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, bypassCSP: true });
    const portal = await citizen.newPage();
    await portal.goto(`${base}${path}`);
    await expect.poll(() => portal.getByRole('heading', { level: 2, name: 'Être rappelé' }).count()).toBe(1);
    expect(await portal.getByText('Laissez vide pour être appelé au +33•••••••70.').count()).toBe(1);
    const slot = portal.getByLabel('Créneau');
    const second = await slot.locator('option').nth(1).getAttribute('value');
    await slot.selectOption(second!);
    expect(await axeViolations(portal, 'portal call-back (phone)')).toEqual([]);
    await portal.getByRole('button', { name: 'Demander un rappel' }).click();
    await expect.poll(() => portal.locator('#callback-form [role=alert]').textContent()).toMatch(/^C’est noté : nous vous rappellerons .+\.$/);
    await expect.poll(() => portal.getByRole('list', { name: 'Vos échanges' }).textContent()).toContain('Demande de rappel');
    await citizen.close();

    // The agent: gives their number by keyboard, opens the ticket, sees the request, calls back.
    const { page, errors } = await logInToConsole(browser, base, 'camille@mairie.test');
    await page.getByLabel('Mon téléphone (rappels)').fill('06 11 11 11 11');
    await page.getByLabel('Mon téléphone (rappels)').press('Enter');
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Disponibilité mise à jour.');
    const item = page.getByRole('button', { name: /Pouvez-vous me rappeler/ });
    await expect.poll(() => item.textContent(), { timeout: 10_000 }).toContain('rappel demandé');
    await item.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#callback-requested').textContent()).toContain('au +33620000070');
    const call = page.getByRole('button', { name: 'Rappeler l’usager' });
    await call.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Votre téléphone va sonner');
    expect(await call.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect.poll(() => peer.calls.length).toBe(1);
    expect(peer.calls[0]).toMatchObject({ to: '+33611111111', from: SERVICE_NUMBER });
    expect(await axeViolations(page, 'console call-back')).toEqual([]);

    // Twilio: the agent answers, the citizen answers; the thread follows live.
    const callId = new URL(peer.calls[0]!.url).searchParams.get('callId')!;
    const signed = (path: string, form: Record<string, string>) => postSignedWebhook({ base, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN }, path, form);
    const thread = page.getByRole('log');
    await expect.poll(() => thread.textContent()).toContain('appel du téléphone de l’agent');
    expect((await signed(`/webhooks/twilio/voice/bridge?callId=${callId}`, { CallSid: peer.calls[0]!.sid, AccountSid: ACCOUNT_SID, CallStatus: 'in-progress' })).text).toContain('<Number>+33620000070</Number>');
    await signed(`/webhooks/twilio/voice/dial?callId=${callId}`, { CallSid: peer.calls[0]!.sid, AccountSid: ACCOUNT_SID, DialCallStatus: 'completed', DialCallDuration: '75' });
    await expect.poll(() => thread.textContent(), { timeout: 10_000 }).toContain('l’usager a répondu (1 min 15 s)');
    expect(errors).toEqual([]);
  });
});
