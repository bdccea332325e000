// The widget on a phone confirms the number typed at the start: a code arrives by SMS (the real twilio
// SDK on the loopback peer), is typed back by keyboard, and the chat joins the citizen's request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture, openWidgetOnPhone } from '../helpers/browser.js';
import { inbound } from '../helpers/context.js';
import { until } from '../helpers/sockets.js';
import { startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';

let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let fixture: Awaited<ReturnType<typeof browserFixture>>;

beforeAll(async () => {
  peer = await startTwilioPeer();
  fixture = await browserFixture({
    app: { env: { ...twilioEnv({ accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'twilio-test-auth-token-0123456789abcdef', number: '+33159000000' }, peer.url), SERVICE_NAME: 'la mairie de Villeneuve' } },
    agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }],
  });
}, 60_000);
afterAll(async () => {
  await fixture?.close();
  await peer?.close();
});

describe('chat identity in the widget', () => {
  it('confirms the phone with a code by SMS and joins the citizen’s open request', async () => {
    const { ctx, base, browser } = fixture;
    const earlier = await ctx.services.ingestInbound(inbound({ from: { address: '+33620000090' }, text: 'Demande d’acte de naissance' }));
    const { page, context, errors } = await openWidgetOnPhone(browser, base);
    await page.getByLabel('Votre nom (facultatif)').fill('Hugo');
    await page.getByLabel('Votre téléphone (facultatif)').fill('06 20 00 00 90');
    await page.getByLabel('Votre message').fill('Où en est mon acte de naissance ?');
    await page.keyboard.press('Enter');
    const log = page.getByRole('log', { name: 'Messages' });
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toMatch(/référence GRU-\d{4}-\d{6}/);

    const bySms = page.getByRole('button', { name: 'Recevoir un code par SMS' });
    await expect.poll(() => bySms.isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Recevoir un code par e-mail' }).isVisible()).toBe(false);
    expect(await axeViolations(page, 'widget verification (phone)')).toEqual([]);
    await bySms.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => log.textContent()).toContain('Un code vous a été envoyé par SMS.');
    let sms = '';
    await until(() => !!(sms = peer.messages.find((m) => m.to === '+33620000090' && /code de confirmation/.test(m.body))?.body ?? ''), 30_000, 'the code SMS');
    const code = /(\d{6})/.exec(sms)![1]!;
    const field = page.getByLabel('Code reçu (6 chiffres)');
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    // The conversation keeps its room while the code is asked for.
    const logHeight = (await log.boundingBox())!.height;
    process.stdout.write(`widget log height with the code field: ${logHeight}\n`);
    expect(logHeight).toBeGreaterThanOrEqual(250);
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain(`Coordonnées confirmées : cette discussion rejoint votre demande ${earlier.reference}.`);
    await expect.poll(() => log.textContent()).toContain('Demande d’acte de naissance');
    expect(await bySms.isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the conversation’s room on a computer screen when a code is offered', async () => {
    const { base, browser } = fixture;
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: /Discuter avec nous/ }).click();
    const log = page.getByRole('log', { name: 'Messages' });
    const before = (await log.boundingBox())!.height;
    await page.getByLabel('Votre téléphone (facultatif)').fill('06 20 00 00 91');
    await page.getByLabel('Votre message').fill('Bonjour, une question');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('button', { name: 'Recevoir un code par SMS' }).isVisible(), { timeout: 10_000 }).toBe(true);
    const after = (await log.boundingBox())!.height;
    process.stdout.write(`widget log height on a computer: ${before} → ${after}\n`);
    expect(after).toBeGreaterThanOrEqual(Math.min(before, 250));
    await context.close();
  });
});

