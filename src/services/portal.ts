// The citizen portal: a secret link per acknowledgement (random token, only its hash stored, revocable
// by a manager) to follow the request at any hour and add a message to the same thread.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { slotLabel } from '../domain/callbackSlots.js';
import { Invalid, NotFound, RateLimited } from '../domain/errors.js';
import { t } from '../i18n/catalogue.js';
import type { Limits } from './limits.js';
import type { Models } from '../store/index.js';
import type { TicketDoc } from '../store/models/ticket.js';
import type { Actor, Audit } from './audit.js';
import { checklistView, type DocumentService, type UploadedFile } from './documents.js';
import type { IngestInbound } from './ingest/index.js';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
/** "+33 6 •• •• •• 78": enough for the citizen to recognise their number, not to learn someone's. */
const maskPhone = (e164: string) => `${e164.slice(0, 3)}${'•'.repeat(Math.max(e164.length - 5, 0))}${e164.slice(-2)}`;

/**
 * What a stored message holds where the citizen's link goes: the token exists only in what is sent.
 * As long as a token and made of a GSM-7 character, so SMS segment counts hold for the sent text.
 */
export const PORTAL_TOKEN_PLACEHOLDER = '*'.repeat(32);

export function createPortalService(deps: {
  models: Models;
  limits: Limits;
  audit: Audit;
  ingestInbound: IngestInbound;
  now: () => Date;
  publicBaseUrl: string;
  secret: string;
  /** The half-days a citizen may choose for a call-back (none when call-backs are off). */
  callbackSlots?: () => { slot: string; label: string }[];
  documents: DocumentService;
  satisfactionEnabled?: boolean;
}) {
  const { models, audit, now } = deps;
  // Counted before a body is read, so refused tries count too: a burst of 10 lets a citizen retry a refused file.
  const posts = deps.limits.bucket('portal-link', 10, 10 / 60);
  const linkKey = createHmac('sha256', deps.secret).update('gru portal links').digest();
  const redacted = `${deps.publicBaseUrl}/portal/${PORTAL_TOKEN_PLACEHOLDER}`;

  /** The token a message's link carries: derived from its id, so a resend carries the same one. */
  const tokenOf = (message: { _id: unknown }) => createHmac('sha256', linkKey).update(String(message._id)).digest('base64url').slice(0, 32);

  /** The ticket behind a token; the same "not found" for a wrong, revoked or malformed token. */
  async function resolve(token: string): Promise<TicketDoc> {
    const link = /^[\w-]{20,100}$/.test(token) ? await models.portalLinks.findById(hash(token)).lean() : null;
    const ticket = link && !link.revokedAt ? await models.tickets.findById(link.ticketId) : null;
    if (!ticket) throw new NotFound('portal.not_found');
    return ticket;
  }

  return {
    /** What templates put in a stored text; expandLinks turns it into the citizen's link when sending. */
    redactedLink: () => redacted,

    /** The text as sent: each redacted link replaced by the message's own link, stored (hashed) on first send. */
    async expandLinks(message: { _id: unknown; ticketId: unknown; citizenId?: unknown }, text: string): Promise<string> {
      if (!text.includes(redacted)) return text;
      const token = tokenOf(message);
      // $setOnInsert: a link revoked since the first send stays revoked.
      await models.portalLinks.updateOne({ _id: hash(token) }, { $setOnInsert: { ticketId: message.ticketId, citizenId: message.citizenId ?? null } }, { upsert: true });
      return text.replaceAll(redacted, `${deps.publicBaseUrl}/portal/${token}`);
    },

    /** The text shown again to its citizen (chat history): the same link, nothing written. */
    showLinks(message: { _id: unknown }, text: string): string {
      return text.includes(redacted) ? text.replaceAll(redacted, `${deps.publicBaseUrl}/portal/${tokenOf(message)}`) : text;
    },

    async createLink(ticket: Pick<TicketDoc, '_id' | 'citizenId'>): Promise<string> {
      const token = randomBytes(24).toString('base64url');
      await models.portalLinks.create({ _id: hash(token), ticketId: ticket._id, citizenId: ticket.citizenId });
      return `${deps.publicBaseUrl}/portal/${token}`;
    },

    async view(token: string) {
      const ticket = await resolve(token);
      const [agent, entries, citizen] = await Promise.all([
        ticket.assigneeId ? models.agents.findById(ticket.assigneeId, { name: 1 }).lean() : null,
        models.messages.find({ ticketId: ticket._id, direction: { $in: ['in', 'out'] } }).sort({ _id: 1 }).limit(500).lean(),
        models.citizens.findById(ticket.citizenId, { identities: 1 }).lean(),
      ]);
      // A call-back shows once it has reached (or tried to reach) the citizen, not its steps on our side.
      const messages = entries.filter((m) => m.kind !== 'verification' && (m.kind !== 'call' || ['answered', 'no_answer', 'busy'].includes(m.dial?.state ?? '')));
      const phone = citizen?.identities.find((i) => i.kind === 'phone')?.value ?? null;
      const open = ticket.status !== 'closed';
      const authors = await models.agents.find({ _id: { $in: messages.map((m) => m.authorId).filter(Boolean) } }, { name: 1 }).lean();
      const firstName = new Map(authors.map((a) => [String(a._id), a.name.split(/\s+/)[0] ?? '']));
      const running = ticket.sla && !ticket.sla.pausedAt ? ticket.sla.dueAt : null;
      return {
        reference: ticket.reference,
        status: ticket.status,
        agentFirstName: agent?.name.split(/\s+/)[0] ?? null,
        expectedBy: running ? running.toISOString() : null,
        messages: messages.map((m) => ({
          id: String(m._id),
          direction: m.direction as 'in' | 'out',
          channel: m.channel,
          text: m.text,
          createdAt: (m.createdAt ?? m.receivedAt).toISOString(),
          author: m.direction === 'out' ? (m.authorId ? (firstName.get(String(m.authorId)) ?? null) : null) : null,
          files: m.attachments.filter((a) => a.ref.startsWith('attachment:')).map((a) => ({ filename: a.filename ?? '', size: a.size })),
        })),
        documents: checklistView(ticket),
        maxFileBytes: deps.documents.maxBytes,
        /** Asked once the request is resolved; the first answer is kept. */
        satisfaction: {
          asked: !!deps.satisfactionEnabled && (!!ticket.surveyAskedAt || ticket.status === 'resolved' || ticket.status === 'closed'),
          score: ticket.satisfaction?.score ?? null,
        },
        callback: ticket.callback ? { slot: ticket.callback.slot, label: slotLabel(ticket.callback.slot) } : null,
        callbackSlots: open && deps.callbackSlots ? deps.callbackSlots() : [],
        /** The known number, masked: the citizen may keep it or give another. */
        callbackPhone: phone ? maskPhone(phone) : null,
      };
    },

    /** The ticket behind a link, for a citizen's action that counts against the link's rate limit. */
    async forAction(token: string): Promise<TicketDoc> {
      const ticket = await resolve(token);
      if (!(await posts.take(hash(token))).allowed) throw new RateLimited('portal.too_many_messages');
      return ticket;
    },

    /**
     * The citizen adds a message, with documents or not: it lands in the same thread (or a linked new one
     * if it was closed). Files naming a piece of the checklist (`item`) tick it.
     */
    async post(token: string, input: { text: string; clientId?: string; item?: string; files?: UploadedFile[] }, checked?: TicketDoc) {
      // `checked`: the ticket forAction gave before the body was read (link and limit already counted).
      const ticket = checked ?? (await resolve(token));
      const files = input.files ?? [];
      let text = input.text.trim();
      if (!text && files.length === 0) throw new Invalid('message.empty');
      if (input.item && !deps.documents.isRequested(ticket, input.item)) throw new Invalid('document.item_unknown');
      if (!checked && !(await posts.take(hash(token))).allowed) throw new RateLimited('portal.too_many_messages');
      const attachments = files.length ? await deps.documents.store(ticket, files) : [];
      if (!text) text = t('document.sent_text', { names: attachments.map((a) => a.filename).join(', ') });
      const result = await deps.ingestInbound({
        channel: 'portal',
        externalId: `${hash(token).slice(0, 16)}:${input.clientId ?? new Types.ObjectId().toHexString()}`,
        from: { address: 'portal' },
        citizenId: String(ticket.citizenId),
        text,
        threadHints: { ticketId: String(ticket._id) },
        attachments,
        receivedAt: now(),
      });
      if (input.item && attachments.length) await deps.documents.markProvided(new Types.ObjectId(result.ticketId), input.item, result.messageId);
      return { id: result.messageId, reference: result.reference };
    },

    async revokeAll(actor: Actor, ticketId: string): Promise<{ revoked: number }> {
      if (!Types.ObjectId.isValid(ticketId) || !(await models.tickets.exists({ _id: ticketId }))) throw new NotFound('ticket.not_found');
      const result = await models.portalLinks.updateMany({ ticketId, revokedAt: null }, { $set: { revokedAt: now() } });
      await audit(actor, 'portal.links.revoked', { ticketId }, { count: result.modifiedCount });
      return { revoked: result.modifiedCount };
    },
  };
}
export type PortalService = ReturnType<typeof createPortalService>;
