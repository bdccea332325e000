// The agents' work on tickets: the inbox, a thread, replies on any of the citizen's channels, internal
// notes, status, category and priority, and a manager's reassignment; every change audited and pushed.
// One use case per file beside this one; the service binds them to their dependencies.
import { addAttachment, attachment } from './attachments.js';
import { sendAutomatic } from './automatic.js';
import { systemUpdate, systemView } from './backoffice.js';
import { loadVisible, type TicketContext } from './context.js';
import { detail } from './detail.js';
import { history } from './history.js';
import { inbox } from './inbox.js';
import { backfillInboxOrder, backfillSatisfiedAt } from './migrations.js';
import { note } from './note.js';
import { renderCannedFor, reply, replyChannels } from './reply.js';
import { requestDocuments } from './requestDocuments.js';
import { assign, setStatusAsSystem, update } from './status.js';
import { isAtRisk } from './summaries.js';

export type { InboxQuery } from './inbox.js';

type Rest<F> = F extends (ctx: TicketContext, ...args: infer A) => infer R ? (...args: A) => R : never;
const bind = <F extends (ctx: TicketContext, ...args: never[]) => unknown>(ctx: TicketContext, use: F) => ((...args: never[]) => use(ctx, ...args)) as Rest<F>;

export function createTicketService(deps: TicketContext) {
  const ctx = deps;
  return {
    isAtRisk: bind(ctx, isAtRisk),
    backfillSatisfiedAt: bind(ctx, backfillSatisfiedAt),
    backfillInboxOrder: bind(ctx, backfillInboxOrder),
    inbox: bind(ctx, inbox),
    detail: bind(ctx, detail),
    replyChannels: bind(ctx, replyChannels),
    addAttachment: bind(ctx, addAttachment),
    attachment: bind(ctx, attachment),
    reply: bind(ctx, reply),
    systemView: bind(ctx, systemView),
    systemUpdate: bind(ctx, systemUpdate),
    requestDocuments: bind(ctx, requestDocuments),
    note: bind(ctx, note),
    update: bind(ctx, update),
    assign: bind(ctx, assign),
    renderCannedFor: bind(ctx, renderCannedFor),
    loadVisible: bind(ctx, loadVisible),
    history: bind(ctx, history),
    setStatusAsSystem: bind(ctx, setStatusAsSystem),
    sendAutomatic: bind(ctx, sendAutomatic),
  };
}
export type TicketService = ReturnType<typeof createTicketService>;
