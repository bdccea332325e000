// Sessions end when access changes: a password reset or change, a deactivation or a new role refuses
// every older token (401) and closes its sockets; reactivation brings none back. And events about a
// ticket reach only sockets allowed to open it: a team hears of its unassigned tickets only with
// TEAM_VISIBILITY, which the console follows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTeam, AGENT_PASSWORD, inbound, testApp } from '../helpers/context.js';
import { request } from '../helpers/http.js';
import { collect, connect, connected, emitAck, refused, until } from '../helpers/sockets.js';

type App = Awaited<ReturnType<typeof testApp>>;
const apps: App[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});
async function start(env: Record<string, string> = {}) {
  const ctx = await testApp({ env });
  apps.push(ctx);
  return { ctx, base: await ctx.listen() };
}
const me = (base: string, token: string) => request(base, 'GET', '/api/me', { headers: { authorization: `Bearer ${token}` } });

describe('sessions outlive no change of access', () => {
  let ctx: App;
  let base: string;
  let ids: string[];
  let adminToken: string;
  beforeAll(async () => {
    ({ ctx, base } = await start());
    ids = await addTeam(ctx, [
      { name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' },
      { name: 'Alice Admin', email: 'admin@mairie.test', role: 'admin' },
    ]);
    adminToken = (await ctx.services.agents.login('admin@mairie.test', AGENT_PASSWORD)).token;
  });
  const admin = (method: string, path: string, body: unknown) =>
    request(base, method, path, { headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('refuses tokens issued before an admin reset, and closes their sockets', async () => {
    const before = (await ctx.services.agents.login('camille@mairie.test', AGENT_PASSWORD)).token;
    const socket = connect(`${base}/agents`, { token: before });
    await connected(socket);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect((await admin('POST', `/api/agents/${ids[0]}/password`, { password: 'nouveau-mot-de-passe-1' })).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    const refusedAnswer = await me(base, before);
    expect(refusedAnswer.status).toBe(401);
    expect(refusedAnswer.json.error.message).toContain('reconnectez-vous');
    await expect(refused(connect(`${base}/agents`, { token: before }))).resolves.toBeInstanceOf(Error);
    // The new password opens a new session.
    expect((await me(base, (await ctx.services.agents.login('camille@mairie.test', 'nouveau-mot-de-passe-1')).token)).status).toBe(200);
  });

  it('refuses older tokens after the agent changes their own password, the one that changed it included', async () => {
    const other = (await ctx.services.agents.login('camille@mairie.test', 'nouveau-mot-de-passe-1')).token;
    const own = (await ctx.services.agents.login('camille@mairie.test', 'nouveau-mot-de-passe-1')).token;
    const changed = await request(base, 'POST', `/api/agents/${ids[0]}/password`, {
      headers: { authorization: `Bearer ${own}`, 'content-type': 'application/json' }, body: JSON.stringify({ password: 'nouveau-mot-de-passe-2', currentPassword: 'nouveau-mot-de-passe-1' }),
    });
    expect(changed.status).toBe(204);
    expect((await me(base, other)).status).toBe(401);
    expect((await me(base, own)).status).toBe(401);
  });

  it('refuses tokens after a deactivation, and a reactivation does not bring them back', async () => {
    const before = (await ctx.services.agents.login('camille@mairie.test', 'nouveau-mot-de-passe-2')).token;
    expect((await admin('PATCH', `/api/agents/${ids[0]}`, { active: false })).status).toBe(200);
    expect((await me(base, before)).status).toBe(401);
    // Logging in again says why, to whoever knows the password only; a wrong one says nothing more.
    const closed = await request(base, 'POST', '/api/auth/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'camille@mairie.test', password: 'nouveau-mot-de-passe-2' }) });
    expect(closed.status).toBe(401);
    expect(closed.json.error).toMatchObject({ code: 'account_deactivated', message: 'Ce compte a été désactivé : adressez-vous à l’administrateur de votre service.' });
    const guessed = await request(base, 'POST', '/api/auth/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'camille@mairie.test', password: 'pas-le-bon-mot-de-passe' }) });
    expect(guessed.json.error.code).toBe('unauthorized');
    expect((await admin('PATCH', `/api/agents/${ids[0]}`, { active: true })).status).toBe(200);
    expect((await me(base, before)).status).toBe(401);
    expect((await me(base, (await ctx.services.agents.login('camille@mairie.test', 'nouveau-mot-de-passe-2')).token)).status).toBe(200);
  });

  it('refuses tokens issued before a change of role', async () => {
    const before = (await ctx.services.agents.login('camille@mairie.test', 'nouveau-mot-de-passe-2')).token;
    expect((await admin('PATCH', `/api/agents/${ids[0]}`, { role: 'manager' })).status).toBe(200);
    expect((await me(base, before)).status).toBe(401);
    // A change of name or phone leaves sessions alone.
    const after = (await ctx.services.agents.login('camille@mairie.test', 'nouveau-mot-de-passe-2')).token;
    expect((await admin('PATCH', `/api/agents/${ids[0]}`, { phone: '06 12 34 56 78' })).status).toBe(200);
    expect((await me(base, after)).status).toBe(200);
  });
});

describe('team rooms follow TEAM_VISIBILITY', () => {
  /** A team whose only agent is away: a new citizen's ticket stays with the team, unassigned. */
  async function teamWithNobodyAvailable(env: Record<string, string>) {
    const { ctx, base } = await start(env);
    const [paul] = await addTeam(ctx, [
      { name: 'Paul Girard', email: 'paul@mairie.test', role: 'agent' },
      { name: 'Nadia Lefèvre', email: 'nadia@mairie.test', role: 'manager' },
    ]);
    await ctx.services.agents.setAvailability({ kind: 'system' }, paul!, { availability: 'away' });
    // A keyword rule routes « adresse » to the team (Paul's, the only one).
    const team = (await ctx.models.teams.findOne().lean())!;
    await ctx.services.automation.update({ kind: 'system' }, { categoryRules: [{ keywords: ['adresse'], category: 'état civil', teamId: String(team._id) }] });
    const token = async (email: string) => (await ctx.services.agents.login(email, AGENT_PASSWORD)).token;
    const agent = connect(`${base}/agents`, { token: await token('paul@mairie.test') });
    const manager = connect(`${base}/agents`, { token: await token('nadia@mairie.test') });
    await Promise.all([connected(agent), connected(manager)]);
    const heard = { agent: collect(agent, 'ticket:created'), agentMessages: collect(agent, 'message:created'), manager: collect(manager, 'ticket:created'), managerMessages: collect(manager, 'message:created') };
    const first = await ctx.services.ingestInbound(inbound({ from: { address: '+33622334455' }, text: 'Mon adresse est 3 rue des Lilas' }));
    await until(() => heard.manager.length > 0, 30_000, 'the manager hears of the ticket');
    return { ctx, base, agent, first, heard, agentToken: await token('paul@mairie.test'), close: () => (agent.close(), manager.close()) };
  }

  it('off: the team’s agents hear nothing of a ticket they may not open', async () => {
    const setUp = await teamWithNobodyAvailable({ TEAM_VISIBILITY: 'false' });
    const ticket = (await setUp.ctx.models.tickets.findById(setUp.first.ticketId).lean())!;
    expect(ticket.assigneeId).toBeNull();
    expect(ticket.teamId).not.toBeNull();
    // The manager heard of it; a second message later, still nothing for the agent (nor its preview).
    await setUp.ctx.services.ingestInbound(inbound({ from: { address: '+33622334455' }, text: 'Et mon code est 4512' }));
    await until(() => setUp.heard.managerMessages.length === 2, 30_000, 'the manager hears of the second message');
    // Each event goes to every socket of its audience at once, in order: a round trip on the agent's
    // socket, begun after the manager heard, comes back after anything that was sent to the agent.
    await emitAck(setUp.agent, 'ticket:unwatch', String(ticket._id));
    expect(setUp.heard.agent).toEqual([]);
    expect(setUp.heard.agentMessages).toEqual([]);
    expect((await request(setUp.base, 'GET', `/api/tickets/${ticket._id}`, { headers: { authorization: `Bearer ${setUp.agentToken}` } })).status).toBe(404);
    expect((await me(setUp.base, setUp.agentToken)).json.workspace).toEqual({ teamVisibility: false, browserCalls: false });
    setUp.close();
  });

  it('on: the team’s agents hear of it and may open it, and the console is told', async () => {
    const setUp = await teamWithNobodyAvailable({ TEAM_VISIBILITY: 'true' });
    await until(() => setUp.heard.agent.length > 0, 30_000, 'the team hears of the ticket');
    expect(setUp.heard.agent[0]).toMatchObject({ ticketId: setUp.first.ticketId, assigneeId: null });
    expect((await request(setUp.base, 'GET', `/api/tickets/${setUp.first.ticketId}`, { headers: { authorization: `Bearer ${setUp.agentToken}` } })).status).toBe(200);
    expect((await me(setUp.base, setUp.agentToken)).json.workspace).toEqual({ teamVisibility: true, browserCalls: false });
    setUp.close();
  });
});
