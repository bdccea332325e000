// Two people on one ticket in two browsers (Chromium): a manager's change reaches the agent's open
// screen live without moving her focus, a save made from a screen that missed a change is refused with
// who changed what, and the agent reapplies hers from the keyboard. axe checks the screens.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture, logInToConsole } from '../helpers/browser.js';


// Several browsers and many steps each: on a busy 2-core machine they take longer than the default.
vi.setConfig({ testTimeout: 120_000 });
let fixture: Awaited<ReturnType<typeof browserFixture>>;
let ctx: typeof fixture.ctx;
let base: string;
let browser: typeof fixture.browser;

beforeAll(async () => {
  fixture = await browserFixture({
    agents: [
      { name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' },
      { name: 'Nadia Lefèvre', email: 'nadia@mairie.test', role: 'manager' },
      { name: 'Julien Petit', email: 'julien@mairie.test', role: 'agent' },
      { name: 'Alex Durand', email: 'admin@mairie.test', role: 'admin' },
    ],
  });
  ({ ctx, base, browser } = fixture);
}, 60_000);
afterAll(() => fixture?.close());

const logIn = (email: string) => logInToConsole(browser, base, email);

describe('a ticket shared by two people', () => {
  it('shows a colleague’s change live, and refuses a stale save with who changed what, then reapplies by keyboard', async () => {
    const sms = await ctx.services.ingestInbound({ channel: 'sms', externalId: `SM${'8'.repeat(32)}`, from: { address: '+33623456789' }, text: 'Bonjour, mon dossier de mariage ?', threadHints: {}, attachments: [], receivedAt: new Date() });
    const camille = await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean();
    await ctx.services.citizens.setRecurringAgent({ kind: 'system' }, sms.citizenId, String(camille!._id), 'test');

    const agent = await logIn('camille@mairie.test');
    // A citizen without a name is shown by their number, as people write it.
    const item = agent.page.getByRole('button', { name: /06 23 45 67 89/ });
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    await item.click();
    await expect.poll(() => agent.page.locator('#citizen-title').textContent(), { timeout: 10_000 }).toBe('Usager : 06 23 45 67 89');
    await expect.poll(() => agent.page.getByRole('heading', { level: 2, name: new RegExp(sms.reference) }).count(), { timeout: 10_000 }).toBe(1);
    const priority = agent.page.locator('#ticket-priority');
    expect(await priority.inputValue()).toBe('normal');
    // The dashboard link is for managers only.
    expect(await agent.page.getByRole('link', { name: 'Tableau de bord' }).count()).toBe(0);

    // Nadia sets it Urgente from her console: Camille's screen follows, her focus stays in the category field.
    const manager = await logIn('nadia@mairie.test');
    expect(await manager.page.getByRole('link', { name: 'Tableau de bord' }).count()).toBe(1);
    await manager.page.getByRole('button', { name: 'Toutes', exact: true }).click();
    await manager.page.getByRole('button', { name: /06 23 45 67 89/ }).click();
    await expect.poll(() => manager.page.locator('#ticket-priority').count(), { timeout: 10_000 }).toBe(1);
    await agent.page.locator('#ticket-category').focus();
    await manager.page.locator('#ticket-priority').selectOption({ label: 'Urgente' });
    await manager.page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => priority.inputValue(), { timeout: 10_000 }).toBe('urgent');
    expect(await agent.page.locator('#ticket-category').evaluate((el) => el === document.activeElement)).toBe(true);
    const history = agent.page.getByRole('region', { name: 'Historique de la demande' });
    await expect.poll(() => history.textContent(), { timeout: 10_000 }).toContain('Priorité : Normale → Urgente, par Nadia Lefèvre');

    // A change her screen missed (written while no event went out): her save is refused, nothing lost.
    await ctx.models.tickets.updateOne({ _id: sms.ticketId }, { $set: { priority: 'low' }, $inc: { version: 1 } });
    await ctx.models.auditEvents.create({ at: new Date(), actor: { kind: 'agent', id: String((await ctx.models.agents.findOne({ email: 'nadia@mairie.test' }).lean())!._id) }, action: 'ticket.updated', ticketId: sms.ticketId, data: { changes: [{ field: 'priority', from: 'urgent', to: 'low' }] } });
    await agent.page.keyboard.type('État civil');
    await agent.page.keyboard.press('Enter');
    const notice = agent.page.locator('.conflict');
    await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toContain('Nadia Lefèvre a modifié cette demande pendant que vous la lisiez : Priorité : Urgente → Basse');
    expect(await notice.textContent()).toContain('Catégorie : aucune → État civil');
    expect(await priority.inputValue()).toBe('low');
    expect(await agent.page.locator('#ticket-category').inputValue()).toBe('État civil');
    expect(await axeViolations(agent.page, 'console ticket with a conflict')).toEqual([]);
    await agent.page.getByRole('button', { name: 'Réappliquer mes changements' }).focus();
    await agent.page.keyboard.press('Enter');
    await expect.poll(async () => (await ctx.models.tickets.findById(sms.ticketId).lean())!.category, { timeout: 10_000 }).toBe('État civil');
    expect((await ctx.models.tickets.findById(sms.ticketId).lean())!.priority).toBe('low');
    await expect.poll(() => notice.textContent()).toBe('');
    expect(agent.errors).toEqual([]);

    // The manager sees the automation read-only, and is told why.
    await manager.page.getByRole('button', { name: 'Automatisation' }).click();
    await expect.poll(() => manager.page.locator('#automation-read-only').textContent(), { timeout: 10_000 }).toBe('Seuls les administrateurs peuvent modifier l’automatisation : vous la voyez en lecture seule.');
    expect(await manager.page.locator('#auto-ack-sms').isDisabled()).toBe(true);
    expect(await manager.page.getByRole('button', { name: 'Ajouter une règle' }).count()).toBe(0);
  });

  it('asks the admin who takes over a leaving agent’s work, with its counts, then keeps him listed, greyed', async () => {
    const julien = await ctx.models.agents.findOne({ email: 'julien@mairie.test' }).lean();
    for (const [i, phone] of ['+33655500001', '+33655500002'].entries()) {
      const r = await ctx.services.ingestInbound({ channel: 'sms', externalId: `SM${String(i).repeat(32)}`, from: { address: phone }, text: `Demande ${i}`, threadHints: {}, attachments: [], receivedAt: new Date() });
      await ctx.services.citizens.setRecurringAgent({ kind: 'system' }, r.citizenId, String(julien!._id), 'test');
    }
    const admin = await logIn('admin@mairie.test');
    // The admin's header, with every space, holds on one line at 1366 pixels.
    await admin.page.setViewportSize({ width: 1366, height: 768 });
    await expect.poll(() => admin.page.locator('#spaces button').count()).toBeGreaterThanOrEqual(6);
    expect((await admin.page.locator('header').boundingBox())!.height).toBeLessThanOrEqual(60);
    await admin.page.getByRole('button', { name: 'Équipes et agents', exact: true }).click();
    const row = admin.page.getByRole('row', { name: /^Julien Petit/ });
    await row.getByRole('button', { name: 'Désactiver' }).click();
    const dialog = admin.page.getByRole('dialog', { name: 'Désactiver le compte de Julien Petit' });
    await expect.poll(() => dialog.textContent(), { timeout: 10_000 }).toContain('Julien Petit a 2 demandes ouvertes et 2 usagers suivis');
    expect(await dialog.getByLabel('Qui reprend ce travail ?').inputValue()).toBe('');
    expect(await axeViolations(admin.page, 'console deactivation dialog')).toEqual([]);
    // Nothing chosen: the dialog does not close.
    await dialog.getByRole('button', { name: 'Confier et désactiver' }).click();
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Qui reprend ce travail ?').selectOption({ label: 'Le moins chargé de son équipe' });
    await dialog.getByRole('button', { name: 'Confier et désactiver' }).click();
    await expect.poll(async () => (await ctx.models.agents.findById(julien!._id).lean())!.active, { timeout: 10_000 }).toBe(false);
    expect(await ctx.models.tickets.countDocuments({ assigneeId: julien!._id, status: { $ne: 'closed' } })).toBe(0);
    expect(await ctx.models.citizens.countDocuments({ recurringAgentId: julien!._id })).toBe(0);
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('désactivé');
    expect(await row.getAttribute('class')).toContain('inactive');
    expect(admin.errors).toEqual([]);
  });

  it('lays the console out on a 1280×720 window: eight requests or more, the whole composer, the thread at its newest', async () => {
    const camille = await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean();
    let last = '';
    for (let i = 0; i < 12; i++) {
      const r = await ctx.services.ingestInbound({ channel: 'sms', externalId: `SM${String(i).padStart(30, '0')}lt`, from: { address: `+336222222${String(i).padStart(2, '0')}` }, text: `Demande de test ${i}`, threadHints: {}, attachments: [], receivedAt: new Date() });
      await ctx.services.citizens.setRecurringAgent({ kind: 'system' }, r.citizenId, String(camille!._id), 'test');
      last = r.ticketId;
    }
    // A long thread, read up to its tenth message: the two after it are new.
    for (let i = 0; i < 11; i++) await ctx.services.ingestInbound({ channel: 'sms', externalId: `SM${String(i).padStart(30, '0')}th`, from: { address: '+33622222211' }, text: `Message ${i} du fil, assez long pour prendre de la place dans la liste des messages.`, threadHints: {}, attachments: [], receivedAt: new Date() });
    await ctx.models.tickets.updateOne({ _id: last }, { $set: { unreadCount: 2 } });

    const { page, errors } = await logIn('camille@mairie.test');
    expect(page.viewportSize()).toEqual({ width: 1280, height: 720 });
    const rows = page.locator('ul.tickets button.ticket');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(12);
    // After login the focus is on the first request; Alt+↓ opens the next, Alt+R goes to the reply, Alt+N to the note.
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('ticket'))).toBe(true);
    const firstId = await rows.first().getAttribute('data-id');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.id)).toBe(firstId);
    // Nothing open yet: the first Alt+↓ opens the first request, the next one the second.
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => page.locator('button.ticket[aria-current="true"]').getAttribute('data-id'), { timeout: 10_000 }).toBe(firstId);
    await page.keyboard.press('Alt+ArrowDown');
    const secondId = await rows.nth(1).getAttribute('data-id');
    await expect.poll(() => page.locator('button.ticket[aria-current="true"]').getAttribute('data-id'), { timeout: 10_000 }).toBe(secondId);
    // Opened: its heading takes the focus (then the shortcuts move it).
    const secondReference = ((await rows.nth(1).locator('.meta').textContent()) ?? '').split(' · ')[0]!;
    await expect.poll(() => page.evaluate(() => document.activeElement?.id === 'thread-title' ? document.activeElement.textContent : null), { timeout: 10_000 }).toContain(secondReference);
    await page.keyboard.press('Alt+r');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('reply-text');
    await page.keyboard.press('Alt+n');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('note-text');
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => page.locator('button.ticket[aria-current="true"]').getAttribute('data-id'), { timeout: 10_000 }).toBe(firstId);
    await page.getByText('Raccourcis clavier').click();
    expect(await page.locator('details.shortcuts').textContent()).toContain('Alt + flèche bas : demande suivante');
    await page.getByText('Raccourcis clavier').click();
    const fullyVisible = await rows.evaluateAll((buttons) => buttons.filter((b) => {
      const box = b.getBoundingClientRect();
      const list = b.closest('.inbox')!.getBoundingClientRect();
      return box.top >= list.top && box.bottom <= Math.min(list.bottom, window.innerHeight);
    }).length);
    expect(fullyVisible).toBeGreaterThanOrEqual(8);

    await page.getByRole('button', { name: /06 22 22 22 11/ }).click();
    await expect.poll(() => page.locator('.messages > li').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(12);
    const inView = (selector: string) => page.locator(selector).evaluate((el) => {
      const box = el.getBoundingClientRect();
      const scroller = el.closest('.thread')?.getBoundingClientRect() ?? { top: 0, bottom: window.innerHeight };
      return box.top >= Math.max(0, scroller.top) - 1 && box.bottom <= Math.min(window.innerHeight, scroller.bottom) + 1;
    });
    // The whole composer is on screen, and the thread shows the « nouveaux messages » mark.
    for (const name of ['Envoyer la réponse', 'Ajouter la note']) expect(await inView(`button:text-is("${name}")`), name).toBe(true);
    expect(await inView('#reply-text')).toBe(true);
    await expect.poll(() => inView('.messages > li.new-marker')).toBe(true);
    expect(await page.locator('.messages > li.new-marker').textContent()).toBe('Nouveaux messages');
    expect(await page.locator('#ticket-deadline').textContent()).toMatch(/^Réponse attendue au plus tard le \d\d\/\d\d\/\d{4} \d\d:\d\d \(.*min ouvrées restantes\)\.$/);

    // A note just added is in view at the end of the thread.
    await page.getByRole('textbox', { name: 'Note interne (jamais envoyée)' }).fill('Note visible en bas du fil');
    await page.getByRole('button', { name: 'Ajouter la note' }).click();
    await expect.poll(() => page.locator('.messages > li.note').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => inView('.messages > li.note')).toBe(true);
    // The message saying it was added covers no field.
    await expect.poll(() => page.locator('#status').textContent()).not.toBe('');
    const overlaps = await page.evaluate(() => {
      const notice = document.getElementById('status')!.getBoundingClientRect();
      // The part of each field the window shows (its panels scroll): none of it under the message.
      return [...document.querySelectorAll('main input, main textarea, main select, main button')].filter((field) => {
        let { top, bottom, left, right } = field.getBoundingClientRect();
        for (let up = field.parentElement; up; up = up.parentElement) {
          if (getComputedStyle(up).overflowY === 'visible') continue;
          const view = up.getBoundingClientRect();
          top = Math.max(top, view.top); bottom = Math.min(bottom, view.bottom);
        }
        return right > left && bottom > top && left < notice.right && right > notice.left && top < notice.bottom && bottom > notice.top;
      }).length;
    });
    expect(overlaps).toBe(0);

    // The canned-answer list opens above the text, inside the window.
    await ctx.services.cannedAnswers.create({ kind: 'system' }, { title: 'Horaires de la mairie', body: 'Nous sommes ouverts de 9 h à 17 h.' });
    await page.reload();
    await page.getByRole('button', { name: /06 22 22 22 11/ }).click();
    await page.locator('#reply-text').focus();
    await page.keyboard.type('/hor');
    await expect.poll(() => page.getByRole('option', { name: 'Horaires de la mairie' }).count()).toBe(1);
    expect(await page.locator('#canned-list').evaluate((el) => { const b = el.getBoundingClientRect(); return b.top >= 0 && b.bottom <= window.innerHeight; })).toBe(true);
    expect(errors).toEqual([]);
  });
});

