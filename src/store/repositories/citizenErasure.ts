// The stores' side of a citizen's erasure (src/services/erasure.ts says what is kept and why): every
// collection that holds their words, addresses, names or files, written by name, in one place.
import type { Types } from 'mongoose';
import type { Models } from '../index.js';
import type { CitizenDoc } from '../models/citizen.js';
import { attachmentIdOf } from '../models/mailbox.js';

/** What stands in for an erased text. */
export const ERASED_TEXT = '[effacé à la demande de l’usager]';

/** Erases the citizen's personal data, dated `at`; answers what the subscribers of `citizen.erased` need. */
export async function eraseCitizenData(models: Models, citizen: CitizenDoc, at: Date, text = ERASED_TEXT) {
  const [tickets, files, sessions] = await Promise.all([
    models.tickets.find({ citizenId: citizen._id }, { _id: 1, reference: 1, documents: 1, status: 1 }).lean(),
    models.messages.find({ citizenId: citizen._id, 'attachments.0': { $exists: true } }, { attachments: 1 }).lean(),
    models.chatSessions.find({ citizenId: citizen._id }, { _id: 1 }).lean(),
  ]);
  const ticketIds = tickets.map((t) => t._id);
  const addresses = citizen.identities.map((i) => i.value);
  const fileIds = files.flatMap((m) => m.attachments.map((a) => attachmentIdOf(a.ref))).filter((id): id is string => !!id);
  await models.identities.deleteMany({ citizenId: citizen._id });
  await models.portalLinks.deleteMany({ $or: [{ citizenId: citizen._id }, { ticketId: { $in: ticketIds } }] });
  await models.chatSessions.deleteMany({ citizenId: citizen._id });
  // « Mon espace »: their sessions, codes on their way and FranceConnect identity.
  await Promise.all([models.citizenSessions.deleteMany({ citizenId: citizen._id }), models.signInCodes.deleteMany({ citizenId: citizen._id }), models.franceConnectLinks.deleteMany({ citizenId: citizen._id })]);
  // Files of the thread: the citizen's and the agents' (uploads carry the ticket id).
  await models.attachments.deleteMany({ $or: [{ _id: { $in: fileIds } }, { ticketId: { $in: ticketIds } }] });
  const emails = citizen.identities.filter((i) => i.kind === 'email').map((i) => i.value);
  if (emails.length) await models.mailEvents.deleteMany({ from: { $in: emails } });
  await eraseMessages(models, citizen._id, text);
  const closed = await eraseTickets(models, citizen._id, tickets, at, text);
  await models.auditEvents.updateMany({ citizenId: citizen._id }, { $set: { data: { anonymised: true } } });
  // A citizen's own actions (STOP by SMS) name them by their address.
  await models.auditEvents.updateMany({ citizenId: citizen._id, 'actor.kind': 'citizen' }, { $set: { 'actor.id': null } });
  // The records merged into this one keep their name as a trace of the merge: erased too.
  await models.citizens.updateMany({ $or: [{ _id: citizen._id }, { mergedIntoId: citizen._id }] }, { $set: { name: null, identities: [], anonymisedAt: at, openTicketId: null } });
  return { tickets, sessions, addresses, closed };
}

async function eraseMessages(models: Models, citizenId: Types.ObjectId, text: string) {
  await models.messages.updateMany(
    { citizenId },
    {
      $set: {
        text, html: null, quotedText: null, subject: null, fromAddress: null, fromName: null, toAddress: null, statusReason: null,
        attachments: [], 'threadKeys.references': [], 'threadKeys.inReplyTo': null,
      },
    },
  );
  // A voicemail's words and a call-back's number are theirs too.
  await models.messages.updateMany({ citizenId, call: { $ne: null } }, { $set: { 'call.recordingUrl': null, 'call.recordingSid': null, 'call.segments': [] } });
  await models.messages.updateMany({ citizenId, callback: { $ne: null } }, { $set: { callback: null } });
  await models.messages.updateMany({ citizenId, dial: { $ne: null } }, { $set: { 'dial.agentPhone': null } });
}

type TicketRead = { _id: Types.ObjectId; status: string; documents?: { id: string; label: string }[] | null };
/** Their words leave the tickets; the open ones are closed (nobody is left to answer), deadlines stopped. Answers those closed. */
async function eraseTickets(models: Models, citizenId: Types.ObjectId, tickets: TicketRead[], at: Date, text: string) {
  await models.tickets.updateMany({ citizenId }, { $set: { subject: text, callback: null, lastFrom: { sms: null, email: null, chat: null } } });
  const open = tickets.filter((t) => t.status !== 'closed');
  await models.tickets.updateMany(
    { _id: { $in: open.map((t) => t._id) } },
    { $set: { status: 'closed', closedAt: at, sla: null, nextResponseDueAt: null, unreadCount: 0, pendingSince: null }, $inc: { version: 1 } },
  );
  // The score stays for the statistics; the comment was theirs.
  await models.tickets.updateMany({ citizenId, satisfaction: { $ne: null } }, { $set: { 'satisfaction.comment': null } });
  // "Pièces à fournir": agents wrote the labels, and they may name the citizen; whether each was provided stays.
  for (const ticket of tickets.filter((t) => t.documents?.length)) {
    const documents = ticket.documents!.map((d) => ({ ...d, label: text }));
    await models.tickets.updateOne({ _id: ticket._id }, { $set: { documents } });
  }
  return open;
}
