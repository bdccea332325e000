// The inbox: an agent's own tickets (theirs and those they cover), their team's or the unassigned ones
// (with team visibility), or all (managers); filtered, searched, by the answer due first, paged by cursor.
import { Types } from 'mongoose';
import { Forbidden, Invalid, NotFound } from '../../domain/errors.js';
import type { TicketStatus } from '../../domain/ticket.js';
import { inboxStore, type InboxWhere } from '../../store/repositories/inbox.js';
import { searchedIdentities } from '../../domain/identity.js';
import type { Principal } from '../tokens.js';
import { agentsAround, type TicketContext } from './context.js';
import { summaries } from './summaries.js';

export interface InboxQuery {
  scope: 'mine' | 'team' | 'unassigned' | 'all';
  status?: TicketStatus[];
  channel?: string;
  category?: string;
  atRisk?: boolean;
  q?: string;
  cursor?: string;
  limit: number;
}

const encodeCursor = (due: Date | null, id: Types.ObjectId) => Buffer.from(JSON.stringify([due?.toISOString() ?? null, String(id)])).toString('base64url');
function decodeCursor(cursor: string): { due: Date | null; id: Types.ObjectId } {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (!Array.isArray(decoded) || decoded.length !== 2) throw new Error();
    const [due, id] = decoded as unknown[];
    // Only what encodeCursor writes: an ISO date or null, and an id (never an object that could carry an operator).
    if (typeof id !== 'string' || !/^[0-9a-f]{24}$/.test(id)) throw new Error();
    if (due !== null && (typeof due !== 'string' || Number.isNaN(Date.parse(due)))) throw new Error();
    return { due: due === null ? null : new Date(due as string), id: new Types.ObjectId(id) };
  } catch {
    throw new Invalid('ticket.cursor_invalid');
  }
}

export async function inbox(ctx: TicketContext, principal: Principal, query: InboxQuery) {
  const where: InboxWhere = {};
  const { me, handled, names } = await agentsAround(ctx, principal.agentId);
  if (!me) throw new NotFound('agent.not_found');
  if (query.scope === 'all') {
    if (principal.role === 'agent') throw new Forbidden('ticket.scope_all_managers');
  } else if (query.scope === 'unassigned') {
    // Waiting for someone: the agent's team's (with team visibility), every one for managers.
    if (principal.role === 'agent' && !ctx.settings.teamVisibility) throw new Forbidden('ticket.team_visibility_off');
    where.assignees = null;
    if (principal.role === 'agent') where.teamId = me.teamId ?? null;
  } else if (query.scope === 'team') {
    if (principal.role === 'agent' && !ctx.settings.teamVisibility) throw new Forbidden('ticket.team_visibility_off');
    where.teamId = me.teamId ?? null;
  } else {
    where.assignees = handled;
  }
  const search = query.q?.trim().slice(0, 100) || undefined;
  Object.assign(where, { statuses: query.status, channel: query.channel, category: query.category, search, identityKeys: search ? searchedIdentities(search, ctx.settings.phoneRegion ?? 'FR') : [] });
  if (query.atRisk) where.atRiskAt = ctx.now();
  // The answer due first comes first; tickets awaiting nothing after them.
  if (query.cursor) where.after = decodeCursor(query.cursor);
  const tickets = await inboxStore(ctx.models).page(where, query.limit + 1);
  const page = tickets.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: await summaries(ctx, page, names),
    nextCursor: tickets.length > query.limit && last ? encodeCursor(last.inboxOrder ?? null, last._id) : null,
  };
}
