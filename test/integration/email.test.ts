// Email against a real Dovecot (IMAP in) and an in-process smtp-server (SMTP out): threading that survives
// real mail clients, sanitised HTML, attachments, encodings, auto-replies, bounces, relay failures, a
// listener stopped mid-batch, and the real-world corpus.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import type { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTeam, testApp } from '../helpers/context.js';
import { emailEnv, startDovecot } from '../helpers/dovecot.js';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtpPeer.js';
import { until } from '../helpers/sockets.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/email');
// The shared real-world corpus when it is beside the clone (as in CI); otherwise the project's own
// real-world-shaped mails, so a plain clone passes too.
const SHARED_CORPUS = join(import.meta.dirname, '../../../shared/corpus/mail-real-world');
const CORPUS = existsSync(SHARED_CORPUS) ? SHARED_CORPUS : join(import.meta.dirname, '../fixtures/email');
// Bytes as they are on disk (UTF-8 or Latin-1 fixtures alike), with {{placeholders}} filled.
const fixture = (name: string, vars: Record<string, string> = {}) =>
  Buffer.from(Object.entries(vars).reduce((text, [k, v]) => text.replaceAll(`{{${k}}}`, v), readFileSync(join(FIXTURES, name), 'latin1')), 'latin1');

let dovecot: Awaited<ReturnType<typeof startDovecot>>;
let ctx: Awaited<ReturnType<typeof testApp>>;
let smtp: SmtpPeer;
let base: string;

/** Brings the next attempt of these queued messages forward to now, instead of waiting for the backoff. */
async function retryNow(ids: Types.ObjectId[]) {
  const at = new Date();
  await ctx.models.messages.updateMany({ _id: { $in: ids } }, { $set: { nextAttemptAt: at } });
}
const countMessages = (filter: Record<string, unknown>) => ctx.models.messages.countDocuments(filter);
const ticketOf = async (externalId: string) => (await ctx.models.messages.findOne({ channel: 'email', externalId }).lean())?.ticketId;

beforeAll(async () => {
  dovecot = await startDovecot();
  smtp = await startSmtpPeer();
  ctx = await testApp({
    env: { ...emailEnv(dovecot, smtp.port), EMAIL_MAX_ATTACHMENT_BYTES: '100000' },
    imap: { pollMs: 200, leaseMs: 3_000 },
  });
  base = await ctx.listen();
  await addTeam(ctx, [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }]);
  ctx.startJobs();
}, 60_000);
afterAll(async () => {
  await ctx?.close();
  await smtp?.stop();
  await dovecot?.stop();
});

