// What the service holds about a citizen, as one record (RGPD right of access): their identities,
// every request with its messages (notes of the agents included: they are about the citizen), the
// documents asked and sent, call-backs and ratings. The citizen's space and the managers' export give
// the same record, readable (src/domain/citizenRecord.ts renders it) or as JSON for machines.
import type { Types } from 'mongoose';
import type { Models } from '../store/index.js';
import { agentsStore } from '../store/repositories/agents.js';
import { citizensStore } from '../store/repositories/citizens.js';
import { citizenSpaceStore } from '../store/repositories/citizenSpace.js';
import type { CitizenRecord } from '../domain/citizenRecord.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export async function citizenRecord(models: Models, citizenId: Types.ObjectId, at: Date, serviceName: string): Promise<CitizenRecord> {
  const store = citizensStore(models);
  const [citizen, held, franceConnect] = await Promise.all([store.read(citizenId), store.heldAbout(citizenId), citizenSpaceStore(models).linkOfCitizen(citizenId)]);
  const agents = await agentsStore(models).namesOf([citizen?.recurringAgentId, ...held.messages.map((m) => m.authorId)].filter(Boolean).map(String));
  const byTicket = new Map<string, typeof held.messages>();
  for (const m of held.messages) byTicket.set(String(m.ticketId), [...(byTicket.get(String(m.ticketId)) ?? []), m]);
  return {
    exportedAt: at.toISOString(),
    service: serviceName,
    citizen: {
      name: citizen?.name ?? null,
      identities: held.identities.map((i) => ({ kind: i.kind, value: i.value, smsRefused: !!i.smsOptOutAt })),
      usualAgent: citizen?.recurringAgentId ? (agents.get(String(citizen.recurringAgentId)) ?? null) : null,
      franceConnect: franceConnect ? { linkedAt: franceConnect.linkedAt.toISOString() } : null,
      erasureRequest: citizen?.erasureRequest ? { at: citizen.erasureRequest.at.toISOString(), dueBy: citizen.erasureRequest.dueBy.toISOString() } : null,
    },
    requests: held.tickets
      .sort((a, b) => (a.openedAt ?? a.lastMessageAt).getTime() - (b.openedAt ?? b.lastMessageAt).getTime())
      .map((t) => ({
        reference: t.reference,
        status: t.status,
        subject: t.subject ?? '',
        category: t.category ?? null,
        channel: t.channel,
        openedAt: iso(t.openedAt ?? t.lastMessageAt)!,
        closedAt: iso(t.closedAt),
        messages: (byTicket.get(String(t._id)) ?? []).map((m) => ({
          at: (m.createdAt ?? m.receivedAt).toISOString(),
          direction: m.direction,
          kind: m.kind ?? 'message',
          channel: m.channel,
          author: m.authorId ? (agents.get(String(m.authorId)) ?? null) : null,
          text: m.text ?? '',
          files: m.attachments.map((a) => ({ filename: a.filename ?? '', size: a.size ?? 0 })),
        })),
        documents: (t.documents ?? []).map((d) => ({ label: d.label, requestedAt: d.requestedAt.toISOString(), providedAt: iso(d.providedAt) })),
        callback: t.callback ? { slot: t.callback.slot, phone: t.callback.phone } : null,
        satisfaction: t.satisfaction ? { score: t.satisfaction.score, comment: t.satisfaction.comment ?? null, at: t.satisfaction.at.toISOString() } : null,
      })),
  };
}
