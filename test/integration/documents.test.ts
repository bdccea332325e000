// Documents from the citizen, over real HTTP: a checklist of pieces asked by the agent, files sent from
// the portal as multipart (several per message), recognised by their content, stored with the ticket
// and downloadable by the agent; hostile files refused with a clear French message, nothing kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTeam, testApp } from '../helpers/context.js';
import { heic, jpeg, pdf, png, scriptAsPdf } from '../fixtures/documents.js';

let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;

beforeAll(async () => {
  ctx = await testApp({ env: { PORTAL_MAX_FILE_BYTES: String(64 * 1024) } });
  base = await ctx.listen();
  ctx.startJobs();
  await addTeam(ctx, [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }]);
});
afterAll(() => ctx.close());

async function setUp() {
  const { session } = await ctx.services.chat.start({ name: 'Inès' });
  const first = await ctx.services.chat.send(session, { clientId: 'c1', text: 'Je voudrais renouveler mon passeport.' });
  const agent = await ctx.services.agents.login('camille@mairie.test', 'password-123');
  const headers = { authorization: `Bearer ${agent.token}` };
  const token = (await ctx.services.portal.createLink((await ctx.models.tickets.findById(first.ticketId))!)).split('/').pop()!;
  return { first, headers, portal: `${base}/api/portal/${token}` };
}

const form = (files: [string, Buffer, string?][], fields: Record<string, string> = {}) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  for (const [filename, content, type] of files) data.append('files', new Blob([new Uint8Array(content)], { type: type ?? 'application/octet-stream' }), filename);
  return data;
};

describe('documents from the portal', () => {
  it('asks for pieces, takes several files in one message, ticks the checklist and lets the agent download them', async () => {
    const { first, headers, portal } = await setUp();
    const asked = await fetch(`${base}/api/tickets/${first.ticketId}/documents`, {
      method: 'POST', headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ items: ['Justificatif de domicile', 'Photo d’identité', 'Justificatif de domicile'] }),
    });
    expect(asked.status).toBe(200);
    expect((await asked.json()).documents.map((d: { id: string; providedAt: null }) => [d.id, d.providedAt])).toEqual([['justificatif-de-domicile', null], ['photo-d-identite', null]]);
    // The citizen is told which pieces, with their link, on their channel.
    const told = await ctx.models.messages.findOne({ ticketId: first.ticketId, direction: 'out', text: /merci de nous transmettre : Justificatif de domicile, Photo d’identité/ }).lean();
    expect(told!.text).toContain('/portal/');

    const view = await (await fetch(portal)).json();
    expect(view.documents).toHaveLength(2);
    expect(view.maxFileBytes).toBe(64 * 1024);

    const sent = await fetch(`${portal}/messages`, {
      method: 'POST',
      body: form([['facture-edf.pdf', pdf('Facture')], ['scan.jpg', jpeg(), 'image/jpeg'], ['photo.png', png()], ['IMG_0042.HEIC', heic(), 'image/heic']], { item: 'justificatif-de-domicile', clientId: 'd1', text: 'Voici ma facture.' }),
    });
    expect(sent.status).toBe(201);
    const { id } = await sent.json();
    const message = (await ctx.models.messages.findById(id).lean())!;
    expect(message).toMatchObject({ channel: 'portal', direction: 'in', text: 'Voici ma facture.' });
    expect(message.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['facture-edf.pdf', 'application/pdf'], ['scan.jpg', 'image/jpeg'], ['photo.png', 'image/png'], ['IMG_0042.heic', 'image/heic'],
    ]);
    const after = await (await fetch(portal)).json();
    expect(after.documents.find((d: { id: string }) => d.id === 'justificatif-de-domicile').providedAt).not.toBeNull();
    expect(after.documents.find((d: { id: string }) => d.id === 'photo-d-identite').providedAt).toBeNull();
    expect(after.messages.at(-1).files.map((f: { filename: string }) => f.filename)).toContain('facture-edf.pdf');

    // The agent sees the files in the thread and downloads them, with their own type, as downloads.
    const detail = await (await fetch(`${base}/api/tickets/${first.ticketId}`, { headers })).json();
    const shown = detail.messages.find((m: { id: string }) => m.id === id);
    const ref = shown.attachments[0].ref as string;
    const file = await fetch(`${base}/api/tickets/${first.ticketId}/attachments/${ref.slice('attachment:'.length)}`, { headers });
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="facture-edf.pdf"/);
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf('Facture'))).toBe(true);
    expect(detail.documents.map((d: { providedAt: string | null }) => !!d.providedAt)).toEqual([true, false]);
    // Nobody else downloads it: without a token, or with the portal's link.
    expect((await fetch(`${base}/api/tickets/${first.ticketId}/attachments/${ref.slice('attachment:'.length)}`)).status).toBe(401);

    // A file alone is a message too.
    const alone = await fetch(`${portal}/messages`, { method: 'POST', body: form([['identite.jpg', jpeg()]], { item: 'photo-d-identite' }) });
    expect(alone.status).toBe(201);
    expect((await ctx.models.messages.findById((await alone.json()).id).lean())!.text).toBe('Document envoyé : identite.jpg');
  });

  it('refuses a script named .pdf, an image that claims 30 000 × 30 000 pixels, an empty file, too big or too many files, keeping nothing', async () => {
    const { first, portal } = await setUp();
    const before = await ctx.models.attachments.countDocuments({ ticketId: first.ticketId });
    const cases: [FormData, number, string][] = [
      [form([['justificatif.pdf', scriptAsPdf(), 'application/pdf']]), 400, 'Le fichier « justificatif.pdf » n’est ni un PDF ni une photo (JPEG, PNG, HEIC).'],
      [form([['photo.png', png(2, 2, { width: 30_000, height: 30_000 })]]), 400, 'L’image « photo.png » est illisible ou trop grande.'],
      [form([['vide.pdf', Buffer.alloc(0)]]), 400, 'Le fichier « vide.pdf » est vide.'],
      [form([['gros.pdf', Buffer.concat([pdf(), Buffer.alloc(80 * 1024, 0x20)])]]), 413, 'Le fichier « gros.pdf » dépasse 64 Ko.'],
      [form(Array.from({ length: 6 }, (_, i) => [`p${i}.pdf`, pdf()] as [string, Buffer])), 400, 'Au plus 5 fichiers par envoi.'],
      [form([['ok.pdf', pdf()], ['mal.pdf', scriptAsPdf()]]), 400, 'Le fichier « mal.pdf » n’est ni un PDF ni une photo (JPEG, PNG, HEIC).'],
      [form([['ok.pdf', pdf()]], { item: 'piece-inconnue' }), 400, 'Cette pièce n’est pas demandée pour ce dossier.'],
    ];
    for (const [body, status, message] of cases) {
      const res = await fetch(`${portal}/messages`, { method: 'POST', body });
      expect({ status: res.status, message: (await res.json()).error?.message }).toEqual({ status, message });
    }
    expect(await ctx.models.attachments.countDocuments({ ticketId: first.ticketId })).toBe(before);
    expect(await ctx.models.messages.countDocuments({ ticketId: first.ticketId, channel: 'portal' })).toBe(0);
    // A cut-short multipart body is the client's fault.
    const cut = await fetch(`${portal}/messages`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n%PDF' });
    expect(cut.status).toBe(400);
  });
});
