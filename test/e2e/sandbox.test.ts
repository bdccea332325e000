// The demo where every channel answers: with the demo's embedded store and no provider settings, the
// sandbox plays SMS, voicemail and email. A visitor writes as a citizen on /sandbox, sees the
// acknowledgement; an agent answers from the console on the citizen's own channel and the answer shows
// in the sandbox as sent. axe-core checks the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture } from '../helpers/browser.js';

let fixture: Awaited<ReturnType<typeof browserFixture>>;
let ctx: typeof fixture.ctx;
let base: string;
let browser: typeof fixture.browser;
let token: string;

beforeAll(async () => {
  fixture = await browserFixture({ app: { env: { SANDBOX: 'true' } }, agents: [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }] });
  ({ ctx, base, browser } = fixture);
  token = (await ctx.services.agents.login('camille@mairie.test', 'password-123')).token;
}, 60_000);
afterAll(() => fixture?.close());

describe('demo sandbox', () => {
  it('is on only for the demo, and only where no provider is set', () => {
    expect(loadConfig({}).sandbox).toEqual({ sms: true, voice: true, email: true });
    expect(loadConfig({ SANDBOX: 'false' }).sandbox).toEqual({ sms: false, voice: false, email: false });
    expect(loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1/x', JWT_SECRET: 'x'.repeat(32) }).sandbox).toEqual({ sms: false, voice: false, email: false });
    expect(loadConfig({ DEMO: '0' }).sandbox).toEqual({ sms: false, voice: false, email: false });
    const withTwilio = loadConfig({ TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'x', TWILIO_PHONE_NUMBER: '+33900000001' });
    expect(withTwilio.sandbox).toEqual({ sms: false, voice: false, email: true });
  });

  it('lets a visitor write by SMS, and an agent answer by SMS from the console', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Anonymous: the API refuses, and the page asks for an agent's login first.
    expect((await fetch(`${base}/api/sandbox/outbox`)).status).toBe(401);
    expect((await fetch(`${base}/api/sandbox/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'sms', from: '0611223344', text: 'x' }) })).status).toBe(401);
    await page.goto(`${base}/sandbox`);
    expect(await axeViolations(page, 'sandbox login')).toEqual([]);
    await page.getByLabel('Adresse e-mail').fill('camille@mairie.test');
    await page.getByLabel('Mot de passe').fill('password-123');
    await page.keyboard.press('Enter');
    await page.getByLabel('Canal').waitFor();
    expect(await axeViolations(page, 'sandbox')).toEqual([]);
    await page.getByLabel('Canal').selectOption({ label: 'SMS' });
    await page.getByLabel('Votre numéro de téléphone').fill('06 11 22 33 44');
    // The labels fit the channel: an SMS has no name, no subject.
    expect(await page.getByLabel('Votre nom (facultatif)').isVisible()).toBe(false);
    await page.getByLabel('Votre SMS').fill('Bonjour, ma poubelle n’a pas été ramassée.');
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^Reçu par le service : demande GRU-\d{4}-\d{6}\.$/);
    const outbox = page.getByRole('region', { name: 'Ce que le service a envoyé' });
    // The acknowledgement, with the citizen's own portal link (never the redacted one).
    await expect.poll(() => outbox.textContent(), { timeout: 15_000 }).toMatch(/votre demande est enregistrée sous la référence GRU-\d{4}-\d{6}.*\/portal\/[\w-]{32}/);
    // The portal link is a link to follow, and the SMS shows no subject.
    const link = outbox.getByRole('link', { name: /\/portal\// });
    await expect.poll(() => link.count()).toBe(1);
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${base}/portal/[\\w-]{32}$`));
    expect(await outbox.locator('li.sms .subject').count()).toBe(0);

    const agent = await browser.newContext({ bypassCSP: true });
    const console = await agent.newPage();
    await console.goto(`${base}/console`);
    await console.getByLabel('Adresse e-mail').fill('camille@mairie.test');
    await console.getByLabel('Mot de passe').fill('password-123');
    await console.keyboard.press('Enter');
    await console.getByRole('button', { name: /ma poubelle/ }).click();
    await expect.poll(() => console.locator('#reply-channel').inputValue()).toBe('sms');
    await console.getByLabel('Votre réponse (tapez / pour une réponse type)').fill('Le camion repasse demain matin.');
    await console.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await expect.poll(() => console.locator('li.out', { hasText: 'Le camion repasse' }).locator('.status').textContent(), { timeout: 15_000 }).toBe('envoyé');
    await expect.poll(() => outbox.textContent(), { timeout: 15_000 }).toContain('Le camion repasse demain matin.');
    expect(errors).toEqual([]);
    await context.close();
    await agent.close();
  });

  it('takes an email and a voicemail, each answered in its own thread', async () => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const mail = await fetch(`${base}/api/sandbox/inbound`, { method: 'POST', headers, body: JSON.stringify({ channel: 'email', from: 'luc@exemple.fr', subject: 'Acte de naissance', text: 'Bonjour, il me faut un acte.' }) });
    expect(mail.status).toBe(201);
    const voice = await fetch(`${base}/api/sandbox/inbound`, { method: 'POST', headers, body: JSON.stringify({ channel: 'voice', from: '+33655443322', text: 'Bonjour, rappelez-moi pour ma carte grise.' }) });
    expect(voice.status).toBe(201);
    const voiceTicket = (await voice.json()) as { ticketId: string };
    const entry = await ctx.models.messages.findOne({ ticketId: voiceTicket.ticketId, channel: 'voice' }).lean();
    expect(entry!.text).toContain('rappelez-moi pour ma carte grise');
    const outbox = async () => ((await (await fetch(`${base}/api/sandbox/outbox`, { headers })).json()) as { items: { channel: string; to: string; subject: string | null }[] }).items;
    await expect.poll(async () => (await outbox()).find((d) => d.channel === 'email' && d.to === 'luc@exemple.fr')?.subject, { timeout: 15_000 }).toMatch(/a bien été reçue/);
    // The call from a mobile is acknowledged by SMS.
    await expect.poll(async () => (await outbox()).some((d) => d.channel === 'sms' && d.to === '+33655443322'), { timeout: 15_000 }).toBe(true);
    // STOP by SMS goes through the same entry as Twilio's webhook: noted for the number, no request.
    const stop = await fetch(`${base}/api/sandbox/inbound`, { method: 'POST', headers, body: JSON.stringify({ channel: 'sms', from: '+33655443322', text: 'STOP' }) });
    expect({ status: stop.status, body: await stop.json() }).toEqual({ status: 202, body: { consent: 'stop' } });
    expect((await ctx.models.identities.findById('phone:+33655443322').lean())!.smsOptOutAt).toBeInstanceOf(Date);
  });

  it('lets an agent attach a file to an email reply from the console', async () => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const mail = await fetch(`${base}/api/sandbox/inbound`, { method: 'POST', headers, body: JSON.stringify({ channel: 'email', from: 'lea@exemple.fr', subject: 'Formulaire de dérogation scolaire', text: 'Pouvez-vous m’envoyer le formulaire ?' }) });
    expect(mail.status).toBe(201);
    const agent = await browser.newContext({ bypassCSP: true });
    const page = await agent.newPage();
    await page.goto(`${base}/console`);
    await page.getByLabel('Adresse e-mail').fill('camille@mairie.test');
    await page.getByLabel('Mot de passe').fill('password-123');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /dérogation scolaire/ }).click();
    await expect.poll(() => page.locator('#reply-channel').inputValue()).toBe('email');
    await page.getByLabel('Votre réponse (tapez / pour une réponse type)').fill('Voici le formulaire.');
    await page.getByLabel('Joindre un fichier (e-mail)').setInputFiles({ name: 'formulaire-derogation.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 formulaire') });
    await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    const sent = page.locator('li.out', { hasText: 'Voici le formulaire.' });
    await expect.poll(() => sent.locator('.status').textContent(), { timeout: 15_000 }).toBe('envoyé');
    expect(await sent.getByRole('link', { name: /formulaire-derogation\.pdf/ }).count()).toBe(1);
    const outbox = (await (await fetch(`${base}/api/sandbox/outbox`, { headers })).json()) as { items: { to: string; attachments: string[] }[] };
    expect(outbox.items.find((d) => d.to === 'lea@exemple.fr' && d.attachments.length)?.attachments).toEqual(['formulaire-derogation.pdf']);
    await agent.close();
  });
});
