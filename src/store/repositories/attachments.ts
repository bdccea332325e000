// Files by name: kept (from a mailbox, the portal or an agent), one with its bytes, several with or
// without them, and the fate of a mailbox's files once their message is stored (kept with its ticket,
// or dropped when the message was a copy).
import { Types } from 'mongoose';
import type { Models } from '../index.js';

type NewFile = { filename?: string; contentType?: string; size: number; content: Buffer; ticketId?: Types.ObjectId; uploadedBy?: Types.ObjectId };

export function attachmentsStore(models: Models) {
  const { attachments } = models;
  return {
    keep: (file: NewFile) => attachments.create(file),
    /** Hydrated, not lean: the bytes come as a Buffer. */
    withContent: (id: string) => (Types.ObjectId.isValid(id) ? attachments.findById(id) : Promise.resolve(null)),
    /** Hydrated (bytes as Buffers), for an adapter to send. */
    manyWithContent: (ids: string[]) => (ids.length ? attachments.find({ _id: { $in: ids } }) : Promise.resolve([])),
    /** The ticket's files among `ids`, without their bytes. */
    describedOf: (ticketId: Types.ObjectId, ids: string[]) => attachments.find({ _id: { $in: ids.filter((id) => Types.ObjectId.isValid(id)) }, ticketId }, { content: 0 }).lean(),
    adopt: (ids: string[], ticketId: string) => attachments.updateMany({ _id: { $in: ids } }, { $set: { ticketId } }),
    drop: (ids: string[]) => attachments.deleteMany({ _id: { $in: ids } }),
  };
}
