// The back-office's webhook deliveries, read and written by name: those due, whether an earlier one of
// the same ticket to the same endpoint is still pending (a ticket's deliveries go in order), a claim
// (a lease), and each outcome, with the endpoint's last delivery or error.
import { Types } from 'mongoose';
import type { Models } from '../index.js';

export function deliveries(models: Models) {
  return {
    add: (doc: { _id: Types.ObjectId; endpointId: Types.ObjectId; event: string; ticketId: Types.ObjectId | null; body: string; nextAttemptAt: Date }) => models.integrationDeliveries.create(doc),
    pendingCount: (endpointId: Types.ObjectId) => models.integrationDeliveries.countDocuments({ endpointId, status: 'pending' }),
    cancelPending: (endpointId: Types.ObjectId) => models.integrationDeliveries.updateMany({ endpointId, status: 'pending' }, { $set: { status: 'cancelled' } }),
    latestOf: (endpointId: string) => models.integrationDeliveries.find({ endpointId }).sort({ _id: -1 }).limit(50).lean(),
    /** Those sent about the tickets are deleted; those still to send get `scrub` applied to their body. */
    async erase(ticketIds: Types.ObjectId[], scrub: (body: string) => string) {
      await models.integrationDeliveries.deleteMany({ ticketId: { $in: ticketIds }, status: { $ne: 'pending' } });
      for (const delivery of await models.integrationDeliveries.find({ ticketId: { $in: ticketIds }, status: 'pending' }, { body: 1 }).lean()) {
        await models.integrationDeliveries.updateOne({ _id: delivery._id }, { $set: { body: scrub(delivery.body) } });
      }
    },
    due: (at: Date, limit = 50) => models.integrationDeliveries.find({ status: 'pending', nextAttemptAt: { $lte: at } }).sort({ _id: 1 }).limit(limit).lean(),
    earlierPending: (delivery: { _id: Types.ObjectId; endpointId: Types.ObjectId; ticketId: Types.ObjectId }) =>
      models.integrationDeliveries.exists({ endpointId: delivery.endpointId, ticketId: delivery.ticketId, status: 'pending', _id: { $lt: delivery._id } }),
    claim: (id: Types.ObjectId, at: Date, leaseUntil: Date) =>
      models.integrationDeliveries.findOneAndUpdate(
        { _id: id, status: 'pending', $or: [{ leaseUntil: null }, { leaseUntil: { $lte: at } }] },
        { $set: { leaseUntil }, $inc: { attempts: 1 } },
        { returnDocument: 'after' },
      ).lean(),
    endpoint: (id: Types.ObjectId) => models.integrationEndpoints.findById(id).lean(),
    cancel: (id: Types.ObjectId) => models.integrationDeliveries.updateOne({ _id: id }, { $set: { status: 'cancelled', leaseUntil: null } }),
    async delivered(id: Types.ObjectId, endpointId: Types.ObjectId, at: Date, code: number | null) {
      await models.integrationDeliveries.updateOne({ _id: id }, { $set: { status: 'delivered', deliveredAt: at, leaseUntil: null, lastStatusCode: code, lastError: null } });
      await models.integrationEndpoints.updateOne({ _id: endpointId }, { $set: { lastDeliveredAt: at } });
    },
    async failed(id: Types.ObjectId, endpointId: Types.ObjectId, at: Date, retryAt: Date, error: string, code: number | null) {
      await models.integrationDeliveries.updateOne({ _id: id }, { $set: { nextAttemptAt: retryAt, leaseUntil: null, lastError: error, lastStatusCode: code } });
      await models.integrationEndpoints.updateOne({ _id: endpointId }, { $set: { lastError: error, lastErrorAt: at } });
    },
  };
}
export type Deliveries = ReturnType<typeof deliveries>;
