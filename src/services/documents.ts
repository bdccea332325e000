// Citizens' documents: files from the portal checked by their content (src/domain/documents.ts), kept in
// the attachment store like email attachments, downloadable by the agents who may see the ticket; and
// the ticket's checklist of pieces to provide ("pièces à fournir"), ticked as the citizen uploads them.
import { imageSize } from 'image-size';
import { Types } from 'mongoose';
import { acceptDocument, checklistId, documentName, sniffDocument } from '../domain/documents.js';
import { Invalid } from '../domain/errors.js';
import type { Models } from '../store/index.js';
import { attachmentRef } from '../store/models/mailbox.js';
import { attachmentsStore } from '../store/repositories/attachments.js';
import { tickets as ticketsStore } from '../store/repositories/tickets.js';
import type { TicketDoc } from '../store/models/ticket.js';

export interface UploadedFile { filename: string; content: Buffer }

export function createDocumentService(deps: { models: Models; now: () => Date; maxBytes: number }) {
  const { now } = deps;
  const attachments = attachmentsStore(deps.models);
  const tickets = ticketsStore(deps.models);

  /** The file as we keep it, or a refusal naming it (empty, too large, not a PDF or photo, an image bomb). */
  async function inspect(file: UploadedFile) {
    const sniffed = sniffDocument(file.content);
    let dimensions: { width: number; height: number } | undefined;
    if (sniffed?.startsWith('image/')) {
      try {
        const size = imageSize(file.content);
        if (size.width && size.height) dimensions = { width: size.width, height: size.height };
      } catch {
        dimensions = undefined; // unreadable header: refused below
      }
    }
    const contentType = acceptDocument({ filename: file.filename.slice(0, 150), sniffed, size: file.content.length, dimensions }, deps.maxBytes);
    return { filename: documentName(file.filename, contentType), contentType, content: file.content, size: file.content.length };
  }

  return {
    maxBytes: deps.maxBytes,
    inspect,

    /** Checked, then stored with the ticket: the references a message carries. */
    async store(ticket: Pick<TicketDoc, '_id'>, files: UploadedFile[]) {
      const accepted = [];
      for (const file of files) accepted.push(await inspect(file)); // all checked before any is kept
      const stored = [];
      for (const file of accepted) {
        const doc = await attachments.keep({ ticketId: ticket._id, filename: file.filename, contentType: file.contentType, size: file.size, content: file.content });
        stored.push({ filename: file.filename, contentType: file.contentType, size: file.size, ref: attachmentRef(doc._id) });
      }
      return stored;
    },

    /** Adds pieces to the ticket's checklist (a piece asked twice is listed once). */
    async addToChecklist(ticketId: Types.ObjectId, labels: string[]) {
      const clean = [...new Set(labels.map((l) => l.replace(/\s+/g, ' ').trim().slice(0, 120)).filter(Boolean))];
      if (clean.length === 0) throw new Invalid('document.none_requested');
      const known = new Set((await tickets.checklist(ticketId)).map((d) => d.id));
      const added = clean.map((label) => ({ id: checklistId(label), label, requestedAt: now(), providedAt: null, messageId: null })).filter((d) => !known.has(d.id) && known.add(d.id));
      if (added.length) await tickets.addToChecklist(ticketId, added);
      return added;
    },

    /** A piece of the checklist provided by a message. */
    async markProvided(ticketId: Types.ObjectId, itemId: string, messageId: string) {
      // Compare-and-set on the list as read: two uploads at once each tick their own piece.
      for (let attempt = 0; attempt < 10; attempt++) {
        const current = await tickets.checklist(ticketId);
        if (!current.some((d) => d.id === itemId && !d.providedAt)) return;
        const documents = current.map((d) => (d.id === itemId ? { ...d, providedAt: now(), messageId: new Types.ObjectId(messageId) } : d));
        if (await tickets.swapChecklist(ticketId, current, documents)) return;
      }
    },

    isRequested: (ticket: Checklist, itemId: string) => (ticket.documents ?? []).some((d) => d.id === itemId),
  };
}
export type DocumentService = ReturnType<typeof createDocumentService>;

type Checklist = { documents?: { id: string; label: string; requestedAt: Date; providedAt?: Date | null }[] | null };
export const checklistView = (ticket: Checklist) =>
  (ticket.documents ?? []).map((d) => ({ id: d.id, label: d.label, requestedAt: d.requestedAt.toISOString(), providedAt: d.providedAt ? d.providedAt.toISOString() : null }));
