// What every step of the inbound pipeline shares: its dependencies, the routing state kept between
// messages, and the small types the steps hand each other.
import type { Logger } from 'pino';
import type { Models } from '../../store/index.js';
import type { MessageKeys } from '../../store/repositories/messageKeys.js';
import type { Senders } from '../../store/repositories/senders.js';
import type { Threads } from '../../store/repositories/threads.js';
import type { InboundMessages } from '../../store/repositories/inboundMessages.js';
import type { MessageDoc } from '../../store/models/message.js';
import type { TicketDoc } from '../../store/models/ticket.js';
import type { Audit } from '../audit.js';
import type { EventBus } from '../eventBus.js';
import type { SlaPolicy } from '../sla.js';
import type { RoutingState } from './route.js';

export interface IngestDeps {
  models: Models;
  events: EventBus;
  audit: Audit;
  now: () => Date;
  log: Logger;
  rules: { defaultPhoneRegion: string; reopenWindowDays: number; slaFirstResponseHours: number };
  /** Queues the acknowledgement of a new ticket; idempotent, awaited before the message counts as processed. */
  acknowledge?: (ticket: TicketDoc, first: MessageDoc, known?: { citizenName?: string | null; smsOptedOut?: boolean }) => Promise<void>;
  sla: SlaPolicy;
  /** Keyword rules: the category and team of a new request. */
  classify?: (text: string, category?: string) => Promise<{ category: string; teamId: string | null } | undefined>;
  /** Told of each message stored, by when it was received: a late one (after an outage) reopens its day's statistics. */
  storedLate?: (receivedAt: Date) => Promise<void>;
}

/** The dependencies, the routing state and the store's named reads and writes: what each step takes first. */
export interface IngestContext extends IngestDeps {
  routing: RoutingState;
  keys: MessageKeys;
  senders: Senders;
  threads: Threads;
  messages: InboundMessages;
}

export interface IngestResult {
  messageId: string;
  ticketId: string;
  reference: string;
  citizenId: string;
  /** True when this delivery created the ticket: the caller acknowledges with the reference. */
  isNewTicket: boolean;
  /** True when the message was already stored (a retry): acknowledge again, store nothing. */
  duplicate: boolean;
  recurringAgentId: string | null;
  /** The agent who answers today: the recurring agent, or their cover while they are away. */
  handlingAgentId: string | null;
}

/** Who owns a ticket and who answers for them today. */
export type Routing = { recurringAgentId: string | null; handlingAgentId: string | null };
export type Rule = { category: string; teamId: string | null };
/** The keyword rules' answer for this message, asked at most once. */
export type Classify = () => Promise<Rule | undefined>;
/** What this delivery knows already, spared to the steps after it: the ticket it created, the citizen's name, whether their number sent STOP. */
export type Known = { created?: boolean; citizenName?: string | null; smsOptedOut?: boolean };

/** How long a delivery waits for what a concurrent one is writing (a message, a ticket) before taking over. */
const CONCURRENT_WAIT_MS = 2_000;
/** Compare-and-set loops give up after this many tries (each try follows another writer's success). */
export const MAX_ATTEMPTS = 8;
/** A message still 'finishing' after this long was left by a process that died. */
export const FINISHING_STALE_MS = 30_000;

/** A document another delivery is writing right now: read until it is there, or null after a short wait. */
export async function waitFor<T>(read: () => Promise<T | null>): Promise<T | null> {
  const deadline = Date.now() + CONCURRENT_WAIT_MS;
  for (;;) {
    const found = await read();
    if (found || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
}

