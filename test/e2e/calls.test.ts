// Live calls in the console (Chromium, keyboard, axe): a signed call webhook from a known caller pops
// who calls on their usual agent's console as the phone rings, without taking the focus; a call waiting
// for the team is listed on a colleague's console and taken with « Prendre l'appel ».
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SYSTEM } from '../../src/services/audit.js';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture, logInToConsole } from '../helpers/browser.js';
import { postSignedWebhook, startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';

const AUTH_TOKEN = 'twilio-test-auth-token-0123456789abcdef';
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const SERVICE_NUMBER = '+33159000000';

// Several browsers and many steps each: on a busy 2-core machine they take longer than the default.
vi.setConfig({ testTimeout: 120_000 });
let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let fixture: Awaited<ReturnType<typeof browserFixture>>;
let seq = 0;
const sid = () => `CA${String(++seq).padStart(32, '0')}`;

beforeAll(async () => {
  peer = await startTwilioPeer();
  fixture = await browserFixture({
    // Always open: the calls ring whatever the hour the test runs at.
    app: { env: { ...twilioEnv({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, number: SERVICE_NUMBER }, peer.url), OPENING_HOURS: 'mon-sun 00:00-23:59' } },
    agents: [
      { name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' },
      { name: 'Léa Morel', email: 'lea@mairie.test', role: 'agent' },
    ],
  });
}, 60_000);
afterAll(async () => {
  await fixture?.close();
  await peer?.close();
});

describe('live calls in the console', () => {
  it('pops the caller as the phone rings, and lets a colleague take a call waiting for the team', async () => {
    const { ctx, base, browser } = fixture;
    const publicBase = ctx.config.publicBaseUrl;
    const webhook = (path: string, params: Record<string, string>) => postSignedWebhook({ base, publicBaseUrl: publicBase, authToken: AUTH_TOKEN }, path, params);
    const camille = (await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean())!;
    const lea = (await ctx.models.agents.findOne({ email: 'lea@mairie.test' }).lean())!;
    await ctx.services.agents.update(SYSTEM, String(camille._id), { phone: '+33611000001' });
    await ctx.services.agents.update(SYSTEM, String(lea._id), { phone: '+33611000002' });
    const known = await ctx.services.ingestInbound({ channel: 'sms', externalId: `SM${'9'.repeat(32)}`, from: { address: '+33620000601', name: 'Paul Girard' }, text: 'Bonjour, pour mon dossier', threadHints: {}, attachments: [], receivedAt: new Date() });
    await ctx.services.citizens.setRecurringAgent(SYSTEM, known.citizenId, String(camille._id), 'test');
    await ctx.services.citizens.rename(SYSTEM, known.citizenId, 'Paul Girard');

    const agent = await logInToConsole(browser, base, 'camille@mairie.test');
    const colleague = await logInToConsole(browser, base, 'lea@mairie.test');
    await expect.poll(() => agent.page.evaluate(() => document.activeElement?.classList.contains('ticket')), { timeout: 10_000 }).toBe(true);
    const focused = await agent.page.evaluate(() => document.activeElement?.className);

    // Paul calls: Camille's phone rings, her console says who calls; the focus stays where it was.
    const call = { CallSid: sid(), AccountSid: ACCOUNT_SID, From: '+33620000601', To: SERVICE_NUMBER, CallStatus: 'ringing', Direction: 'inbound' };
    expect((await webhook('/webhooks/twilio/voice', call)).text).toContain('<Number');
    const banner = agent.page.locator('#call-incoming');
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain(`Appel entrant : Paul Girard, demande ${known.reference}`);
    expect(await agent.page.evaluate(() => document.activeElement?.className)).toBe(focused);
    expect(await axeViolations(agent.page, 'console with a call ringing')).toEqual([]);
    await banner.getByRole('button', { name: 'Ouvrir la demande' }).focus();
    await agent.page.keyboard.press('Enter');
    await expect.poll(() => agent.page.getByRole('heading', { level: 2, name: new RegExp(known.reference) }).count(), { timeout: 10_000 }).toBe(1);

    // Camille does not pick up: the call waits for the team; Léa sees it and takes it by keyboard.
    await webhook('/webhooks/twilio/voice/agent-dial', { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, DialCallStatus: 'no-answer' });
    const waiting = colleague.page.locator('#calls-waiting li');
    await expect.poll(() => waiting.textContent(), { timeout: 10_000 }).toContain(`En attente : Paul Girard, demande ${known.reference}`);
    expect(await axeViolations(colleague.page, 'console with a call waiting')).toEqual([]);
    await waiting.getByRole('button', { name: 'Prendre l’appel' }).focus();
    await colleague.page.keyboard.press('Enter');
    await expect.poll(() => peer.callUpdates.some((u) => u.sid === call.CallSid && u.twiml.includes('+33611000002')), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => waiting.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => colleague.page.getByRole('status').textContent()).toBe('Appel pris : votre téléphone va sonner.');
    expect(agent.errors).toEqual([]);
    expect(colleague.errors).toEqual([]);
  });

  it('rings the console of an agent whose calls ring in the browser: answer, on the call, mute, hang up, by keyboard', async () => {
    const sdk = await browserFixture({
      app: {
        env: {
          ...twilioEnv({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, number: SERVICE_NUMBER }, peer.url), OPENING_HOURS: 'mon-sun 00:00-23:59',
          TWILIO_API_KEY_SID: 'SK0123456789abcdef0123456789abcdef', TWILIO_API_KEY_SECRET: 'api-key-secret-for-tests', TWILIO_TWIML_APP_SID: 'AP0123456789abcdef0123456789abcdef',
        },
      },
      agents: [{ name: 'Hugo Roy', email: 'hugo@mairie.test', role: 'agent' }],
    });
    try {
      const { ctx, base, browser } = sdk;
      const webhook = (path: string, params: Record<string, string>) => postSignedWebhook({ base, publicBaseUrl: ctx.config.publicBaseUrl, authToken: AUTH_TOKEN }, path, params);
      const hugo = (await ctx.models.agents.findOne({ email: 'hugo@mairie.test' }).lean())!;
      await ctx.services.agents.update(SYSTEM, String(hugo._id), { voiceDevice: 'browser' });
      const known = await ctx.services.ingestInbound({ channel: 'sms', externalId: `SM${'8'.repeat(32)}`, from: { address: '+33620000602' }, text: 'Bonjour', threadHints: {}, attachments: [], receivedAt: new Date() });
      await ctx.services.citizens.setRecurringAgent(SYSTEM, known.citizenId, String(hugo._id), 'test');
      await ctx.services.citizens.rename(SYSTEM, known.citizenId, 'Inès Garcia');
      // The console's policy lets the softphone reach Twilio, and the page loads it.
      expect((await fetch(`${base}/console`)).headers.get('content-security-policy')).toContain("connect-src 'self' wss://*.twilio.com https://*.twilio.com");
      const agent = await logInToConsole(browser, base, 'hugo@mairie.test');
      await expect.poll(() => agent.page.evaluate(() => typeof window.gruSoftphone), { timeout: 10_000 }).toBe('object');

      const call = { CallSid: sid(), AccountSid: ACCOUNT_SID, From: '+33620000602', To: SERVICE_NUMBER, CallStatus: 'ringing', Direction: 'inbound' };
      expect((await webhook('/webhooks/twilio/voice', call)).text).toContain(`<Client statusCallback=`);
      const banner = agent.page.locator('#call-incoming');
      await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain('Appel entrant : Inès Garcia');
      expect(await banner.textContent()).toContain('Votre console sonne');
      expect(await axeViolations(agent.page, 'console softphone ringing')).toEqual([]);
      await banner.getByRole('button', { name: 'Décrocher' }).focus();
      await agent.page.keyboard.press('Enter');

      // Twilio says the agent's leg is up: the console shows the call, with mute and hang up.
      await webhook('/webhooks/twilio/voice/agent-leg', { CallSid: sid(), ParentCallSid: call.CallSid, AccountSid: ACCOUNT_SID, CallStatus: 'in-progress' });
      await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain('En communication avec Inès Garcia.');
      const mute = banner.getByRole('button', { name: 'Couper le micro' });
      await mute.focus();
      await agent.page.keyboard.press('Enter');
      expect(await mute.getAttribute('aria-pressed')).toBe('true');
      expect(await banner.getByRole('button', { name: 'Raccrocher' }).count()).toBe(1);
      expect(await axeViolations(agent.page, 'console softphone on a call')).toEqual([]);

      await webhook('/webhooks/twilio/voice/agent-dial', { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, DialCallStatus: 'completed', DialCallDuration: '42' });
      await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toBe('');
      await expect.poll(() => agent.page.getByRole('status').textContent()).toBe('Appel terminé.');
      expect(agent.errors).toEqual([]);
    } finally {
      await sdk.close();
    }
  });
});

