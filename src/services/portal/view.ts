// A request as its citizen sees it on the portal: public messages, documents asked, the call-back, the rating.
import { slotLabel } from '../../domain/callbackSlots.js';
import { checklistView } from '../documents.js';
import { agentsStore } from '../../store/repositories/agents.js';
import { citizensStore } from '../../store/repositories/citizens.js';
import { messagesStore } from '../../store/repositories/messages.js';
import { type TicketDoc } from '../../store/models/ticket.js';
import { type PortalContext, resolve, maskPhone } from './context.js';

export async function view(ctx: PortalContext, token: string) {
  return viewOf(ctx, await resolve(ctx, token));
}

/** The request as its citizen sees it, however they came (a portal link, their space). */
export async function viewOf(ctx: PortalContext, ticket: TicketDoc) {
  const agents = agentsStore(ctx.models);
  const [agent, entries, citizen] = await Promise.all([
    agents.byId(ticket.assigneeId),
    messagesStore(ctx.models).publicThread(ticket._id),
    citizensStore(ctx.models).identitiesListed(ticket.citizenId),
  ]);
  // A call-back shows once it has reached (or tried to reach) the citizen, not its steps on our side.
  // The citizen's own calls show; a call-back shows once it reached (or tried to reach) the citizen.
  const messages = entries.filter((m) => m.kind !== 'verification' && (m.kind !== 'call' || m.direction === 'in' || ['answered', 'no_answer', 'busy'].includes(m.dial?.state ?? '')));
  const phone = citizen?.identities.find((i) => i.kind === 'phone')?.value ?? null;
  const open = ticket.status !== 'closed';
  const authors = await agents.namesOf(messages.map((m) => m.authorId));
  const firstName = new Map([...authors].map(([id, name]) => [id, name.split(/\s+/)[0] ?? '']));
  const running = ticket.sla && !ticket.sla.pausedAt ? ticket.sla.dueAt : null;
  return {
    serviceName: ctx.serviceName ?? null,
    reference: ticket.reference,
    status: ticket.status,
    agentFirstName: agent?.name.split(/\s+/)[0] ?? null,
    expectedBy: running ? running.toISOString() : null,
    messages: messages.map((m) => ({
      id: String(m._id),
      direction: m.direction as 'in' | 'out',
      channel: m.channel,
      // The citizen's own link where the stored copy holds a placeholder; their messages dated as they sent them.
      text: ctx.sentTexts.forShowing(m, m.text),
      createdAt: (m.direction === 'in' ? m.receivedAt : (m.createdAt ?? m.receivedAt)).toISOString(),
      author: m.direction === 'out' ? (m.authorId ? (firstName.get(String(m.authorId)) ?? null) : null) : null,
      files: m.attachments.filter((a) => a.ref.startsWith('attachment:')).map((a) => ({ filename: a.filename ?? '', size: a.size })),
    })),
    documents: checklistView(ticket),
    maxFileBytes: ctx.documents.maxBytes,
    /** Asked once the request is resolved; the first answer is kept. */
    satisfaction: {
      asked: !!ctx.satisfactionEnabled && (!!ticket.surveyAskedAt || ticket.status === 'resolved' || ticket.status === 'closed'),
      score: ticket.satisfaction?.score ?? null,
    },
    callback: ticket.callback ? { slot: ticket.callback.slot, label: slotLabel(ticket.callback.slot) } : null,
    callbackSlots: open && ctx.callbackSlots ? ctx.callbackSlots() : [],
    /** The known number, masked: the citizen may keep it or give another. */
    callbackPhone: phone ? maskPhone(phone) : null,
  };
}
