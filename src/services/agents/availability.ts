// Away with a cover agent, or back: the cover gets the messages, the return gives them back.
import { Invalid, NotFound } from '../../domain/errors.js';
import { Types } from 'mongoose';
import { agentDirectory } from '../agentDirectory.js';
import type { Actor } from '../audit.js';
import { type AgentContext, type AgentView, toAgentView } from './context.js';

/** Away with a cover agent, or back: the cover gets the messages, the return gives them back. */
export async function setAvailability(ctx: AgentContext, actor: Actor, id: string, change: { availability?: 'available' | 'away'; coverAgentId?: string | null; until?: Date | null }): Promise<AgentView> {
  const before = await ctx.store.byId(id);
  if (!before) throw new NotFound('agent.not_found');
  const input = { ...change, availability: change.availability ?? before.availability };
  let coverAgentId: Types.ObjectId | null = null;
  if (input.availability === 'away' && input.coverAgentId) {
    if (input.coverAgentId === id) throw new Invalid('agent.cover_self');
    if (!(await ctx.store.isActive(input.coverAgentId))) {
      throw new NotFound('agent.cover_not_found');
    }
    coverAgentId = new Types.ObjectId(input.coverAgentId);
  }
  const after = await ctx.store.update(before._id, { availability: input.availability, coverAgentId, awayUntil: input.availability === 'away' ? (input.until ?? null) : null });
  agentDirectory(ctx.models).forget();
  await ctx.audit(actor, 'agent.availability.changed', { agentId: before._id }, {
    from: { availability: before.availability, coverAgentId: before.coverAgentId ? String(before.coverAgentId) : null },
    to: { availability: after!.availability, coverAgentId: coverAgentId ? String(coverAgentId) : null, until: input.until ?? null },
  });
  ctx.events?.emit('agent.availability', {
    agentId: String(before._id),
    teamId: before.teamId ? String(before.teamId) : null,
    availability: after!.availability,
    coverAgentId: coverAgentId ? String(coverAgentId) : null,
  });
  return toAgentView(after!);
}
