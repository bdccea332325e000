// The agents' work on tickets: the inbox, a thread, replies on any of the citizen's channels, internal
// notes, status, category and priority, and a manager's reassignment; every change audited and pushed.
// One use case per file beside this one; the service binds them to their dependencies.
import { addAttachment, attachment } from './attachments.js';
import { sendAutomatic } from './automatic.js';
import { systemUpdate, systemView } from './backoffice.js';
import { loadVisible, ticketContext, type TicketDeps } from './context.js';
import { detail } from './detail.js';
import { history } from './history.js';
import { inbox } from './inbox.js';
import { backfillInboxOrder, backfillSatisfiedAt } from './migrations.js';
import { note } from './note.js';
import { renderCannedFor, reply, replyChannels } from './reply.js';
import { requestDocuments } from './requestDocuments.js';
import { assign, setStatusAsSystem } from './status.js';
import { update } from './edit.js';
import { isAtRisk } from './summaries.js';
import { bindAll } from '../bind.js';

export type { InboxQuery } from './inbox.js';

export function createTicketService(deps: TicketDeps) {
  return bindAll(ticketContext(deps), { isAtRisk, backfillSatisfiedAt, backfillInboxOrder, inbox, detail, replyChannels, addAttachment, attachment, reply, systemView, systemUpdate, requestDocuments, note, update, assign, renderCannedFor, loadVisible, history, setStatusAsSystem, sendAutomatic });
}
export type TicketService = ReturnType<typeof createTicketService>;
