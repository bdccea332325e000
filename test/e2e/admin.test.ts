// An administration sets itself up from the console: an admin creates a team and an agent, changes the
// agent's role and team, resets their password and deactivates them (their open session ends); a
// manager adds a canned answer the agents then use; the admin saves the automation. In French, checked
// by axe-core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserFixture, logInToConsole } from '../helpers/browser.js';
import { connect, connected } from '../helpers/sockets.js';

let fixture: Awaited<ReturnType<typeof browserFixture>>;
let ctx: typeof fixture.ctx;
let base: string;
let browser: typeof fixture.browser;

beforeAll(async () => {
  fixture = await browserFixture({ agents: [{ name: 'Alice Admin', email: 'admin@mairie.test', role: 'admin' }] });
  ({ ctx, base, browser } = fixture);
}, 60_000);
afterAll(() => fixture?.close());

const logIn = (email: string) => logInToConsole(browser, base, email);

describe('administration from the console', () => {
  it('creates a team and an agent, changes role and team, resets the password and deactivates them', async () => {
    const { page, errors } = await logIn('admin@mairie.test');
    await page.getByRole('button', { name: 'Équipes et agents' }).click();
    await page.getByLabel('Nom de l’équipe').fill('État civil');
    await page.getByRole('button', { name: 'Créer l’équipe' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toBe('Équipe créée.');
    await expect.poll(() => page.locator('.admin-list').first().textContent()).toContain('État civil');

    await page.getByLabel('Nom', { exact: true }).fill('Hugo Lambert');
    await page.getByLabel('Adresse e-mail', { exact: true }).last().fill('hugo@mairie.test');
    await page.getByLabel('Mot de passe provisoire (10 caractères au moins)').fill('provisoire-2026');
    await page.locator('#agent-team').selectOption({ label: 'État civil' });
    await page.getByRole('button', { name: 'Créer l’agent' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toBe('Agent créé.');
    const team = await ctx.models.teams.findOne({ name: 'État civil' }).lean();
    await expect.poll(async () => (await ctx.models.agents.findOne({ email: 'hugo@mairie.test' }).lean())?.teamId?.toString()).toBe(String(team!._id));
    expect(await axeViolations(page, 'console administration')).toEqual([]);

    // Hugo is connected when the admin makes him a manager: his session ends at once.
    const hugoToken = (await ctx.services.agents.login('hugo@mairie.test', 'provisoire-2026')).token;
    const hugo = connect(`${base}/agents`, { token: hugoToken });
    await connected(hugo);
    const hugoGone = new Promise<string>((resolve) => hugo.once('disconnect', resolve));
    await page.getByLabel('Rôle de Hugo Lambert').selectOption({ label: 'responsable' });
    // Asked first: a new role ends his sessions.
    await page.getByRole('dialog', { name: 'Changer le rôle de Hugo Lambert' }).getByRole('button', { name: 'Changer le rôle' }).click();
    expect(await hugoGone).toBe('io server disconnect');
    await expect.poll(async () => (await ctx.models.agents.findOne({ email: 'hugo@mairie.test' }).lean())?.role).toBe('manager');

    await page.getByLabel('Nouveau mot de passe de Hugo Lambert').fill('nouveau-mot-2026');
    await page.getByRole('row', { name: /Hugo Lambert/ }).getByRole('button', { name: 'Réinitialiser' }).click();
    await expect.poll(async () => (await page.locator('#status, #alert').allTextContents()).join(' | '), { timeout: 10_000 }).toContain('Mot de passe réinitialisé.');
    await expect(ctx.services.agents.login('hugo@mairie.test', 'nouveau-mot-2026')).resolves.toBeTruthy();

    await page.getByRole('row', { name: /Hugo Lambert/ }).getByRole('button', { name: 'Désactiver' }).click();
    await expect.poll(async () => (await ctx.models.agents.findOne({ email: 'hugo@mairie.test' }).lean())?.active).toBe(false);
    await expect.poll(() => page.getByRole('row', { name: /Hugo Lambert/ }).textContent()).toContain('désactivé');
    expect(errors).toEqual([]);
  });

  it('lets a manager add a canned answer and the admin save the automation', async () => {
    const { page, errors } = await logIn('admin@mairie.test');
    await page.getByRole('button', { name: 'Réponses types' }).click();
    await page.getByLabel('Titre').fill('Pièces à fournir');
    await page.locator('#canned-body').fill('Bonjour {{citizen.firstName}}, merci de nous envoyer un justificatif de domicile.');
    await page.getByRole('button', { name: 'Ajouter la réponse type' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toBe('Réponse type ajoutée.');
    expect(await ctx.models.cannedAnswers.countDocuments({ title: 'Pièces à fournir' })).toBe(1);
    expect(await axeViolations(page, 'console canned answers')).toEqual([]);

    await page.getByRole('button', { name: 'Automatisation' }).click();
    await page.getByLabel('Relancer l’usager après (jours sans réponse de sa part)').fill('5');
    // The default texts are shown beside the empty fields.
    expect(await page.locator('#auto-ack-sms-default').textContent()).toMatch(/^Laissé vide, le texte envoyé est : « Bonjour, votre demande est enregistrée sous la référence \{\{ticket\.reference\}\}/);
    // A rule as a row: keywords, category and the team it goes to; the preview says where a message goes.
    await page.getByRole('button', { name: 'Ajouter une règle' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Mots-clés de la règle 1');
    await page.keyboard.type('permis, urbanisme');
    await page.getByLabel('Catégorie de la règle 1').fill('urbanisme');
    await page.getByLabel('Équipe de la règle 1').selectOption({ label: 'État civil' });
    await page.getByLabel('Essayer les règles sur un message').fill('Bonjour, où en est mon permis de construire ?');
    await expect.poll(() => page.locator('#rules-outcome').textContent()).toBe('Ce message serait classé « urbanisme » et irait à l’équipe État civil.');
    await page.getByLabel('Essayer les règles sur un message').fill('Bonjour, une question sur la cantine');
    await expect.poll(() => page.locator('#rules-outcome').textContent()).toMatch(/^Aucune règle ne s’applique : ce message irait à l’équipe par défaut/);
    // The phone menu: a first-time caller presses 1 for the civil status team.
    await page.getByRole('button', { name: 'Ajouter un choix' }).click();
    await page.getByLabel('Libellé du choix 1').fill('l’état civil');
    await page.getByLabel('Équipe du choix 1').selectOption({ label: 'État civil' });
    await page.getByRole('button', { name: 'Enregistrer l’automatisation' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toBe('Automatisation enregistrée.');
    const settings = await ctx.services.automation.get();
    expect(settings.voiceMenu).toEqual([{ key: '1', label: 'l’état civil', teamId: String((await ctx.models.teams.findOne({ name: 'État civil' }).lean())!._id) }]);
    const team = await ctx.models.teams.findOne({ name: 'État civil' }).lean();
    expect(settings).toMatchObject({ reminderAfterDays: 5, categoryRules: [{ keywords: ['permis', 'urbanisme'], category: 'urbanisme', teamId: String(team!._id) }] });
    expect(await axeViolations(page, 'console automation')).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('registers a webhook and an API key from the Intégrations page, shows their secrets once and the last error', async () => {
    const { page, errors } = await logIn('admin@mairie.test');
    await page.getByRole('button', { name: 'Intégrations' }).click();
    await page.getByLabel('Adresse (URL) du logiciel').fill('http://127.0.0.1:9/refuse');
    await page.getByLabel('Tous les événements').uncheck();
    await page.getByLabel('Demande créée').check();
    await page.getByLabel('Statut modifié').check();
    await page.getByRole('button', { name: 'Ajouter le webhook' }).click();
    await expect.poll(() => page.locator('#shown-once .secret').last().textContent(), { timeout: 10_000 }).toMatch(/^Secret de signature .* : whsec_[\w-]+$/);
    await expect.poll(() => page.locator('#webhooks').textContent()).toContain('Demande créée, Statut modifié');
    const endpoint = (await ctx.models.integrationEndpoints.findOne({ url: 'http://127.0.0.1:9/refuse' }).lean())!;
    expect(endpoint.events).toEqual(['ticket.created', 'ticket.status_changed']);

    // A request arrives; the endpoint refuses the connection: the page shows the error after a refresh.
    const { session } = await ctx.services.chat.start({ name: 'Inès' });
    await ctx.services.chat.send(session, { clientId: 'c1', text: 'Bonjour' });
    await expect.poll(async () => (await ctx.models.integrationEndpoints.findById(endpoint._id).lean())!.lastError, { timeout: 10_000 }).toBeTruthy();
    await page.getByRole('button', { name: 'Intégrations' }).click();
    await page.reload();
    await page.getByRole('button', { name: 'Intégrations' }).click();
    await expect.poll(() => page.locator('#webhooks').textContent(), { timeout: 10_000 }).toMatch(/dernière erreur .* : injoignable/); // never the socket's error
    expect(await page.locator('#webhooks').textContent()).toMatch(/1 en attente/);

    await page.getByLabel('Nom du logiciel').fill('Logiciel d’urbanisme');
    await page.getByLabel('Informer l’usager, clore').check();
    await page.getByRole('button', { name: 'Créer la clé' }).click();
    await expect.poll(() => page.locator('#shown-once .secret').last().textContent()).toMatch(/^Clé d’API \(affichée une seule fois\) : gru_[0-9a-f]{24}_[\w-]+$/);
    await expect.poll(() => page.locator('#api-keys').textContent()).toContain('Logiciel d’urbanisme — Lire les demandes, Informer l’usager, clore');
    expect(await axeViolations(page, 'console integrations')).toEqual([]);

    await page.getByRole('button', { name: 'Révoquer la clé Logiciel d’urbanisme' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Clé révoquée.');
    await page.getByRole('button', { name: 'Supprimer le webhook http://127.0.0.1:9/refuse' }).click();
    await expect.poll(() => page.locator('#webhooks').textContent()).toBe('Aucun webhook.');
    // A webhook's secret and then a key: both stay shown until hidden.
    await page.getByLabel('Adresse (URL) du logiciel').fill('http://127.0.0.1:9/deuxieme');
    await page.getByRole('button', { name: 'Ajouter le webhook' }).click();
    await expect.poll(() => page.locator('#shown-once .secret').last().textContent(), { timeout: 10_000 }).toMatch(/^Secret de signature/);
    await page.getByLabel('Nom du logiciel').fill('Logiciel de l’état civil');
    await page.getByRole('button', { name: 'Créer la clé' }).click();
    await expect.poll(() => page.locator('#shown-once .secret').last().textContent(), { timeout: 10_000 }).toMatch(/^Clé d’API/);
    const shown = await page.locator('#shown-once .secret').allTextContents();
    expect(shown.at(-2)).toMatch(/^Secret de signature .* : whsec_/);
    await page.locator('#shown-once li').last().getByRole('button', { name: 'Masquer' }).click();
    expect(await page.locator('#shown-once .secret').last().textContent()).toMatch(/^Secret de signature/);
    expect(await ctx.models.integrationDeliveries.countDocuments({ endpointId: endpoint._id, status: 'pending' })).toBe(0);
    expect(errors).toEqual([]);
  });
});
