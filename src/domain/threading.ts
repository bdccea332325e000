// Threading policy: which ticket an inbound message belongs to.
import type { TicketStatus } from './ticket.js';
import { isOpen } from './ticket.js';

export interface TicketForThreading {
  id: string;
  citizenId: string;
  status: TicketStatus;
  resolvedAt?: Date | null;
}

export type ThreadChoice =
  | { kind: 'existing'; ticketId: string; reopen: boolean }
  | { kind: 'new'; previousTicketId?: string };

/**
 * Explicit reference first (only when it belongs to the sender), then the open ticket, then the last
 * ticket if resolved within the reopen window; otherwise a new ticket linked to the last one.
 */
export function chooseThread(input: {
  citizenId: string;
  referenced?: TicketForThreading | null;
  open?: TicketForThreading | null;
  last?: TicketForThreading | null;
  now: Date;
  reopenWindowDays: number;
  /** The citizen opens a new request on purpose (their space): never an existing thread. */
  newRequest?: boolean;
}): ThreadChoice {
  const { citizenId, now, reopenWindowDays } = input;
  if (input.newRequest) return { kind: 'new' };
  const withinWindow = (t: TicketForThreading) =>
    t.status === 'resolved' && !!t.resolvedAt && now.getTime() - t.resolvedAt.getTime() <= reopenWindowDays * 86_400_000;
  const continueOn = (t: TicketForThreading): ThreadChoice | undefined => {
    if (isOpen(t.status)) return { kind: 'existing', ticketId: t.id, reopen: false };
    if (withinWindow(t)) return { kind: 'existing', ticketId: t.id, reopen: true };
    return undefined;
  };

  const referenced = input.referenced && input.referenced.citizenId === citizenId ? input.referenced : undefined;
  if (referenced) return continueOn(referenced) ?? { kind: 'new', previousTicketId: referenced.id };
  if (input.open && input.open.citizenId === citizenId && isOpen(input.open.status)) {
    return { kind: 'existing', ticketId: input.open.id, reopen: false };
  }
  if (input.last && input.last.citizenId === citizenId) {
    return continueOn(input.last) ?? { kind: 'new', previousTicketId: input.last.id };
  }
  return { kind: 'new' };
}
