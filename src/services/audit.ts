// Appends audit events: who did what, to which record, when, and the data that makes it reversible.
import type { Types } from 'mongoose';
import type { Models } from '../store/index.js';
import { auditLog } from '../store/repositories/auditLog.js';

export type Actor = { kind: 'system' } | { kind: 'agent'; id: string } | { kind: 'citizen'; id: string };
export const SYSTEM: Actor = { kind: 'system' };

type Id = string | Types.ObjectId | null | undefined;

export function createAudit(models: Models, now: () => Date) {
  const record = (actor: Actor, action: string, about: { ticketId?: Id; citizenId?: Id; agentId?: Id }, data: Record<string, unknown> = {}) => ({
    at: now(),
    actor: { kind: actor.kind, id: 'id' in actor ? actor.id : null },
    action,
    ticketId: about.ticketId ?? null,
    citizenId: about.citizenId ?? null,
    agentId: about.agentId ?? null,
    data,
  });
  const log = auditLog(models);
  async function audit(actor: Actor, action: string, about: { ticketId?: Id; citizenId?: Id; agentId?: Id }, data: Record<string, unknown> = {}): Promise<void> {
    await log.append(record(actor, action, about, data));
  }
  /** Several events of one operation, in one write. */
  async function all(events: Parameters<typeof record>[]): Promise<void> {
    if (events.length) await log.appendAll(events.map((e) => record(...e)));
  }
  return Object.assign(audit, { all });
}
export type Audit = ReturnType<typeof createAudit>;