describe('email in and out', () => {
  it('stores a new email, flags it seen only after, and acknowledges it in the same thread', async () => {
    await dovecot.deliver(fixture('gmail-new.eml'));
    await until(async () => (await countMessages({ externalId: '<CAF3a8Gz1qN0bXhK2=fR9w@mail.gmail.com>' })) === 1, 30_000, 'stored');
    const message = await ctx.models.messages.findOne({ externalId: '<CAF3a8Gz1qN0bXhK2=fR9w@mail.gmail.com>' }).lean();
    expect(message).toMatchObject({ channel: 'email', fromAddress: 'marie.durand@gmail.com', fromName: 'Marie Durand', subject: "Demande d'acte de naissance" });
    expect(message!.text).toContain("copie intégrale de mon acte de naissance");
    const ticket = await ctx.models.tickets.findById(message!.ticketId).lean();

    await until(() => smtp.mails().some((m) => m.inReplyTo === '<CAF3a8Gz1qN0bXhK2=fR9w@mail.gmail.com>'), 30_000, 'acknowledgement sent');
    const ack = smtp.mails().find((m) => m.inReplyTo === '<CAF3a8Gz1qN0bXhK2=fR9w@mail.gmail.com>')!;
    expect(ack.subject).toBe(`Votre demande ${ticket!.reference} a bien été reçue`);
    expect(ack.messageId).toMatch(/^<gru\.[0-9a-f]{24}@mairie\.example>$/);
    expect(ack.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack.text).toContain('Camille');
    expect(ack.text).toMatch(/\/portal\/[\w-]+/);

    const reader = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await reader.connect();
    const lock = await reader.getMailboxLock('INBOX');
    const unseen = await reader.search({ seen: false });
    lock.release();
    await reader.logout();
    expect(unseen).toEqual([]);
  });

  it('threads a Gmail reply to our acknowledgement, keeping the quoted history apart', async () => {
    const ack = smtp.mails().find((m) => m.inReplyTo === '<CAF3a8Gz1qN0bXhK2=fR9w@mail.gmail.com>')!;
    await dovecot.deliver(fixture('gmail-reply.eml', { IN_REPLY_TO: ack.messageId! }));
    await until(async () => (await countMessages({ externalId: '<CAF3a8Gz7777reply@mail.gmail.com>' })) === 1, 30_000, 'reply stored');
    expect(String(await ticketOf('<CAF3a8Gz7777reply@mail.gmail.com>'))).toBe(String(await ticketOf('<CAF3a8Gz1qN0bXhK2=fR9w@mail.gmail.com>')));
    const reply = await ctx.models.messages.findOne({ externalId: '<CAF3a8Gz7777reply@mail.gmail.com>' }).lean();
    expect(reply!.text).toBe('Merci beaucoup, je viendrai le chercher jeudi.');
    expect(reply!.quotedText).toContain('Votre acte est prêt.');
  });

  it('threads an Outlook reply whose subject was edited, by the reference tag, and decodes ISO-8859-1', async () => {
    const ticket = await ctx.models.tickets.findById(await ticketOf('<CAF3a8Gz1qN0bXhK2=fR9w@mail.gmail.com>')).lean();
    await dovecot.deliver(fixture('outlook-edited-subject.eml', { REF: ticket!.reference }));
    const id = '<DB9PR05MB1234ABCD@DB9PR05MB1234.eurprd05.prod.outlook.com>';
    await until(async () => (await countMessages({ externalId: id })) === 1, 30_000, 'outlook stored');
    expect(String(await ticketOf(id))).toBe(String(ticket!._id));
    const message = await ctx.models.messages.findOne({ externalId: id }).lean();
    expect(message!.subject).toBe(`Complément pour mon dossier [${ticket!.reference}]`);
    expect(message!.text).toBe('Voici le numéro de mon livret de famille : 1234.');
  });

  it('opens a new ticket for a forward from someone else, even when it names a reference', async () => {
    await dovecot.deliver(fixture('thunderbird-forward.eml'));
    await until(async () => (await countMessages({ externalId: '<5f1c2a3b-fwd@thunderbird.example>' })) === 1, 30_000, 'forward stored');
    const ticket = await ticketOf('<5f1c2a3b-fwd@thunderbird.example>');
    expect(String(ticket)).not.toBe(String(await ticketOf('<CAF3a8Gz1qN0bXhK2=fR9w@mail.gmail.com>')));
    const message = await ctx.models.messages.findOne({ externalId: '<5f1c2a3b-fwd@thunderbird.example>' }).lean();
    expect(message!.text).toBe("Je vous transfère le message de mon voisin, c'est toujours dangereux.");
    expect(message!.quotedText).toContain("Le trou s'agrandit.");
  });

  it('sanitises HTML-only mail: no script, handler, form, tracking image or javascript link reaches an agent', async () => {
    await dovecot.deliver(fixture('apple-html-only.eml'));
    await until(async () => (await countMessages({ externalId: '<A1B2C3D4-E5F6@icloud.com>' })) === 1, 30_000, 'html stored');
    const message = await ctx.models.messages.findOne({ externalId: '<A1B2C3D4-E5F6@icloud.com>' }).lean();
    expect(message!.html).not.toMatch(/script|onclick|<form|<input|tracker\.example|javascript:|<style/i);
    expect(message!.html).toContain('<a href="https://www.service-public.fr" rel="noopener noreferrer nofollow" target="_blank">service-public</a>');
    expect(message!.text).toContain('je souhaite inscrire ma fille à la cantine');
  });

  it('stores attachments with name, type and size, and decodes Latin-1 bodies and subjects', async () => {
    await dovecot.deliver(fixture('attachment.eml'));
    await dovecot.deliver(fixture('latin1.eml'));
    await until(async () => (await countMessages({ externalId: { $in: ['<20260306.attach.42@free.fr>', '<latin1.0001@laposte.net>'] } })) === 2, 30_000, 'stored');
    const withFile = await ctx.models.messages.findOne({ externalId: '<20260306.attach.42@free.fr>' }).lean();
    expect(withFile!.attachments).toHaveLength(1);
    expect(withFile!.attachments[0]).toMatchObject({ filename: 'justificatif.pdf', contentType: 'application/pdf', size: 78 });
    const stored = await ctx.models.attachments.findById(withFile!.attachments[0]!.ref.replace('attachment:', '')).lean();
    const bytes = stored!.content as unknown as { buffer?: Uint8Array };
    expect(bytes).toBeTruthy();
    expect(Buffer.from(bytes.buffer ?? (bytes as unknown as Uint8Array)).toString('latin1').startsWith('%PDF-1.4')).toBe(true);
    const latin = await ctx.models.messages.findOne({ externalId: '<latin1.0001@laposte.net>' }).lean();
    expect(latin).toMatchObject({ subject: 'Déclaration de décès', fromName: 'André Béranger' });
    expect(latin!.text).toBe('Bonjour, je dois déclarer le décès de mon père. Quelles pièces fournir ?');
  });

  it('creates no ticket and no acknowledgement for an auto-reply, keeping it for inspection', async () => {
    const acksBefore = smtp.received.length;
    await dovecot.deliver(fixture('out-of-office.eml'));
    await until(async () => (await ctx.models.mailEvents.countDocuments({ messageId: '<ooo.1@mail.gmail.com>' })) === 1, 30_000, 'auto-reply seen');
    expect(await ctx.models.mailEvents.findOne({ messageId: '<ooo.1@mail.gmail.com>' }).lean()).toMatchObject({ kind: 'auto-reply', reason: 'Auto-Submitted' });
    expect(await countMessages({ externalId: '<ooo.1@mail.gmail.com>' })).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.mails().filter((m) => m.inReplyTo === '<ooo.1@mail.gmail.com>')).toEqual([]);
    expect(acksBefore).toBeGreaterThan(0);
  });

  it('sends an agent reply that threads in the citizen mail client, and marks it failed when it bounces', async () => {
    const ticketId = String(await ticketOf('<CAF3a8Gz1qN0bXhK2=fR9w@mail.gmail.com>'));
    const camille = await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean();
    const reply = await ctx.services.tickets.reply({ agentId: String(camille!._id), role: 'agent' }, ticketId, { text: 'Votre acte est prêt, à retirer à l’accueil.' });
    await until(() => smtp.mails().some((m) => m.text?.includes('Votre acte est prêt, à retirer')), 30_000, 'reply sent');
    const mail = smtp.mails().find((m) => m.text?.includes('Votre acte est prêt, à retirer'))!;
    const ticket = await ctx.models.tickets.findById(ticketId).lean();
    expect(mail.subject).toBe(`Re: Demande d'acte de naissance [${ticket!.reference}]`);
    expect(mail.inReplyTo).toBe('<DB9PR05MB1234ABCD@DB9PR05MB1234.eurprd05.prod.outlook.com>');
    expect(mail.references).toEqual(expect.arrayContaining(['<CAF3a8Gz1qN0bXhK2=fR9w@mail.gmail.com>', '<CAF3a8Gz7777reply@mail.gmail.com>']));
    expect(mail.headers.get('auto-submitted')).toBeUndefined();
    expect(mail.html).toContain('<p>Votre acte est prêt, à retirer à l&#39;accueil.</p>'.replace('&#39;', '’'));
    await until(async () => (await ctx.models.messages.findById(reply._id).lean())!.status === 'sent', 30_000, 'sent');

    await dovecot.deliver(fixture('bounce.eml', { ORIGINAL: mail.messageId! }));
    await until(async () => (await ctx.models.messages.findById(reply._id).lean())!.status === 'failed', 30_000, 'bounce applied');
    expect((await ctx.models.messages.findById(reply._id).lean())!.statusReason).toMatch(/^bounced: smtp; 550 5\.1\.1/);
    expect(await ctx.models.tickets.countDocuments({ subject: 'Undelivered Mail Returned to Sender' })).toBe(0);
  });

  it('retries while the relay answers 4xx or is down, fails with the reason on 5xx, and sends each reply once', async () => {
    const ticketId = String(await ticketOf('<latin1.0001@laposte.net>'));
    const principal = { agentId: String((await ctx.models.agents.findOne({}).lean())!._id), role: 'admin' as const };
    smtp.answer('451');
    const delayed = await ctx.services.tickets.reply(principal, ticketId, { text: 'Réponse retardée' });
    await until(async () => !!(await ctx.models.messages.findById(delayed._id).lean())!.statusReason, 30_000, 'tried');
    expect(await ctx.models.messages.findById(delayed._id).lean()).toMatchObject({ status: 'queued', statusReason: expect.stringMatching(/451/) });
    smtp.answer('ok');
    await retryNow([delayed._id]);
    await until(async () => (await ctx.models.messages.findById(delayed._id).lean())!.status === 'sent', 30_000, 'sent after retry');
    expect(smtp.mails().filter((m) => m.text?.includes('Réponse retardée'))).toHaveLength(1);

    smtp.answer('550');
    const refused = await ctx.services.tickets.reply(principal, ticketId, { text: 'Réponse refusée' });
    await until(async () => (await ctx.models.messages.findById(refused._id).lean())!.status === 'failed', 30_000, 'failed');
    expect((await ctx.models.messages.findById(refused._id).lean())!.statusReason).toMatch(/^le serveur de messagerie a refusé l’envoi : 550/);
    smtp.answer('ok');

    // Relay down, then back on the same port.
    await smtp.stop();
    const queued = await ctx.services.tickets.reply(principal, ticketId, { text: 'Pendant la panne du relais' });
    const more = [];
    for (let i = 0; i < 4; i++) more.push(await ctx.services.tickets.reply(principal, ticketId, { text: `Aussi pendant la panne ${i}` }));
    const ids = [queued._id, ...more.map((m) => m._id)];
    await until(async () => (await ctx.models.messages.countDocuments({ _id: { $in: ids }, statusReason: { $ne: null } })) === ids.length, 30_000, 'tried while down');
    expect(await ctx.models.messages.countDocuments({ _id: { $in: ids }, status: 'queued' })).toBe(ids.length);
    await smtp.start();
    await retryNow(ids);
    await until(async () => (await ctx.models.messages.countDocuments({ _id: { $in: ids }, status: 'sent' })) === ids.length, 30_000, 'sent when back');
    expect(smtp.mails().filter((m) => m.text?.includes('Pendant la panne du relais'))).toHaveLength(1);
    for (let i = 0; i < 4; i++) expect(smtp.mails().filter((m) => m.text?.includes(`Aussi pendant la panne ${i}`))).toHaveLength(1);
  });

  it("sends the files an agent attached, and lets the ticket's agents download every file of the thread", async () => {
    const ticketId = String(await ticketOf('<20260306.attach.42@free.fr>'));
    const { token } = await ctx.services.agents.login('camille@mairie.test', 'password-123');
    const authorization = `Bearer ${token}`;
    const upload = (bytes: Buffer, name: string, type: string) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
      return fetch(`${base}/api/tickets/${ticketId}/attachments`, { method: 'POST', headers: { authorization }, body: form });
    };
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5_000, 7)]);
    const added = await upload(pdf, 'attestation de résidence.pdf', 'application/pdf');
    expect(added.status).toBe(201);
    const file = (await added.json()) as { id: string; filename: string; size: number };
    expect(file).toMatchObject({ filename: 'attestation de résidence.pdf', size: pdf.length });
    // Over EMAIL_MAX_ATTACHMENT_BYTES (100 000 here): refused with 413, nothing stored.
    const tooLarge = await upload(Buffer.alloc(150_000, 1), 'scan.tiff', 'image/tiff');
    expect(tooLarge.status).toBe(413);
    expect(await ctx.models.attachments.countDocuments({ filename: 'scan.tiff' })).toBe(0);
    // A file of another ticket cannot be slipped into this reply.
    const other = await ctx.services.tickets.addAttachment({ agentId: String((await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean())!._id), role: 'agent' }, String(await ticketOf('<latin1.0001@laposte.net>')), { filename: 'autre.txt', contentType: 'text/plain', content: Buffer.from('autre dossier') });
    const smuggled = await fetch(`${base}/api/tickets/${ticketId}/replies`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Voici', attachments: [other.id] }) });
    expect(smuggled.status).toBe(400);

    const sent = await fetch(`${base}/api/tickets/${ticketId}/replies`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Voici votre attestation.', attachments: [file.id] }) });
    expect(sent.status).toBe(201);
    expect(((await sent.json()) as { attachments: { filename: string }[] }).attachments).toMatchObject([{ filename: 'attestation de résidence.pdf' }]);
    await until(() => smtp.mails().some((m) => m.text?.includes('Voici votre attestation.')), 30_000, 'reply with file sent');
    const mail = smtp.mails().find((m) => m.text?.includes('Voici votre attestation.'))!;
    expect(mail.html).toContain('<p>Voici votre attestation.</p>');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: 'attestation de résidence.pdf', contentType: 'application/pdf' });
    expect(Buffer.compare(mail.attachments[0]!.content, pdf)).toBe(0);

    // Downloads: the agent's file and the citizen's, as downloads that never render in the console.
    const citizenFile = (await ctx.models.messages.findOne({ externalId: '<20260306.attach.42@free.fr>' }).lean())!.attachments[0]!.ref.replace('attachment:', '');
    for (const [id, name] of [[file.id, 'attestation de résidence.pdf'], [citizenFile, 'justificatif.pdf']] as const) {
      const res = await fetch(`${base}/api/tickets/${ticketId}/attachments/${id}`, { headers: { authorization } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${name.replace('é', '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
      expect(Buffer.from(await res.arrayBuffer()).toString('latin1').startsWith('%PDF-1.4')).toBe(true);
    }
    // A file of another ticket is not reachable through this one.
    expect((await fetch(`${base}/api/tickets/${ticketId}/attachments/${other.id}`, { headers: { authorization } })).status).toBe(404);
    expect((await fetch(`${base}/api/tickets/${ticketId}/attachments/${file.id}`)).status).toBe(401);
  });

  it('keeps a copy of each reply in Sent, and never sends twice a reply whose sender died mid-send', async () => {
    const ticketId = String(await ticketOf('<latin1.0001@laposte.net>'));
    const principal = { agentId: String((await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean())!._id), role: 'agent' as const };
    const imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await imap.connect();
    const inSent = async (messageId: string) => {
      const lock = await imap.getMailboxLock('Sent');
      try {
        return ((await imap.search({ header: { 'message-id': messageId } }, { uid: true })) || []).length;
      } finally {
        lock.release();
      }
    };
    try {
      const earlier = smtp.mails().find((m) => m.text?.includes('Pendant la panne du relais'))!;
      expect(await inSent(earlier.messageId!)).toBe(1);

      // Two replies claimed by a process that then dies: one after the relay took it, one before.
      await ctx.dispatcher.stop();
      const delivered = await ctx.services.tickets.reply(principal, ticketId, { text: 'Envoyée juste avant la panne' });
      const notYet = await ctx.services.tickets.reply(principal, ticketId, { text: 'Jamais partie avant la panne' });
      const claim = { status: 'sending', statusRank: 1, leaseUntil: new Date(Date.now() + 60_000), attempts: 1 };
      await ctx.models.messages.updateMany({ _id: { $in: [delivered._id, notYet._id] } }, { $set: claim });
      const adapter = ctx.services.outbox.adapterFor('email')!;
      const result = await adapter.send(await ctx.services.outbox.toOutbound((await ctx.models.messages.findById(delivered._id))!));
      expect(result.ok).toBe(true);
      // The process is gone: its leases expire, another dispatcher takes over.
      await ctx.models.messages.updateMany({ _id: { $in: [delivered._id, notYet._id] } }, { $set: { leaseUntil: new Date(Date.now() - 1_000) } });
      ctx.dispatcher.start();
      await until(async () => (await ctx.models.messages.countDocuments({ _id: { $in: [delivered._id, notYet._id] }, status: 'sent' })) === 2, 30_000, 'both settled');
      expect(smtp.mails().filter((m) => m.text?.includes('Envoyée juste avant la panne'))).toHaveLength(1);
      expect(smtp.mails().filter((m) => m.text?.includes('Jamais partie avant la panne'))).toHaveLength(1);
      const notYetMail = smtp.mails().find((m) => m.text?.includes('Jamais partie avant la panne'))!;
      await until(async () => (await inSent(notYetMail.messageId!)) === 1, 30_000, 'copied to Sent');
    } finally {
      await imap.logout();
    }
  });

  it('survives the real-world corpus: each message stored once or recognised, and the next one still arrives', async () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.eml')) files.push(path);
      }
    };
    walk(CORPUS);
    expect(files.length).toBeGreaterThan(CORPUS === SHARED_CORPUS ? 90 : 5);
    const before = { messages: await countMessages({ channel: 'email', direction: 'in' }), events: await ctx.models.mailEvents.countDocuments() };
    // The project's own mails were delivered by earlier tests: under new Message-IDs they are new mails.
    const mails = files.map((f) => (CORPUS === SHARED_CORPUS ? readFileSync(f) : Buffer.from(readFileSync(f, 'latin1').replace(/^(Message-ID:\s*<)/im, '$1corpus.'), 'latin1')));
    for (const mail of mails) await dovecot.deliver(mail);
    // The listener reads in UID order and never skips a message it could not store: the ordinary message
    // delivered after the corpus arriving means every corpus message was stored or recognised before it.
    await dovecot.deliver('From: Apres Corpus <apres@citoyens.example>\r\nTo: contact@mairie.example\r\nSubject: Encore la\r\nMessage-ID: <after.corpus@citoyens.example>\r\n\r\nToujours vivant ?\r\n');
    const arrived = new Promise<void>((resolve) => {
      const off = ctx.services.events.on('message.created', (e) => {
        if (e.preview === 'Toujours vivant ?') {
          off();
          resolve();
        }
      });
    });
    await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error('the message after the corpus did not arrive')), 150_000))]);
    const after = { messages: await countMessages({ channel: 'email', direction: 'in' }), events: await ctx.models.mailEvents.countDocuments() };
    const handled = after.messages - before.messages - 1 + (after.events - before.events);
    // Corpus files that share a Message-ID are one message, stored once.
    const distinctIds = new Set(mails.map((m, i) => /^Message-ID:\s*(<[^>\s]+>)/im.exec(m.toString('latin1'))?.[1] ?? files[i])).size;
    expect(handled).toBeGreaterThanOrEqual(distinctIds - 2);
    expect(handled).toBeLessThanOrEqual(files.length);
  }, 200_000);
});
