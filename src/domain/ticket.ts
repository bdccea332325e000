// Ticket states and what each means for the queue and the clock.
import { CHANNEL_NAMES, type ChannelName } from '../../channels/registry.js';
export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Statuses in which a ticket is someone's work: they count in an agent's load. */
export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending'];
export const isOpen = (status: TicketStatus): boolean => OPEN_STATUSES.includes(status);

/** The store's enum of channels: the registry's. */
export const CHANNELS = CHANNEL_NAMES;
export type Channel = ChannelName;

export const MESSAGE_DIRECTIONS = ['in', 'out', 'note', 'system'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];
/** What a thread entry is: a message, an automatic one, or a call-back asked for and the call made. */
export const MESSAGE_KINDS = ['message', 'acknowledgement', 'reminder', 'closing', 'callback_request', 'call', 'verification', 'survey', 'survey_answer', 'status_update'] as const;

export const DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
