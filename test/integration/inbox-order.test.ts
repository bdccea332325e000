// The inbox puts first the answer due first: a first response, or the next one once the citizen wrote
// again after an answer; tickets awaiting nothing (answered, pending) come after every running deadline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTeam, testApp } from '../helpers/context.js';

let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
let agentId: string;
let clock = new Date('2026-03-02T09:00:00+01:00'); // a Monday

beforeAll(async () => {
  ctx = await testApp({ now: () => clock });
  base = await ctx.listen();
  [agentId] = await addTeam(ctx, [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }]) as [string];
});
afterAll(() => ctx.close());

const at = (iso: string) => (clock = new Date(iso));
async function citizenWrites(name: string, text: string, session?: Awaited<ReturnType<typeof ctx.services.chat.start>>['session']) {
  const s = session ?? (await ctx.services.chat.start({ name })).session;
  const sent = await ctx.services.chat.send(s, { clientId: `c-${Math.random().toString(36).slice(2)}`, text });
  return { ticketId: sent.ticketId, session: s };
}
async function inbox() {
  const { token } = await ctx.services.agents.login('camille@mairie.test', 'password-123'); // valid at the test's clock
  const res = await fetch(`${base}/api/tickets?scope=mine`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { items: { id: string; responseDueAt: string | null; firstResponseDueAt: string | null }[] }).items;
}

describe('inbox order', () => {
  it('follows the deadline that runs now, and puts what awaits nothing last', async () => {
    const principal = { agentId, role: 'agent' as const };
    at('2026-03-02T09:00:00+01:00');
    const first = await citizenWrites('Anne', 'Première demande'); // due Wed 4 March 09:00
    at('2026-03-03T09:00:00+01:00');
    const second = await citizenWrites('Bruno', 'Deuxième demande'); // due Thu 5 March 09:00
    at('2026-03-03T10:00:00+01:00');
    const third = await citizenWrites('Chloé', 'Troisième demande');
    await ctx.services.tickets.reply(principal, third.ticketId, { text: 'Répondu' }); // nothing due

    // Anne is answered, then writes again on Wednesday: her next answer is due Friday, after Bruno's.
    await ctx.services.tickets.reply(principal, first.ticketId, { text: 'Réponse' });
    at('2026-03-04T09:00:00+01:00');
    await citizenWrites('Anne', 'Une précision', first.session);

    let items = await inbox();
    expect(items.map((t) => t.id)).toEqual([second.ticketId, first.ticketId, third.ticketId]);
    expect(items.map((t) => t.responseDueAt)).toEqual(['2026-03-05T08:00:00.000Z', '2026-03-06T08:00:00.000Z', null]);
    // The first-response deadline stays what it was (the statistics' reference).
    expect(items[1]!.firstResponseDueAt).toBe('2026-03-04T08:00:00.000Z');

    // Pending waits on the citizen: Bruno's clock pauses and his ticket leaves the top.
    await ctx.services.tickets.update(principal, second.ticketId, { status: 'pending' });
    items = await inbox();
    expect(items[0]!.id).toBe(first.ticketId);
    expect(items.find((t) => t.id === second.ticketId)!.responseDueAt).toBeNull();
  });
});
